package dev.switchboard.gateway.endpoints;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A {@code multipart/form-data} body as a fake upstream received it, read as a stream and checked as it goes: the
 * parts' names in order, the text fields' values, and of the file only its name, size and SHA-256 (a 20 MB file is
 * never held, so that the fake does not weigh on a memory measurement in the same JVM). Written apart from the
 * gateway's own scanner, so that the one checks the other. Throws {@link IOException} for a malformed body.
 */
record ReceivedForm(List<String> order, Map<String, String> fields, String fileName, long fileSize, String fileSha256,
                    long bodyBytes) {

    static ReceivedForm read(InputStream body, String contentType) throws IOException {
        int at = contentType == null ? -1 : contentType.indexOf("boundary=");
        if (contentType == null || !contentType.startsWith("multipart/form-data") || at < 0) {
            throw new IOException("not multipart/form-data with a boundary: " + contentType);
        }
        String boundary = contentType.substring(at + 9).replace("\"", "").split(";")[0].trim();
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        CountingStream in = new CountingStream(new BufferedInputStream(body, 64 * 1024));
        List<String> order = new ArrayList<>();
        Map<String, String> fields = new HashMap<>();
        String fileName = null;
        long fileSize = -1;
        String sha = null;
        // the first delimiter has no CRLF before it
        expect(in, ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        while (true) {
            int a = in.read();
            int b = in.read();
            if (a == '-' && b == '-') {
                break;
            }
            if (a != '\r' || b != '\n') {
                throw new IOException("a delimiter not followed by CRLF");
            }
            String name = null;
            String filename = null;
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                if (line.toLowerCase().startsWith("content-disposition:")) {
                    name = parameter(line, "name");
                    filename = parameter(line, "filename");
                }
            }
            if (name == null) {
                throw new IOException("a part without a name");
            }
            order.add(name);
            if (filename != null) {
                MessageDigest digest = sha256();
                long[] size = {0};
                readContent(in, delimiter, (buffer, length) -> {
                    digest.update(buffer, 0, length);
                    size[0] += length;
                });
                fileName = filename;
                fileSize = size[0];
                sha = HexFormat.of().formatHex(digest.digest());
            } else {
                ByteArrayOutputStream value = new ByteArrayOutputStream();
                readContent(in, delimiter, (buffer, length) -> value.write(buffer, 0, length));
                if (fields.put(name, value.toString(StandardCharsets.UTF_8)) != null) {
                    throw new IOException("the field " + name + " came twice");
                }
            }
        }
        in.readAllBytes(); // the epilogue
        return new ReceivedForm(List.copyOf(order), Map.copyOf(fields), fileName, fileSize, sha, in.count);
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private interface Sink {
        void accept(byte[] buffer, int length) throws IOException;
    }

    /**
     * A part's content up to the next delimiter, which is consumed. The delimiter's first byte (CR) occurs nowhere
     * else in it, so a partial match that fails restarts at the failing byte.
     */
    private static void readContent(CountingStream in, byte[] delimiter, Sink sink) throws IOException {
        byte[] out = new byte[8192];
        int length = 0;
        int matched = 0;
        while (matched < delimiter.length) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the body ended inside a part");
            }
            if (c == (delimiter[matched] & 0xFF)) {
                matched++;
                continue;
            }
            for (int i = 0; i < matched; i++) {
                if (length == out.length) {
                    sink.accept(out, length);
                    length = 0;
                }
                out[length++] = delimiter[i];
            }
            matched = c == delimiter[0] ? 1 : 0;
            if (matched == 0) {
                if (length == out.length) {
                    sink.accept(out, length);
                    length = 0;
                }
                out[length++] = (byte) c;
            }
        }
        sink.accept(out, length);
    }

    private static void expect(InputStream in, byte[] bytes) throws IOException {
        for (byte b : bytes) {
            if (in.read() != (b & 0xFF)) {
                throw new IOException("the body does not start with its boundary");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("the body ended inside a part's headers");
            }
            line.write(c);
        }
        if (in.read() != '\n') {
            throw new IOException("a header line not ended by CRLF");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static String parameter(String header, String name) {
        for (String piece : header.split(";")) {
            String p = piece.trim();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1).replace("\"", "");
            }
        }
        return null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class CountingStream extends InputStream {
        private final InputStream in;
        long count;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c >= 0) {
                count++;
            }
            return c;
        }
    }
}
