package dev.switchboard.runtime.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.guardrail.WebhookClient.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook client against a real HTTP server: what it sends, the size cap, and a call the engine gave up on. */
class VertxWebhookClientTest {

    private Vertx vertx;
    private HttpServer server;
    private VertxWebhookClient client;
    private final CountDownLatch closedByClient = new CountDownLatch(1);
    private volatile String contentType;
    private volatile String token;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            contentType = req.getHeader("content-type");
            token = req.getHeader("x-token");
            switch (req.path()) {
                case "/verdict" -> req.response().end("{\"verdict\":\"pass\",\"echo\":" + body + "}");
                case "/huge" -> req.response().setChunked(true)
                        .end(Buffer.buffer(new byte[VertxWebhookClient.MAX_REPLY_BYTES + 1]));
                case "/stall" -> req.connection().closeHandler(v -> closedByClient.countDown()); // never answers
                default -> req.response().setStatusCode(404).end();
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        client = new VertxWebhookClient(vertx, 2000);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    @Test
    void postsJsonWithTheGuardrailsHeadersAndReturnsStatusAndBody() throws Exception {
        Reply reply = client.post(url("/verdict"), Map.of("x-token", "t1"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(200, reply.status());
        assertArrayEquals("{\"verdict\":\"pass\",\"echo\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8), reply.body());
        assertEquals("application/json", contentType);
        assertEquals("t1", token);
    }

    @Test
    void anAnswerOverTheCapFailsInsteadOfFillingTheMemory() {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> client.post(url("/huge"), Map.of(), new byte[0]).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("over " + VertxWebhookClient.MAX_REPLY_BYTES + " bytes"));
    }

    @Test
    void aCallTheEngineCancelsIsResetAtOnce() throws Exception {
        CompletableFuture<Reply> call = client.post(url("/stall"), Map.of(), new byte[0]).toCompletableFuture();
        Thread.sleep(200); // the request reaches the server
        call.cancel(false);
        assertTrue(closedByClient.await(5, TimeUnit.SECONDS), "the connection to a stalled webhook was not reset");
    }

    @Test
    void aBadUrlFailsWithoutQuotingIt() {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> client.post("not a url ?secret=s3cr3t", Map.of(), new byte[0]).toCompletableFuture()
                        .get(5, TimeUnit.SECONDS));
        assertEquals("not a valid webhook URL", e.getCause().getMessage());
    }
}
