package dev.switchboard.model.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes one {@code JSONEachRow} row the way {@link TelemetryWire} says: a flat JSON object, times as
 * {@code "YYYY-MM-DD hh:mm:ss"} UTC, booleans as 0/1, nested things as JSON text. The planes' row encoders use it on
 * the publisher's thread. A row is written without its trailing newline (the publisher adds it).
 */
public final class JsonRow {

    static final JsonFactory FACTORY = new JsonFactory();
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    private final JsonGenerator json;

    private JsonRow() {
        try {
            json = FACTORY.createGenerator(out);
            json.writeStartObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonRow start() {
        return new JsonRow();
    }

    /**
     * {@code row} (a JSON object as {@link #end} writes it) with {@code "column": "value"} as its last field: how the
     * publisher stamps each row with its {@link TelemetryWire#EVENT_ID} whatever plane encoded it.
     */
    public static byte[] withLastField(byte[] row, String column, String value) {
        if (row.length < 2 || row[0] != '{' || row[row.length - 1] != '}') {
            throw new IllegalArgumentException("not a JSON object");
        }
        byte[] field = JsonRow.start().string(column, value).end(); // {"column":"value"}
        boolean empty = row.length == 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream(row.length + field.length);
        out.write(row, 0, row.length - 1);
        if (!empty) {
            out.write(',');
        }
        out.write(field, 1, field.length - 1);
        return out.toByteArray();
    }

    /** {@code instant} as a ClickHouse {@code DateTime} in UTC: {@code "YYYY-MM-DD hh:mm:ss"}. */
    public static String dateTime(Instant instant) {
        return DATE_TIME.format(instant);
    }

    public JsonRow string(String column, String value) {
        try {
            json.writeFieldName(column);
            if (value == null) {
                json.writeNull();
            } else {
                json.writeString(value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A string for a column that is not {@code Nullable}: null is written as the empty string. */
    public JsonRow requiredString(String column, String value) {
        return string(column, value == null ? "" : value);
    }

    public JsonRow number(String column, long value) {
        try {
            json.writeNumberField(column, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A number; a value that is not finite (NaN, infinite) is written as null, the column's default. */
    public JsonRow number(String column, double value) {
        try {
            json.writeFieldName(column);
            if (Double.isFinite(value)) {
                json.writeNumber(value);
            } else {
                json.writeNull();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** An {@code Array(String)} column: a JSON array, empty for null (18.16 refuses null there). */
    public JsonRow strings(String column, java.util.Collection<String> values) {
        try {
            json.writeArrayFieldStart(column);
            if (values != null) {
                for (String v : values) {
                    json.writeString(v == null ? "" : v);
                }
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A boolean column: 0 or 1. */
    public JsonRow bool(String column, boolean value) {
        return number(column, value ? 1L : 0L);
    }

    /** Writes {@code column} as a {@code DateTime} and {@code columnMs} as its epoch milliseconds. */
    public JsonRow time(String column, String columnMs, Instant at) {
        if (at == null) {
            return string(column, null).number(columnMs, 0L);
        }
        return string(column, dateTime(at)).number(columnMs, at.toEpochMilli());
    }

    /** The row's bytes, UTF-8, without a newline. */
    public byte[] end() {
        try {
            json.writeEndObject();
            json.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Nested values written as JSON text, for a {@code String} column. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator json) throws IOException;
    }

    /** The JSON text {@code writer} produces, for a {@code String} column holding a nested thing. */
    public static String text(Writer writer) {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator json = FACTORY.createGenerator(text)) {
            writer.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
