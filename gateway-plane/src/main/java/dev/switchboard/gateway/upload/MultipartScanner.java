package dev.switchboard.gateway.upload;

import dev.switchboard.gateway.http.GatewayError;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) as it arrives, chunk by chunk, keeping only what it must: the
 * values of the few form fields the gateway acts on ({@link #CAPTURED}) with where they lie in the body, and whether a
 * {@code file} part came. The file's bytes pass by: at most one chunk plus the delimiter's length is held at a time,
 * whatever the file's size and wherever the fields are (before the file, or after it, as the OpenAI Java and Node
 * SDKs and OpenAI's own curl examples send {@code model}). Pure: no I/O, fed by {@link UploadReceiver}.
 */
final class MultipartScanner {

    /**
     * The fields read: {@code model} to route (and rewrite), {@code stream} to relay an event stream. The answer's
     * {@code response_format} needs no reading: its content type says what came back.
     */
    static final Set<String> CAPTURED = Set.of("model", "stream");
    private static final int MAX_HEADERS = 16 * 1024;
    private static final int MAX_FIELD = 4 * 1024;
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    /** A captured field: its value and where the value lies in the body ({@code [start, end)}, byte offsets). */
    record Field(String value, long start, long end) {
    }

    private enum State { CONTENT, AFTER_DELIMITER, HEADERS, DONE }

    /** {@code CRLF--boundary}: what ends a part's content (and, with a CRLF imagined before the body, the preamble). */
    private final byte[] delimiter;
    private final Map<String, Field> fields = new HashMap<>(4);
    private State state = State.CONTENT;
    private boolean inPreamble = true;
    private boolean sawFile;
    private int parts;
    /** The bytes not consumed yet; {@code window[0]} is at body offset {@code windowOffset}. */
    private byte[] window;
    private int windowLength;
    private long windowOffset;
    /** The part under way: its name, whether its value is captured (then its bytes so far), where its content began. */
    private String partName;
    private byte[] captured;
    private int capturedLength;
    private long contentStart;

    MultipartScanner(String boundary) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // the CRLF before the first delimiter is imagined, so that the first one reads as every other
        this.window = new byte[8 * 1024];
        window[0] = '\r';
        window[1] = '\n';
        windowLength = 2;
        windowOffset = -2;
    }

    /**
     * The boundary of a {@code multipart/form-data} content type; 415 for another type, 400 for one without a usable
     * boundary (RFC 2046: 1 to 70 characters).
     */
    static String boundaryOf(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw GatewayError.unsupportedMediaType(contentType, "multipart/form-data");
        }
        for (String parameter : contentType.split(";")) {
            String p = parameter.trim();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String boundary = p.substring(9);
                if (boundary.length() >= 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
                    boundary = boundary.substring(1, boundary.length() - 1);
                }
                if (!boundary.isEmpty() && boundary.length() <= 70) {
                    return boundary;
                }
            }
        }
        throw GatewayError.invalidRequest("The multipart/form-data content type has no valid boundary.", null);
    }

    /** The next chunk of the body; a body that cannot be a form is refused here, with a 400. */
    void feed(Buffer chunk) {
        int n = chunk.length();
        if (state == State.DONE) {
            return; // the epilogue, which RFC 2046 says to ignore
        }
        if (windowLength + n > window.length) {
            byte[] larger = new byte[Math.max(windowLength + n, window.length * 2)];
            System.arraycopy(window, 0, larger, 0, windowLength);
            window = larger;
        }
        chunk.getBytes(0, n, window, windowLength);
        windowLength += n;
        int consumed = scan();
        System.arraycopy(window, consumed, window, 0, windowLength - consumed);
        windowLength -= consumed;
        windowOffset += consumed;
    }

    /** The body ended; 400 unless its closing delimiter came. */
    void end() {
        if (state != State.DONE) {
            throw malformed("it ends before its closing boundary");
        }
    }

    /** Runs the state machine over the window; returns how many bytes it is done with. */
    private int scan() {
        int at = 0;
        while (true) {
            switch (state) {
                case CONTENT -> {
                    int found = indexOf(window, at, windowLength, delimiter);
                    if (found < 0) {
                        // all but a possible start of the delimiter is content
                        int safe = Math.max(at, windowLength - (delimiter.length - 1));
                        content(at, safe);
                        return safe;
                    }
                    content(at, found);
                    endPart(windowOffset + found);
                    at = found + delimiter.length;
                    state = State.AFTER_DELIMITER;
                }
                case AFTER_DELIMITER -> {
                    if (windowLength - at < 2) {
                        return at;
                    }
                    if (window[at] == '-' && window[at + 1] == '-') {
                        state = State.DONE;
                        return windowLength;
                    }
                    if (window[at] != '\r' || window[at + 1] != '\n') {
                        throw malformed("a boundary is not followed by a line end");
                    }
                    state = State.HEADERS; // the CRLF stays: an empty header block is then CRLF CRLF too
                }
                case HEADERS -> {
                    int found = indexOf(window, at, windowLength, HEADERS_END);
                    if (found < 0) {
                        if (windowLength - at > MAX_HEADERS) {
                            throw malformed("a part's headers are longer than " + MAX_HEADERS + " bytes");
                        }
                        return at;
                    }
                    startPart(new String(window, at + 2, Math.max(0, found - at - 2), StandardCharsets.UTF_8));
                    at = found + HEADERS_END.length;
                    contentStart = windowOffset + at;
                    state = State.CONTENT;
                }
                case DONE -> {
                    return windowLength;
                }
            }
        }
    }

    private void startPart(String headers) {
        parts++;
        inPreamble = false;
        String disposition = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                disposition = line.substring(colon + 1);
            }
        }
        String name = disposition == null ? null : parameter(disposition, "name");
        if (name == null) {
            throw malformed("part " + parts + " has no Content-Disposition name");
        }
        boolean file = parameter(disposition, "filename") != null;
        if (name.equals("file") && file) {
            sawFile = true;
        }
        partName = name;
        if (!file && CAPTURED.contains(name)) {
            if (fields.containsKey(name)) {
                // the gateway would act on one value and the provider's parser might take the other
                throw GatewayError.invalidRequest("'" + name + "' is given more than once.", name);
            }
            captured = new byte[64];
            capturedLength = 0;
        } else {
            captured = null;
        }
    }

    private void content(int from, int to) {
        if (inPreamble || captured == null || to <= from) {
            return;
        }
        int n = to - from;
        if (capturedLength + n > MAX_FIELD) {
            throw GatewayError.invalidRequest("'" + partName + "' is longer than " + MAX_FIELD + " bytes.", partName);
        }
        if (capturedLength + n > captured.length) {
            captured = java.util.Arrays.copyOf(captured, Math.max(capturedLength + n, captured.length * 2));
        }
        System.arraycopy(window, from, captured, capturedLength, n);
        capturedLength += n;
    }

    /** The part under way ended where its delimiter begins ({@code end}, a body offset). */
    private void endPart(long end) {
        if (captured != null) {
            fields.put(partName, new Field(new String(captured, 0, capturedLength, StandardCharsets.UTF_8),
                    contentStart, end));
            captured = null;
        }
    }

    /**
     * A parameter of a Content-Disposition header ({@code name="model"}), or null. Browsers and SDKs quote the value and
     * escape a quote in it as {@code %22}; field names the gateway reads never contain one.
     */
    static String parameter(String disposition, String name) {
        for (String piece : disposition.split(";")) {
            String p = piece.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String value = p.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }

    private static int indexOf(byte[] a, int from, int to, byte[] b) {
        byte first = b[0];
        for (int i = from; i + b.length <= to; i++) {
            if (a[i] != first) {
                continue;
            }
            int j = 1;
            while (j < b.length && a[i + j] == b[j]) {
                j++;
            }
            if (j == b.length) {
                return i;
            }
        }
        return -1;
    }

    private static GatewayError malformed(String why) {
        return GatewayError.invalidRequest("The multipart/form-data body is malformed: " + why + ".", null);
    }

    /** A captured field, or null when the form has none. */
    Field field(String name) {
        return fields.get(name);
    }

    /** Whether a part named {@code file} with a file name came. */
    boolean sawFile() {
        return sawFile;
    }
}
