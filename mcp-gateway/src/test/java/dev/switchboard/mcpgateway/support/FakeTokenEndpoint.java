package dev.switchboard.mcpgateway.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OAuth 2.0 token endpoint for the client credentials grant (RFC 6749 section 4.4), as a real HTTP server on
 * 127.0.0.1 ({@link #start()}, at {@code /oauth/token}) or mounted on another test server ({@link #handler()}, as a
 * Databricks workspace's {@code /oidc/v1/token}). It authenticates clients with HTTP Basic or with
 * {@code client_id}/{@code client_secret} in the body, issues a new random token on every call that expires after
 * {@link #lifetime}, and says whether a token is valid now ({@link #valid}: issued here, not expired, not revoked), which
 * a fake MCP server uses to check what the gateway presents.
 */
public final class FakeTokenEndpoint implements AutoCloseable {

    public static final String PATH = "/oauth/token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One token request as it arrived: the form fields and how the client authenticated. */
    public record TokenRequest(Map<String, String> form, String clientId, String clientAuth) {
    }

    private record Issued(long expiresAtMillis, boolean revoked) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, String> clients = new ConcurrentHashMap<>();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Duration lifetime = Duration.ofHours(1);
    private volatile Duration delay = Duration.ZERO;
    private volatile int failWith;

    private FakeTokenEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** A token endpoint of its own on a free port; {@link #url()} names it. */
    public static FakeTokenEndpoint start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 256);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-token-endpoint");
                t.setDaemon(true);
                return t;
            });
            FakeTokenEndpoint fake = new FakeTokenEndpoint(server, executor);
            server.createContext(PATH, fake::handle);
            server.setExecutor(executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token endpoint without a server of its own, to be mounted with {@link #handler()}. */
    public static FakeTokenEndpoint mounted() {
        return new FakeTokenEndpoint(null, null);
    }

    public HttpHandler handler() {
        return this::handle;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    public FakeTokenEndpoint client(String clientId, String secret) {
        clients.put(clientId, secret);
        return this;
    }

    /** How long the tokens issued from now on live. */
    public void lifetime(Duration next) {
        lifetime = next;
    }

    /** How long each answer waits, to widen the window in which concurrent requests need a token. */
    public void delay(Duration next) {
        delay = next;
    }

    /** Every token request is answered with this status and an OAuth error, until 0 is set again. */
    public void failWith(int status) {
        failWith = status;
    }

    /** Every token issued so far is invalid from now on. */
    public void revokeAll() {
        issued.replaceAll((t, i) -> new Issued(i.expiresAtMillis(), true));
    }

    public int calls() {
        return calls.get();
    }

    public List<TokenRequest> requests() {
        return List.copyOf(requests);
    }

    /** Whether {@code token} was issued here, has not expired and was not revoked. */
    public boolean valid(String token) {
        Issued i = token == null ? null : issued.get(token);
        return i != null && !i.revoked() && System.currentTimeMillis() < i.expiresAtMillis();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            calls.incrementAndGet();
            Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String clientId = form.get("client_id");
            String secret = form.get("client_secret");
            String clientAuth = "post";
            String basic = ex.getRequestHeaders().getFirst("Authorization");
            if (basic != null && basic.startsWith("Basic ")) {
                String pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                clientId = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
                clientAuth = "basic";
            }
            requests.add(new TokenRequest(form, clientId, clientAuth));
            sleep(delay);
            if (failWith != 0) {
                send(ex, failWith, JSON.createObjectNode().put("error", "temporarily_unavailable")
                        .put("error_description", "the fake was told to fail"));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod()) || !"client_credentials".equals(form.get("grant_type"))) {
                send(ex, 400, JSON.createObjectNode().put("error", "unsupported_grant_type"));
                return;
            }
            if (clientId == null || secret == null || !secret.equals(clients.get(clientId))) {
                // the free text echoes the secret, as careless servers do: the gateway must not repeat it
                send(ex, 401, JSON.createObjectNode().put("error", "invalid_client")
                        .put("error_description", "client " + clientId + " with secret " + secret + " is unknown"));
                return;
            }
            String token = "tok-" + UUID.randomUUID();
            issued.put(token, new Issued(System.currentTimeMillis() + lifetime.toMillis(), false));
            send(ex, 200, JSON.createObjectNode().put("access_token", token).put("token_type", "Bearer")
                    .put("expires_in", lifetime.toSeconds()));
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
