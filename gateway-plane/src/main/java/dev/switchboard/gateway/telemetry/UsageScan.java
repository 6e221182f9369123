package dev.switchboard.gateway.telemetry;

import java.nio.charset.StandardCharsets;

/**
 * What {@link Usage#ofJson} reads of a JSON answer, in one pass over its bytes with no parser: the top-level
 * {@code usage}, {@code duration}, {@code id}, {@code model}, {@code stop_reason}, the first choice's
 * {@code finish_reason} and how many items the {@code data} array holds, taken in the order the Jackson walk of
 * {@code Usage.parse} takes them, so that a well-formed answer yields the same {@link Usage}. It checks the whole document up to the end of its root object as Jackson would
 * (string escapes and control characters, UTF-8 byte patterns, number and literal grammar, brackets) and is
 * <em>unsure</em> (returns null, and the caller parses) wherever it could differ: anything malformed, a name or a
 * kept string with an escape or a non-ASCII byte, a token count beyond 18 digits, a very long number, nesting deeper
 * than {@link #MAX_DEPTH}, a {@code choices} entry that is not an object, a body that does not start with an object.
 */
final class UsageScan {

    /** Well inside Jackson's own limits (nesting, number and name length, string length), so it never accepts more. */
    private static final int MAX_DEPTH = 64;
    private static final int MAX_NUMBER = 100;
    private static final int MAX_NAME = 1000;
    private static final int MAX_LENGTH = 4 * 1024 * 1024;

    /** Byte classes inside a string: 0 plain, 1 quote, 2 backslash, 3 control, 4-6 a UTF-8 lead of 1-3 more, 7 bad. */
    private static final byte[] IN_STRING = new byte[256];

    static {
        for (int c = 0; c < 0x20; c++) {
            IN_STRING[c] = 3;
        }
        IN_STRING['"'] = 1;
        IN_STRING['\\'] = 2;
        for (int c = 0x80; c < 0x100; c++) {
            IN_STRING[c] = (byte) ((c & 0xE0) == 0xC0 ? 4 : (c & 0xF0) == 0xE0 ? 5 : (c & 0xF8) == 0xF0 ? 6 : 7);
        }
    }

    /** Thrown where the scan cannot be sure it reads as Jackson does; one instance, no stack trace. */
    private static final class Unsure extends Exception {
        private static final Unsure INSTANCE = new Unsure();

        private Unsure() {
            super(null, null, false, false);
        }
    }

    private final byte[] b;
    private final int end;
    private int i;
    /** Set by {@link #string}: whether the string just read had an escape, or a byte above ASCII. */
    private boolean escaped;
    private boolean nonAscii;
    /** Set by {@link #member}: the name's extent. */
    private int nameStart;
    private int nameLength;
    /** Set by {@link #number}: where the number starts (it ends at {@link #i}). */
    private int numberStart;

    private final long[] tokens = {-1, -1};
    private final double[] seconds = {-1, -1}; // usage.seconds, duration
    private String id;
    private String model;
    private String finish;
    private int dataItems = -1;

    private UsageScan(byte[] b, int offset, int length) {
        this.b = b;
        this.i = offset;
        this.end = offset + length;
    }

    /** The usage, as {@code Usage.parse} would read it, or null when unsure. */
    static Usage read(byte[] json, int offset, int length) {
        if (length > MAX_LENGTH) {
            return null;
        }
        UsageScan s = new UsageScan(json, offset, length);
        try {
            s.root();
        } catch (Unsure e) {
            return null;
        }
        return Usage.of(s.tokens, s.seconds, s.id, s.model, s.finish, s.dataItems);
    }

    /** The root object; what follows it is not read, as Jackson does not read it. */
    private void root() throws Unsure {
        ws();
        expect('{');
        if (closes('}')) {
            return;
        }
        do {
            member();
            byte first = peek();
            if (first == '{' && is("usage")) {
                i++;
                usage();
            } else if ((first == '-' || isDigit(first)) && is("duration")) {
                number();
                seconds[1] = parseDouble();
            } else if (first == '"' && is("id")) {
                id = keptString();
            } else if (first == '"' && is("model")) {
                model = keptString();
            } else if (first == '"' && is("stop_reason")) {
                finish = keptString();
            } else if (first == '[' && is("choices")) {
                i++;
                finish = firstFinishReason();
            } else if (first == '[' && is("data")) {
                i++;
                dataItems = countItems();
            } else {
                value(1);
            }
        } while (more('}'));
    }

