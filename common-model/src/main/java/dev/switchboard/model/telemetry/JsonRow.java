package dev.switchboard.model.telemetry;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Writes {@code JSONEachRow} rows the way {@link TelemetryWire} says: flat JSON objects, times as
 * {@code "YYYY-MM-DD hh:mm:ss"} UTC, booleans as 0/1, nested things as JSON text. A row is written without its
 * trailing newline (the publisher adds it).
 * <p>
 * The bytes are those Jackson's UTF-8 generator writes for the same calls (strings escaped as it escapes them, numbers
 * with a fraction as the shortest text that reads back as the same double), written by hand straight into one buffer:
 * the rows of a batch go one after the other into the buffer the publisher sends ({@link #begin}, {@link #finish}), so
 * that a row allocates nothing of its own. {@link #start} and {@link #end} write one row alone (the thread's buffer,
 * the row's bytes copied out).
 */
public final class JsonRow {

    /** Each thread's row for {@link #start}, handed out again once it ended. */
    private static final ThreadLocal<JsonRow> ROWS = ThreadLocal.withInitial(() -> new JsonRow(1024));
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static volatile FormattedSecond lastSecond;

    private final Bytes out;
    /** Where the row being written starts in {@link #out}. */
    private int rowStart;
    /** Whether the row being written has a field yet (a comma before the next). */
    private boolean hasField;
    /** The nested texts, before they are written into the row as one escaped string. */
    private Text nested;
    /**
     * Between {@link #start} and {@link #end}. A row started meanwhile on the thread (or after one that failed half-way)
     * becomes the thread's row in its place: the one being written keeps its own buffer.
     */
    private boolean writing;

    /** A buffer for rows written one after the other, {@code capacity} bytes to begin with. */
    public JsonRow(int capacity) {
        this.out = new Bytes(Math.max(16, capacity));
    }

    /** The thread's row, empty and begun: one row alone, whose bytes {@link #end} returns. */
    public static JsonRow start() {
        JsonRow row = ROWS.get();
        if (row.writing) {
            row = new JsonRow(1024);
            ROWS.set(row);
        }
        row.out.count = 0;
        row.writing = true;
        return row.begin();
    }

    /** Begins a row after what the buffer holds. */
    public JsonRow begin() {
        rowStart = out.count;
        hasField = false;
        out.write('{');
        return this;
    }

    /** Ends the row begun last (no newline). */
    public void finish() {
        out.write('}');
    }

    /** Ends the row {@link #start} began and returns its bytes, UTF-8, without a newline. */
    public byte[] end() {
        try {
            finish();
            return Arrays.copyOfRange(out.buf, rowStart, out.count);
        } finally {
            writing = false;
        }
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
        field(column);
        out.string(value);
        return this;
    }

    /** A string for a column that is not {@code Nullable}: null is written as the empty string. */
    public JsonRow requiredString(String column, String value) {
        return string(column, value == null ? "" : value);
    }

    /** The string {@code prefix-n}, as an event id is (no text of it made first). */
    public JsonRow string(String column, String prefix, long n) {
        field(column);
        out.write('"');
        out.escaped(prefix);
        out.write('-');
        out.number(n);
        out.write('"');
        return this;
    }

    public JsonRow number(String column, long value) {
        field(column);
        out.number(value);
        return this;
    }

    /** A number; a value that is not finite (NaN, infinite) is written as null, the column's default. */
    public JsonRow number(String column, double value) {
        field(column);
        if (Double.isFinite(value)) {
            out.number(value);
        } else {
            out.ascii("null");
        }
        return this;
    }

    /** An {@code Array(String)} column: a JSON array, empty for null (18.16 refuses null there). */
    public JsonRow strings(String column, java.util.Collection<String> values) {
        field(column);
        out.write('[');
        if (values != null) {
            boolean first = true;
            for (String v : values) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                out.string(v == null ? "" : v);
            }
        }
        out.write(']');
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
     * A {@code String} column holding a nested thing as JSON text: what {@code writer} writes, escaped as a string's
     * characters as it is written, straight into the row (no text of it made first, as {@link #text} makes, nor
     * copied in a second pass).
     */
    public JsonRow nested(String column, Writer writer) {
        field(column);
        out.write('"');
        Text text = nested == null ? (nested = new Text(out)) : nested;
        text.reset();
        out.embedded = true;
        try {
            writer.write(text);
        } finally {
            out.embedded = false;
        }
        out.write('"');
        return this;
    }

    private void field(String column) {
        if (hasField) {
            out.write(',');
        }
        hasField = true;
        out.name(column);
    }

    // the buffer, for the publisher that writes rows into it and sends it

    /** How many bytes the buffer holds. */
    public int size() {
        return out.count;
    }

    /** The buffer's array: its first {@link #size} bytes are what was written. */
    public byte[] array() {
        return out.buf;
    }

    /** Forgets what the buffer holds from {@code size} on (a row that is not to be sent after all). */
    public void truncate(int size) {
        if (size < 0 || size > out.count) {
            throw new IndexOutOfBoundsException(size);
        }
        out.count = size;
    }

    /** Empties the buffer; it keeps its capacity. */
    public void reset() {
        out.count = 0;
    }

    /** Appends bytes as they are (a row written before, a newline). */
    public void append(byte[] bytes, int off, int len) {
        out.write(bytes, off, len);
    }

    public void append(int b) {
        out.write(b);
    }

    /** A copy of the bytes from {@code from} to {@code to}. */
    public byte[] copy(int from, int to) {
        return Arrays.copyOfRange(out.buf, from, to);
    }

    /** Nested values written as JSON text, for a {@code String} column. */
    @FunctionalInterface
    public interface Writer {
        void write(Text json);
    }

    /** The JSON text {@code writer} produces, for a {@code String} column holding a nested thing. */
    public static String text(Writer writer) {
        Text text = new Text(new Bytes(256));
        writer.write(text);
        return new String(text.out.buf, 0, text.out.count, StandardCharsets.UTF_8);
    }

    /**
     * A nested thing as compact JSON text, written as Jackson's generator writes it (its method names, so that a writer
     * reads as one written for Jackson): values in arrays and objects separated by commas, strings escaped.
     */
    public static final class Text {
        private static final int MAX_DEPTH = 63;
        /** Where the text goes: a buffer of its own, or a row's (then inside a string: {@link Bytes#embedded}). */
        private final Bytes out;
        /** Bit d: the array or object at depth d has a value yet (a comma before the next). */
        private long hasValue;
        private int depth;

        Text(Bytes out) {
            this.out = out;
        }

        /** Ready for another text, written after what {@link #out} holds. */
        void reset() {
            hasValue = 0;
            depth = 0;
        }

        public void writeStartArray() {
            open('[');
        }

        public void writeEndArray() {
            close(']');
        }

        public void writeStartObject() {
            open('{');
        }

        public void writeEndObject() {
            close('}');
        }

        public void writeString(String value) {
            value();
            out.string(value);
        }

        public void writeStringField(String name, String value) {
            name(name);
            out.string(value);
        }

        public void writeNumberField(String name, long value) {
            name(name);
            out.number(value);
        }

        /**
         * A string field of {@code ids}' lowercase hex digits, 16 per long, one after the other (as W3C trace context
         * writes a span id, or a trace id from its two halves); what {@code writeStringField} writes for that text.
         */
        public void writeHexField(String name, long... ids) {
            name(name);
            out.quote();
            for (long id : ids) {
                out.hex(id);
            }
            out.quote();
        }

        /** As Jackson writes a double: a value that is not finite as a string ({@code "NaN"}). */
        public void writeNumberField(String name, double value) {
            name(name);
            if (Double.isFinite(value)) {
                out.number(value);
            } else {
                out.string(Double.toString(value));
            }
        }

        public void writeBooleanField(String name, boolean value) {
            name(name);
            out.ascii(value ? "true" : "false");
        }

        public void writeNullField(String name) {
            name(name);
            out.ascii("null");
        }

        /** A field whose value is an array, opened (Jackson's {@code writeArrayFieldStart}). */
        public void writeArrayFieldStart(String name) {
            name(name);
            push('[');
        }

        private void open(int bracket) {
            value();
            push(bracket);
        }

        private void push(int bracket) {
            if (depth == MAX_DEPTH) {
                throw new IllegalStateException("nested deeper than " + MAX_DEPTH);
            }
            depth++;
            hasValue &= ~(1L << depth);
            out.write(bracket);
        }

        private void close(int bracket) {
            if (depth == 0) {
                throw new IllegalStateException("nothing open to close");
            }
            depth--;
            out.write(bracket);
        }

        private void value() {
            long bit = 1L << depth;
            if ((hasValue & bit) != 0) {
                out.write(depth == 0 ? ' ' : ','); // Jackson's root value separator at the top
            }
            hasValue |= bit;
        }

        private void name(String name) {
            value();
            out.name(name);
        }
    }

    /** A growable byte buffer, and JSON written into it byte by byte. */
    private static final class Bytes {
        /** Per ASCII character: 0 as it is, -1 as a six-character escape (backslash, u, four hex digits), else the letter after a backslash (Jackson's table). */
        private static final int[] ESCAPES = new int[128];
        private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

        static {
            for (int i = 0; i < 32; i++) {
                ESCAPES[i] = -1;
            }
            ESCAPES['"'] = '"';
            ESCAPES['\\'] = '\\';
            ESCAPES['\b'] = 'b';
            ESCAPES['\t'] = 't';
            ESCAPES['\f'] = 'f';
            ESCAPES['\n'] = 'n';
            ESCAPES['\r'] = 'r';
        }

        /**
         * {@code "name":} as written, per field name: the names are the code's constants, a third of a row's bytes,
         * and are escaped once rather than for every row. An open-addressed table by the name's hash, compared by
         * reference first (a constant is the same {@code String} every row); a name that finds no room within
         * {@link #NAME_PROBES} slots is escaped every time, as are all once the table is half full (a caller that makes
         * up names). Read and written by every thread without a lock: a {@link Name} is immutable, so a thread sees
         * either a whole one or none, and one lost to a racing write is written again.
         */
        private static final int NAME_SLOTS = 1024;
        private static final int NAME_PROBES = 8;
        private static final Name[] NAMES = new Name[NAME_SLOTS];
        private static final java.util.concurrent.atomic.AtomicInteger NAMES_HELD =
                new java.util.concurrent.atomic.AtomicInteger();

        byte[] buf;
        int count;
        /**
         * Whether what is written is JSON text inside a JSON string (a nested column, {@link JsonRow#nested}): its
         * quotes and escapes are escaped once more ({@code "} as {@code \"}, {@code \n} as {@code \\n}), the bytes
         * that JSON text then reads as the text itself. Nothing else in JSON text needs it: brackets, digits, letters
         * and UTF-8 beyond ASCII are written as they are at both levels.
         */
        boolean embedded;
        /** A string's characters, copied out in bulk to be read without {@code charAt}'s checks. */
        private char[] chars = new char[64];

        Bytes(int capacity) {
            buf = new byte[capacity];
        }

        /** A field's name and its colon. */
        void name(String name) {
            int hash = name.hashCode();
            int free = -1;
            for (int probe = 0; probe < NAME_PROBES; probe++) {
                int slot = (hash + probe) & (NAME_SLOTS - 1);
                Name known = NAMES[slot];
                if (known == null) {
                    free = slot;
                    break;
                }
                if (known.name == name || known.name.equals(name)) {
                    write(embedded ? known.embedded : known.plain);
                    return;
                }
            }
            if (free >= 0 && NAMES_HELD.get() < NAME_SLOTS / 2) {
                Name made = Name.of(name);
                NAMES[free] = made;
                NAMES_HELD.incrementAndGet();
                write(embedded ? made.embedded : made.plain);
                return;
            }
            string(name);
            write(':');
        }

        /** A field name and its bytes as written, {@code "name":}, in a row and in a nested text. */
        private record Name(String name, byte[] plain, byte[] embedded) {
            static Name of(String name) {
                return new Name(name, written(name, false), written(name, true));
            }

            private static byte[] written(String name, boolean embedded) {
                Bytes b = new Bytes(name.length() + 8);
                b.embedded = embedded;
                b.string(name);
                b.write(':');
                return Arrays.copyOf(b.buf, b.count);
            }
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        void write(int b) {
            if (count == buf.length) {
                ensure(1);
            }
            buf[count++] = (byte) b;
        }

        void write(byte[] b) {
            write(b, 0, b.length);
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        void ascii(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[count++] = (byte) s.charAt(i);
            }
        }

        /** A JSON string, or null. */
        void string(String s) {
            if (s == null) {
                ascii("null");
                return;
            }
            quote();
            escaped(s);
            quote();
        }

        /** A string's quote. */
        void quote() {
            if (embedded) {
                ensure(2);
                buf[count++] = '\\';
            }
            write('"');
        }

        /**
         * The characters of a JSON string: UTF-8, with Jackson's escapes (the short ones, a six-character escape for the
         * other control characters and for each half of a surrogate pair, as its UTF-8 generator does).
         */
        void escaped(String s) {
            int n = s.length();
            ensure(n);
            if (chars.length < n) {
                chars = new char[Math.max(n, chars.length * 2)];
            }
            char[] cs = chars;
            s.getChars(0, n, cs, 0);
            byte[] b = buf;
            int at = count;
            int i = 0;
            // the plain ASCII run first, the common case: no bounds check beyond the one ensure
            for (; i < n; i++) {
                char c = cs[i];
                if (c >= 128 || ESCAPES[c] != 0) {
                    break;
                }
                b[at++] = (byte) c;
            }
            count = at;
            for (; i < n; i++) {
                char c = cs[i];
                if (c < 128) {
                    escapedAscii(c);
                } else if (c < 0x800) {
                    ensure(2);
                    buf[count++] = (byte) (0xc0 | (c >> 6));
                    buf[count++] = (byte) (0x80 | (c & 0x3f));
                } else if (Character.isSurrogate(c)) {
                    unicodeEscape(c);
                } else {
                    ensure(3);
                    buf[count++] = (byte) (0xe0 | (c >> 12));
                    buf[count++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                    buf[count++] = (byte) (0x80 | (c & 0x3f));
                }
            }
        }

        private void escapedAscii(int c) {
            int e = ESCAPES[c];
            if (e == 0) {
                write(c);
            } else if (e > 0) {
                ensure(4);
                buf[count++] = '\\';
                if (embedded) {
                    // the escape's backslash escaped, and its letter too when it is one that needs it: \" and \\
                    buf[count++] = '\\';
                    if (e == '"' || e == '\\') {
                        buf[count++] = '\\';
                    }
                }
                buf[count++] = (byte) e;
            } else {
                unicodeEscape(c);
            }
        }

        private void unicodeEscape(int c) {
            ensure(7);
            buf[count++] = '\\';
            if (embedded) {
                buf[count++] = '\\';
            }
            buf[count++] = 'u';
            buf[count++] = HEX[(c >> 12) & 0xf];
            buf[count++] = HEX[(c >> 8) & 0xf];
            buf[count++] = HEX[(c >> 4) & 0xf];
            buf[count++] = HEX[c & 0xf];
        }

        /** {@code v}'s 16 lowercase hex digits. */
        void hex(long v) {
            ensure(16);
            for (int shift = 60; shift >= 0; shift -= 4) {
                buf[count++] = LOWER_HEX[(int) (v >>> shift) & 0xf];
            }
        }

        void number(long v) {
            if (v == Long.MIN_VALUE) {
                write(MIN_LONG, 0, MIN_LONG.length);
                return;
            }
            ensure(20);
            if (v < 0) {
                buf[count++] = '-';
                v = -v;
            }
            int digits = digits(v);
            int end = count + digits;
            for (int at = end - 1; at >= count; at--) {
                buf[at] = (byte) ('0' + (int) (v % 10));
                v /= 10;
            }
            count = end;
        }

        private static int digits(long v) {
            int d = 1;
            for (long p = 10; d < 19 && v >= p; p *= 10) {
                d++;
            }
            return d;
        }

        /**
         * A finite double as {@code Double.toString} writes it on JDK 19+ and Jackson's fast writer on every JDK: the
         * shortest decimal that reads back as the same double. Done by hand for what a row mostly holds, a time in
         * milliseconds measured in nanoseconds ({@code n / 1e6}: at most six decimals) and whole numbers such as -1;
         * by Jackson's Schubfach writer for the rest.
         */
        void number(double v) {
            if (Double.doubleToRawLongBits(v) == 0) {
                ascii("0.0");
            } else if (!plainMicros(v)) {
                ascii(NumberOutput.toString(v, true));
            }
        }

        /**
         * {@code v} when it is {@code n / 10^6} for a whole {@code n} and within {@code [10^-3, 10^7)}, where
         * {@code Double.toString} writes no exponent; false (nothing written) otherwise. Such a decimal has at most 13
         * significant digits, and two different decimals of at most 15 digits never read back as the same double: the
         * decimal is the shortest that reads back as {@code v}, the one the Schubfach writer picks.
         */
        private boolean plainMicros(double v) {
            double a = Math.abs(v);
            if (!(a >= 1e-3 && a < 1e7)) {
                return false;
            }
            long n = Math.round(a * 1e6);
            if (n / 1e6 != a) {
                return false;
            }
            ensure(24);
            if (v < 0) {
                buf[count++] = '-';
            }
            number(n / 1_000_000);
            buf[count++] = '.';
            int fraction = (int) (n % 1_000_000);
            if (fraction == 0) {
                buf[count++] = '0';
                return true;
            }
            int places = 6;
            while (fraction % 10 == 0) {
                fraction /= 10;
                places--;
            }
            int end = count + places;
            for (int at = end - 1; at >= count; at--) {
                buf[at] = (byte) ('0' + fraction % 10);
                fraction /= 10;
            }
            count = end;
            return true;
        }
    }
}
