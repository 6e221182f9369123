package dev.switchboard.model.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
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
 * <p>
 * A thread writes its rows one after the other into the same buffers ({@link #start} hands out the thread's row
 * again once the last one {@link #end}ed): a row then allocates its bytes and little else. Numbers with a fraction
 * are written by Jackson's Schubfach writer (the shortest text that reads back as the same double), several times
 * faster than {@code Double.toString} on this JDK.
 */
public final class JsonRow {

    static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    /**
     * For the nested texts, written while the row's own generator holds the thread's buffers: from a pool of their
     * own, so that each text does not allocate fresh 8 KB buffers (it did, twice per request log).
     */
    private static final JsonFactory NESTED = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build();
    /** Each thread's row, handed out again by {@link #start} once it ended. */
    private static final ThreadLocal<JsonRow> ROWS = ThreadLocal.withInitial(JsonRow::new);
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    private static volatile FormattedSecond lastSecond;

    private final Buffer out = new Buffer(1024);
    /** The nested texts' bytes, before they are written into the row as one escaped string. */
    private final Buffer nested = new Buffer(256);
    private JsonGenerator json;
    /**
     * Between {@link #start} and {@link #end}. A row started meanwhile on the thread (or after one that failed half-way)
     * becomes the thread's row in its place: the one being written keeps its own buffers.
     */
    private boolean writing;

    private JsonRow() {
    }

    public static JsonRow start() {
        JsonRow row = ROWS.get();
        if (row.writing) {
            row = new JsonRow();
            ROWS.set(row);
        }
        row.out.reset();
        try {
            row.json = FACTORY.createGenerator(row.out);
            row.json.writeStartObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        row.writing = true;
        return row;
    }

    /**
     * {@code row} (a JSON object as {@link #end} writes it) with {@code "column": "value"} as its last field: how the
     * publisher stamps each row with its {@link TelemetryWire#EVENT_ID} whatever plane encoded it.
     */
    public static byte[] withLastField(byte[] row, String column, String value) {
        if (row.length < 2 || row[0] != '{' || row[row.length - 1] != '}') {
            throw new IllegalArgumentException("not a JSON object");
        }
        // written straight into one array (once per row on the publisher's thread: no generator for one field)
        byte[] name = QUOTE.quoteAsUTF8(column);
        byte[] text = QUOTE.quoteAsUTF8(value);
        boolean empty = row.length == 2;
        byte[] out = new byte[row.length + (empty ? 0 : 1) + name.length + text.length + 5];
        int at = row.length - 1;
        System.arraycopy(row, 0, out, 0, at);
        if (!empty) {
            out[at++] = ',';
        }
        out[at++] = '"';
        System.arraycopy(name, 0, out, at, name.length);
        at += name.length;
        out[at++] = '"';
        out[at++] = ':';
        out[at++] = '"';
        System.arraycopy(text, 0, out, at, text.length);
        at += text.length;
        out[at++] = '"';
        out[at] = '}';
        return out;
    }

    /** {@code instant} as a ClickHouse {@code DateTime} in UTC: {@code "YYYY-MM-DD hh:mm:ss"}. */
    public static String dateTime(Instant instant) {
        // rows come many to a second: the last second's text is kept rather than formatted again
        long second = instant.getEpochSecond();
        FormattedSecond last = lastSecond;
        if (last == null || last.second != second) {
            last = new FormattedSecond(second, DATE_TIME.format(instant));
            lastSecond = last;
        }
        return last.text;
    }

    private record FormattedSecond(long second, String text) {
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

    /**
     * A {@code String} column holding a nested thing as JSON text: what {@code writer} writes, put in the row as one
     * escaped string straight from its UTF-8 bytes (no {@code String} of it in between, as {@link #text} makes).
     */
    public JsonRow nested(String column, Writer writer) {
        nested.reset();
        try {
            try (JsonGenerator inner = NESTED.createGenerator(nested)) {
                writer.write(inner);
            }
            json.writeFieldName(column);
            json.writeUTF8String(nested.bytes(), 0, nested.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The row's bytes, UTF-8, without a newline. */
    public byte[] end() {
        try {
            json.writeEndObject();
            json.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            json = null;
            writing = false;
        }
        return out.toByteArray();
    }

    /** A byte buffer kept from row to row, whose bytes are read in place. */
    private static final class Buffer extends ByteArrayOutputStream {

        Buffer(int size) {
            super(size);
        }

        byte[] bytes() {
            return buf;
        }
    }

    /** Nested values written as JSON text, for a {@code String} column. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator json) throws IOException;
    }

    /** The JSON text {@code writer} produces, for a {@code String} column holding a nested thing. */
    public static String text(Writer writer) {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator json = NESTED.createGenerator(text)) {
            writer.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
