package dev.switchboard.model.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rows are byte for byte what Jackson's UTF-8 generator wrote for the same calls (how rows were written before
 * they were written by hand): strings with every kind of character, numbers of every kind, nested texts.
 */
class JsonRowBytesTest {

    private static final JsonFactory JACKSON =
            JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private static final String ALPHABET = "aZ09 -_:/.\"\\\b\f\n\r\t\u0000\u0001\u001f\u007f\u0080\u00e9\u07ff\u0800"
            + "\u65e5\ufffd\uffff\ud83d\ude00\ud800\udfff";

    /** One call on a row, made on both writers. */
    private interface Call {
        void on(JsonRow row);

        void on(JsonGenerator json) throws IOException;
    }

    private static String text(Random random) {
        int length = random.nextInt(4) == 0 ? 0 : random.nextInt(40);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(3) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                    : (char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    private static double fraction(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> -1;
            case 1 -> 0.0;
            case 2 -> random.nextLong(0, 100_000_000_000L) / 1e6; // a time in ms measured in ns
            case 3 -> -random.nextLong(0, 10_000_000_000_000L) / 1e6;
            case 4 -> random.nextLong(0, 1_000_000) / 1e6 / (1 + random.nextInt(1000)); // per output token
            case 5 -> random.nextInt(100_000) * 0.15e-6; // a cost
            case 6 -> Double.longBitsToDouble(random.nextLong()); // anything, NaN included
            case 7 -> random.nextInt(2000) / 1e3;
            default -> random.nextDouble() * Math.pow(10, random.nextInt(30) - 15);
        };
    }

    private static Call call(Random random, int i) {
        String column = random.nextInt(10) == 0 ? text(random) : "c" + i;
        switch (random.nextInt(7)) {
            case 0 -> {
                String value = random.nextInt(8) == 0 ? null : text(random);
                return new Call() {
                    public void on(JsonRow row) {
                        row.string(column, value);
                    }

                    public void on(JsonGenerator json) throws IOException {
                        json.writeFieldName(column);
                        if (value == null) {
                            json.writeNull();
                        } else {
                            json.writeString(value);
                        }
                    }
                };
            }
            case 1 -> {
                long value = switch (random.nextInt(4)) {
                    case 0 -> Long.MIN_VALUE;
                    case 1 -> Long.MAX_VALUE;
                    case 2 -> random.nextInt(2000) - 1000;
                    default -> random.nextLong();
                };
                return new Call() {
                    public void on(JsonRow row) {
                        row.number(column, value);
                    }

                    public void on(JsonGenerator json) throws IOException {
                        json.writeNumberField(column, value);
                    }
                };
            }
            case 2 -> {
                double value = fraction(random);
                return new Call() {
                    public void on(JsonRow row) {
                        row.number(column, value);
                    }

                    public void on(JsonGenerator json) throws IOException {
                        json.writeFieldName(column);
                        if (Double.isFinite(value)) {
                            json.writeNumber(value);
                        } else {
                            json.writeNull();
                        }
                    }
                };
            }
            case 3 -> {
                List<String> values = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    values.add(random.nextInt(5) == 0 ? null : text(random));
                }
                List<String> given = random.nextInt(5) == 0 ? null : values;
                return new Call() {
                    public void on(JsonRow row) {
                        row.strings(column, given);
                    }

                    public void on(JsonGenerator json) throws IOException {
                        json.writeArrayFieldStart(column);
                        if (given != null) {
                            for (String v : given) {
                                json.writeString(v == null ? "" : v);
                            }
                        }
                        json.writeEndArray();
                    }
                };
            }
            case 4 -> {
                boolean value = random.nextBoolean();
                return new Call() {
                    public void on(JsonRow row) {
                        row.bool(column, value);
                    }

                    public void on(JsonGenerator json) throws IOException {
                        json.writeNumberField(column, value ? 1L : 0L);
                    }
                };
            }
            default -> {
                List<Object[]> items = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    items.add(new Object[] {text(random), random.nextInt(600) - 1, fraction(random),
                            random.nextBoolean(), random.nextInt(3) == 0 ? null : text(random), random.nextLong(),
                    random.nextLong(), random.nextInt(4) == 0 ? text(random) : "named"});
                }
                return new Call() {
                    public void on(JsonRow row) {
                        row.nested(column, json -> {
                            json.writeStartArray();
                            for (Object[] item : items) {
                                json.writeStartObject();
                                json.writeStringField("target", (String) item[0]);
                                json.writeNumberField("status", (int) item[1]);
                                json.writeNumberField("latency_ms", (double) item[2]);
                                json.writeBooleanField("blocked", (boolean) item[3]);
                                json.writeStringField("reason", (String) item[4]);
                                json.writeNullField("none");
                                json.writeHexField("span_id", (long) item[5]);
                                json.writeHexField("trace_id", (long) item[5], (long) item[6]);
                                json.writeStringField((String) item[7], (String) item[0]); // a name to escape
                                json.writeEndObject();
                            }
                            json.writeEndArray();
                        });
                    }

                    public void on(JsonGenerator json) throws IOException {
                        ByteArrayOutputStream nested = new ByteArrayOutputStream();
                        try (JsonGenerator inner = JACKSON.createGenerator(nested)) {
                            inner.writeStartArray();
                            for (Object[] item : items) {
                                inner.writeStartObject();
                                inner.writeStringField("target", (String) item[0]);
                                inner.writeNumberField("status", (int) item[1]);
                                inner.writeNumberField("latency_ms", (double) item[2]);
                                inner.writeBooleanField("blocked", (boolean) item[3]);
                                inner.writeStringField("reason", (String) item[4]);
                                inner.writeNullField("none");
                                inner.writeStringField("span_id", HexFormat.of().toHexDigits((long) item[5]));
                                inner.writeStringField("trace_id", HexFormat.of().toHexDigits((long) item[5])
                                        + HexFormat.of().toHexDigits((long) item[6]));
                                inner.writeStringField((String) item[7], (String) item[0]);
                                inner.writeEndObject();
                            }
                            inner.writeEndArray();
                        }
                        json.writeFieldName(column);
                        byte[] bytes = nested.toByteArray();
                        json.writeUTF8String(bytes, 0, bytes.length);
                    }
                };
            }
        }
    }

    @Test
    void everyRowIsTheBytesJacksonWrites() throws Exception {
        Random random = new Random(20261207);
        JsonRow rows = new JsonRow(64);
        for (int r = 0; r < 20_000; r++) {
            List<Call> calls = new ArrayList<>();
            for (int i = random.nextInt(12); i >= 0; i--) {
                calls.add(call(random, i));
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (JsonGenerator json = JACKSON.createGenerator(expected)) {
                json.writeStartObject();
                for (Call c : calls) {
                    c.on(json);
                }
                json.writeEndObject();
            }
            int start = rows.size();
            rows.begin();
            for (Call c : calls) {
                c.on(rows);
            }
            rows.finish();
            String want = expected.toString(StandardCharsets.UTF_8);
            assertEquals(want, new String(rows.copy(start, rows.size()), StandardCharsets.UTF_8), "row " + r);
            if (rows.size() > 1 << 20) {
                rows.reset();
            }
        }
    }

    @Test
    void timesInMillisecondsAreTheShortestDecimalsAsJacksonWritesThem() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            long nanos = switch (i % 4) {
                case 0 -> random.nextInt(10_000_000);
                case 1 -> random.nextLong(0, 60_000_000_000L);
                case 2 -> random.nextLong(0, 20_000_000_000_000L);
                default -> (random.nextInt(100_000) + 1) * 1000L;
            };
            double ms = (i % 3 == 0 ? -nanos : nanos) / 1e6;
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (JsonGenerator json = JACKSON.createGenerator(expected)) {
                json.writeNumber(ms);
            }
            byte[] row = JsonRow.start().number("v", ms).end();
            String text = new String(row, 5, row.length - 6, StandardCharsets.UTF_8);
            assertEquals(expected.toString(StandardCharsets.UTF_8), text, nanos + " ns");
        }
    }
}