    /** After the opening brace of {@code usage}: its counts, as {@code Usage.readUsage} takes them. */
    private void usage() throws Unsure {
        if (closes('}')) {
            return;
        }
        do {
            member();
            byte first = peek();
            if (first == '-' || isDigit(first)) {
                NumberKind kind = number();
                if (is("seconds")) {
                    seconds[0] = parseDouble();
                } else if (kind == NumberKind.INT && (is("prompt_tokens") || is("input_tokens"))) {
                    tokens[0] = parseLong();
                } else if (kind == NumberKind.INT && is("total_tokens") && tokens[0] < 0) {
                    tokens[0] = parseLong();
                } else if (kind == NumberKind.INT && (is("completion_tokens") || is("output_tokens"))) {
                    tokens[1] = parseLong();
                }
            } else {
                value(2);
            }
        } while (more('}'));
    }

    /** After an array's {@code [}: how many values it holds (an image generation's images); past the array. */
    private int countItems() throws Unsure {
        int items = 0;
        if (closes(']')) {
            return 0;
        }
        do {
            value(2);
            items++;
        } while (more(']'));
        return items;
    }

    /** After {@code choices}' {@code [}: the first string {@code finish_reason} of its objects; past the array. */
    private String firstFinishReason() throws Unsure {
        if (closes(']')) {
            return null;
        }
        String found = null;
        do {
            expect('{'); // an entry that is not an object leaves Jackson's walk half-way: let it decide
            if (!closes('}')) {
                do {
                    member();
                    if (found == null && peek() == '"' && is("finish_reason")) {
                        found = keptString();
                    } else {
                        value(3);
                    }
                } while (more('}'));
            }
        } while (more(']'));
        return found;
    }

