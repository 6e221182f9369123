package dev.switchboard.testsupport.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible upstream that misbehaves at the level a well-behaved HTTP server cannot: a real TCP server on
 * 127.0.0.1 that reads each HTTP/1.1 request and answers it as the {@code model} of its JSON body names a
 * {@link Fault} ({@code "model": "stall-mid-body"}), so that one account with one model per fault covers them all. A
 * stall lasts until the client goes away or {@link #close} is called; a reset is a TCP RST (linger 0).
 */
public final class MisbehavingProvider implements AutoCloseable {

    /** What the upstream does with a request; the wire name is the model id that asks for it. */
    public enum Fault {
        /** reads the request and never answers */
        STALL_BEFORE_HEADERS,
        /** a 200 head with a Content-Length, part of the JSON body, then nothing */
        STALL_MID_BODY,
        /** an SSE head, the role chunk and one content chunk, then nothing */
        STALL_MID_STREAM,
        /** reads the request and resets the connection */
        RESET_BEFORE_HEADERS,
        /** an SSE head and two chunks, then a reset */
        RESET_MID_STREAM,
        /** a 200 {@code application/json} whose body is not JSON */
        INVALID_JSON,
        /** a 200 with an HTML page */
        WRONG_CONTENT_TYPE,
        /** an SSE stream that ends cleanly (last chunk sent) with neither a finish reason nor {@code [DONE]} */
        TRUNCATED_SSE;

        public String model() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Fault of(String model) {
            return valueOf(model.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** What the JSON body of the stall-mid-body answer starts with, before it stalls. */
    public static final String PARTIAL_BODY = "{\"id\":\"chatcmpl-stall\",\"object\":\"chat.completion\",\"choices\":[";

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"");
    private static final String ROLE_CHUNK = "{\"id\":\"chatcmpl-m\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}";
    private static final String CONTENT_CHUNK = "{\"id\":\"chatcmpl-m\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}";

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean closed;

    private MisbehavingProvider() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "misbehaving-provider-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static MisbehavingProvider start() {
        try {
            return new MisbehavingProvider();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    public int requestCount() {
        return requests.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "misbehaving-provider-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            String body = readRequest(in);
            if (body == null) {
                return;
            }
            requests.incrementAndGet();
            Matcher m = MODEL.matcher(body);
            Fault fault = m.find() ? Fault.of(m.group(1)) : Fault.INVALID_JSON;
            OutputStream out = s.getOutputStream();
            switch (fault) {
                case STALL_BEFORE_HEADERS -> stall(in);
                case STALL_MID_BODY -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                            + PARTIAL_BODY);
                    stall(in);
                }
                case STALL_MID_STREAM -> {
                    streamHead(out);
                    chunk(out, "data: " + ROLE_CHUNK + "\n\n");
                    chunk(out, "data: " + CONTENT_CHUNK + "\n\n");
                    stall(in);
                }
                case RESET_BEFORE_HEADERS -> reset(s);
                case RESET_MID_STREAM -> {
                    streamHead(out);
                    chunk(out, "data: " + ROLE_CHUNK + "\n\n");
                    chunk(out, "data: " + CONTENT_CHUNK + "\n\n");
                    reset(s);
                }
                case INVALID_JSON -> whole(out, "application/json", "{\"id\":\"chatcmpl-x\",\"choices\":[{\"message\":");
                case WRONG_CONTENT_TYPE -> whole(out, "text/html; charset=utf-8",
                        "<html><body><h1>502 Bad Gateway</h1></body></html>");
                case TRUNCATED_SSE -> {
                    streamHead(out);
                    chunk(out, "data: " + ROLE_CHUNK + "\n\n");
                    chunk(out, "data: " + CONTENT_CHUNK + "\n\n");
                    write(out, "0\r\n\r\n");
                }
                default -> throw new IllegalStateException(fault.toString());
            }
        } catch (IOException e) {
            // the gateway went away (its timeout), or the reset
        } finally {
            open.remove(s);
        }
    }

    /** The body of the next request on the connection, or null at its end. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.write(c);
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Holds the connection until the client closes it (or {@link #close}). */
    private static void stall(InputStream in) throws IOException {
        while (in.read() >= 0) {
            // whatever the client sends, nothing comes back
        }
    }

    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    private static void streamHead(OutputStream out) throws IOException {
        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
    }

    private static void chunk(OutputStream out, String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        write(out, Integer.toHexString(bytes.length) + "\r\n" + data + "\r\n");
    }

    private static void whole(OutputStream out, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        write(out, "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n" + body);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
