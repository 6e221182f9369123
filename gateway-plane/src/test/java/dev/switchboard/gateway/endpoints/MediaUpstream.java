package dev.switchboard.gateway.endpoints;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible upstream for media endpoints, a real HTTP server: {@code POST /v1/audio/speech} answers
 * {@code audio/mpeg} in two halves, the second only once the test releases it, so that a test can see the first half
 * reach the client while the upstream still holds the rest; {@code POST /v1/audio/transcriptions} and
 * {@code /v1/audio/translations} read and check the multipart form they get and answer a transcript.
 */
final class MediaUpstream implements AutoCloseable {

    static final byte[] FIRST_HALF = pattern(64 * 1024, 1);
    static final byte[] SECOND_HALF = pattern(64 * 1024, 7);

    private final HttpServer server;
    volatile CountDownLatch release = new CountDownLatch(1);
    volatile String lastPath;
    volatile byte[] lastBody;
    volatile String lastAuthorization;
    volatile String lastQuery;
    volatile String lastApiKey;
    /** The last transcription's or translation's form as received, null when it was malformed. */
    volatile ReceivedForm lastForm;
    volatile String lastContentType;
    volatile String lastContentLength;
    volatile Runnable onFormRead;
    final java.util.concurrent.atomic.AtomicInteger transcriptions = new java.util.concurrent.atomic.AtomicInteger();

    /** What every transcript says. */
    static final String TEXT = "The quick brown fox jumped over the lazy dog.";

    private MediaUpstream(HttpServer server) {
        this.server = server;
    }

    static MediaUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            MediaUpstream upstream = new MediaUpstream(server);
            server.createContext("/", upstream::handle);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "media-upstream");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            lastPath = exchange.getRequestURI().getRawPath();
            lastAuthorization = exchange.getRequestHeaders().getFirst("authorization");
            lastQuery = exchange.getRequestURI().getRawQuery();
            lastApiKey = exchange.getRequestHeaders().getFirst("api-key");
            // OpenAI's paths, and Azure's deployment paths (/openai/deployments/<deployment>/audio/...)
            if (lastPath.endsWith("/audio/transcriptions") || lastPath.endsWith("/audio/translations")) {
                transcribe(exchange, in);
                return;
            }
            lastBody = in.readAllBytes();
            if (!lastPath.equals("/v1/audio/speech")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("content-type", "audio/mpeg");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(FIRST_HALF);
            out.flush();
            if (!release.await(60, TimeUnit.SECONDS)) {
                return; // never released: the test failed already; end the answer short
            }
            out.write(SECOND_HALF);
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Speech to text as OpenAI answers it: the form read as it streams in and checked ({@link ReceivedForm}; a
     * malformed one is answered 400), then, once all of it is in and before answering, {@link #onFormRead} runs (a
     * test measures the gateway's memory there: a gateway that held the body would hold it now); then the answer
     * in the asked {@code response_format}, with the usage Whisper ({@code duration}) or gpt-4o-transcribe (tokens)
     * reports.
     */
    private void transcribe(HttpExchange exchange, InputStream in) throws IOException {
        transcriptions.incrementAndGet();
        lastContentType = exchange.getRequestHeaders().getFirst("content-type");
        lastContentLength = exchange.getRequestHeaders().getFirst("content-length");
        ReceivedForm form;
        try {
            form = ReceivedForm.read(in, lastContentType);
        } catch (IOException e) {
            lastForm = null;
            byte[] error = ("{\"error\":{\"message\":\"" + e.getMessage() + "\",\"type\":\"invalid_request_error\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(400, error.length);
            exchange.getResponseBody().write(error);
            return;
        }
        lastForm = form;
        Runnable hook = onFormRead;
        if (hook != null) {
            hook.run();
        }
        String format = form.fields().getOrDefault("response_format", "json");
        boolean tokens = form.fields().getOrDefault("model", "").startsWith("gpt-4o");
        String usage = tokens
                ? "\"usage\":{\"type\":\"tokens\",\"input_tokens\":120,\"input_token_details\":"
                        + "{\"text_tokens\":0,\"audio_tokens\":120},\"output_tokens\":30,\"total_tokens\":150}"
                : "\"usage\":{\"type\":\"duration\",\"seconds\":9}";
        String contentType = "text/plain; charset=utf-8";
        String body = switch (format) {
            case "text" -> TEXT + "\n";
            case "srt" -> "1\n00:00:00,000 --> 00:00:08,470\n" + TEXT + "\n\n";
            case "vtt" -> "WEBVTT\n\n00:00:00.000 --> 00:00:08.470\n" + TEXT + "\n\n";
            case "verbose_json" -> {
                contentType = "application/json";
                yield "{\"task\":\"transcribe\",\"language\":\"english\",\"duration\":8.47,\"text\":\"" + TEXT
                        + "\",\"segments\":[{\"id\":0,\"start\":0.0,\"end\":8.47,\"text\":\"" + TEXT + "\"}],"
                        + usage + "}";
            }
            default -> {
                contentType = "application/json";
                yield "{\"text\":\"" + TEXT + "\"," + usage + "}";
            }
        };
        if ("true".equals(form.fields().get("stream"))) {
            // gpt-4o-transcribe's stream: text deltas, then the whole text with the usage
            contentType = "text/event-stream";
            body = "data: {\"type\":\"transcript.text.delta\",\"delta\":\"The quick\"}\n\n"
                    + "data: {\"type\":\"transcript.text.done\",\"text\":\"" + TEXT + "\"," + usage + "}\n\n";
        }
        byte[] answer = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