    /** Skips one value of any kind that starts here, checking it. */
    private void value(int depth) throws Unsure {
        if (depth > MAX_DEPTH) {
            throw Unsure.INSTANCE;
        }
        byte c = peek();
        switch (c) {
            case '"' -> {
                i++;
                string();
            }
            case '{' -> {
                i++;
                if (closes('}')) {
                    return;
                }
                do {
                    member();
                    value(depth + 1);
                } while (more('}'));
            }
            case '[' -> {
                i++;
                if (closes(']')) {
                    return;
                }
                do {
                    value(depth + 1);
                } while (more(']'));
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || isDigit(c)) {
                    number();
                } else {
                    throw Unsure.INSTANCE;
                }
            }
        }
    }

    /**
     * A member's name and its colon, from the opening quote: where the name starts and how long it is, for {@link #is};
     * unsure if it has an escape (it would not compare as its text) or a byte above ASCII (Jackson decodes a name, and
     * refuses in it some byte runs it lets pass in a string it skips).
     */
    private void member() throws Unsure {
        expect('"');
        nameStart = i;
        string();
        nameLength = i - 1 - nameStart;
        if (escaped || nonAscii || nameLength > MAX_NAME) {
            throw Unsure.INSTANCE;
        }
        ws();
        expect(':');
        ws();
    }

    /** Past an opening bracket: whether the container is empty (then also past {@code close}). */
    private boolean closes(char close) throws Unsure {
        ws();
        if (peek() == close) {
            i++;
            return true;
        }
        return false;
    }

    /** A string value to keep: ASCII with no escape, else unsure. */
    private String keptString() throws Unsure {
        i++;
        int start = i;
        string();
        if (escaped || nonAscii) {
            throw Unsure.INSTANCE;
        }
        return new String(b, start, i - 1 - start, StandardCharsets.ISO_8859_1);
    }

    /** From just after an opening quote to just after the closing one, checking escapes and UTF-8 as Jackson does. */
    private void string() throws Unsure {
        escaped = false;
        nonAscii = false;
        while (true) {
            if (i >= end) {
                throw Unsure.INSTANCE;
            }
            int type = IN_STRING[b[i++] & 0xFF];
            if (type == 0) {
                continue;
            }
            switch (type) {
                case 1 -> {
                    return;
                }
                case 2 -> escape();
                case 4 -> continuation(1);
                case 5 -> continuation(2);
                case 6 -> continuation(3);
                default -> throw Unsure.INSTANCE; // a raw control character, or no UTF-8 lead byte
            }
        }
    }

    private void escape() throws Unsure {
        escaped = true;
        if (i >= end) {
            throw Unsure.INSTANCE;
        }
        byte c = b[i++];
        switch (c) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
            }
            case 'u' -> {
                if (i + 4 > end) {
                    throw Unsure.INSTANCE;
                }
                for (int k = 0; k < 4; k++) {
                    if (Character.digit(b[i++], 16) < 0) {
                        throw Unsure.INSTANCE;
                    }
                }
            }
            default -> throw Unsure.INSTANCE;
        }
    }

    private void continuation(int n) throws Unsure {
        nonAscii = true;
        if (i + n > end) {
            throw Unsure.INSTANCE;
        }
        for (int k = 0; k < n; k++) {
            if ((b[i++] & 0xC0) != 0x80) {
                throw Unsure.INSTANCE;
            }
        }
    }

    private enum NumberKind { INT, FLOAT }

    /** A number by JSON's grammar (no leading zero, digits after a point and in an exponent), from here. */
    private NumberKind number() throws Unsure {
        numberStart = i;
        if (peek() == '-') {
            i++;
        }
        byte c = peek();
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            digits();
        } else {
            throw Unsure.INSTANCE;
        }
        NumberKind kind = NumberKind.INT;
        if (i < end && b[i] == '.') {
            i++;
            if (!isDigit(peek())) {
                throw Unsure.INSTANCE;
            }
            digits();
            kind = NumberKind.FLOAT;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!isDigit(peek())) {
                throw Unsure.INSTANCE;
            }
            digits();
            kind = NumberKind.FLOAT;
        }
        if (i - numberStart > MAX_NUMBER) {
            throw Unsure.INSTANCE;
        }
        return kind;
    }

    private void digits() {
        while (i < end && isDigit(b[i])) {
            i++;
        }
    }

    /** The integer just read by {@link #number}, if it has at most 18 digits (a long for sure); else unsure. */
    private long parseLong() throws Unsure {
        int at = numberStart;
        boolean negative = b[at] == '-';
        if (negative) {
            at++;
        }
        if (i - at > 18) {
            throw Unsure.INSTANCE;
        }
        long value = 0;
        for (; at < i; at++) {
            value = value * 10 + (b[at] - '0');
        }
        return negative ? -value : value;
    }

    private double parseDouble() {
        return Double.parseDouble(new String(b, numberStart, i - numberStart, StandardCharsets.ISO_8859_1));
    }

    private void literal(String word) throws Unsure {
        if (i + word.length() > end) {
            throw Unsure.INSTANCE;
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[i + k] != word.charAt(k)) {
                throw Unsure.INSTANCE;
            }
        }
        i += word.length();
    }

    /** Whether the member's name just read is {@code name}. */
    private boolean is(String name) {
        if (nameLength != name.length()) {
            return false;
        }
        for (int k = 0; k < nameLength; k++) {
            if (b[nameStart + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private void ws() {
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    /** After a member or an element: true past a comma (and the space after it), false past {@code close}. */
    private boolean more(char close) throws Unsure {
        ws();
        byte next = next();
        if (next == close) {
            return false;
        }
        if (next != ',') {
            throw Unsure.INSTANCE;
        }
        ws();
        return true;
    }

    private byte peek() throws Unsure {
        if (i >= end) {
            throw Unsure.INSTANCE;
        }
        return b[i];
    }

    private byte next() throws Unsure {
        if (i >= end) {
            throw Unsure.INSTANCE;
        }
        return b[i++];
    }

    private void expect(char c) throws Unsure {
        if (next() != c) {
            throw Unsure.INSTANCE;
        }
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
