package dev.switchboard.workflowbridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Databricks workspace on loopback, speaking the Jobs API 2.2 and the workspace OIDC token endpoint over real HTTP:
 * {@code run-now} honouring idempotency tokens, {@code runs/get}, {@code runs/cancel}, PAT and token-federation auth
 * (RFC 8693, the subject token checked for signature, issuer, subject, audience and expiry), and faults on command
 * (429 with {@code Retry-After}, 5xx). Runs move through PENDING, RUNNING and TERMINATED as the shared clock advances,
 * or end when the test says so.
 */
public final class FakeDatabricksWorkspace implements AutoCloseable {

    /** How a run of a job ends by itself. */
    public enum Ending { SUCCESS, FAILED, INTERNAL_ERROR, CANCELED, NEVER }

    /**
     * What runs of a job do: pending, then running, then {@code ending}, with Databricks's {@code message}.
     * {@code cancelTakes} is how long a cancel takes to show as TERMINATED CANCELED; {@code ignoresCancel} never does.
     */
    public record JobScript(Duration pending, Duration running, Ending ending, String message, Duration cancelTakes,
            boolean ignoresCancel) {

        public static JobScript endingWith(Ending ending, Duration running) {
            return new JobScript(Duration.ofSeconds(20), running, ending, defaultMessage(ending),
                    Duration.ofSeconds(15), false);
        }

        public static JobScript succeedsAfter(Duration running) {
            return endingWith(Ending.SUCCESS, running);
        }

        public static JobScript runsUntilTold() {
            return endingWith(Ending.NEVER, Duration.ZERO);
        }

        public JobScript withMessage(String newMessage) {
            return new JobScript(pending, running, ending, newMessage, cancelTakes, ignoresCancel);
        }

        public JobScript ignoringCancel() {
            return new JobScript(pending, running, ending, message, cancelTakes, true);
        }

        private static String defaultMessage(Ending ending) {
            return switch (ending) {
                case SUCCESS -> "";
                case FAILED -> "Task train failed with message: Workload failed, see run output for details.";
                case INTERNAL_ERROR -> "Cluster 0123-456789-abcdefgh was terminated: driver unreachable.";
                case CANCELED -> "Run cancelled.";
                case NEVER -> "";
            };
        }
    }

    /** Who may exchange a service-account token for a Databricks token: the service principal's federation policy. */
    public record FederationPolicy(String clientId, String issuer, String subject, String audience,
            PublicKey issuerKey, Duration tokenLifetime) {
    }

    /** {@code afterHandling}: the request takes effect, then the answer is replaced (a response lost on the way). */
    private record Fault(String path, int status, Integer retryAfterSeconds, boolean afterHandling) {
    }

    private record Reply(int status, Object body) {
    }

    private record Stamp(Ending ending, String message, Instant at) {
    }

    private static final class FakeRun {
        final long runId;
        final long jobId;
        final JobScript script;
        final Instant createdAt;
        final Map<String, String> parameters;
        volatile Instant cancelRequestedAt;
        volatile Stamp commanded;

        FakeRun(long runId, long jobId, JobScript script, Instant createdAt, Map<String, String> parameters) {
            this.runId = runId;
            this.jobId = jobId;
            this.script = script;
            this.createdAt = createdAt;
            this.parameters = parameters;
        }

        /** {life_cycle_state, result_state or null, state_message} at {@code t}. */
        String[] state(Instant t) {
            if (commanded != null && !t.isBefore(commanded.at())) {
                return terminal(commanded.ending(), commanded.message());
            }
            if (cancelRequestedAt != null && !script.ignoresCancel() && !isTerminal(natural(cancelRequestedAt))) {
                return t.isBefore(cancelRequestedAt.plus(script.cancelTakes()))
                        ? new String[] {"TERMINATING", null, "Cancelling the run."}
                        : new String[] {"TERMINATED", "CANCELED", "Run cancelled."};
            }
            return natural(t);
        }

        private String[] natural(Instant t) {
            Duration age = Duration.between(createdAt, t);
            if (age.compareTo(script.pending()) < 0) {
                return new String[] {"PENDING", null, "Waiting for cluster."};
            }
            if (script.ending() == Ending.NEVER || age.compareTo(script.pending().plus(script.running())) < 0) {
                return new String[] {"RUNNING", null, "In run"};
            }
            return terminal(script.ending(), script.message());
        }

        private String[] terminal(Ending ending, String message) {
            return switch (ending) {
                case INTERNAL_ERROR -> new String[] {"INTERNAL_ERROR", "FAILED", message};
                case NEVER -> new String[] {"RUNNING", null, "In run"};
                default -> new String[] {"TERMINATED", ending.name(), message};
            };
        }

        private boolean isTerminal(String[] state) {
            return Set.of("TERMINATED", "INTERNAL_ERROR", "SKIPPED").contains(state[0]);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

    static {
        // Without it the JDK server's separate header and body writes meet the client's delayed ACK: 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final Clock clock;
    private final HttpServer server;
    private final Set<String> personalAccessTokens = ConcurrentHashMap.newKeySet();
    private volatile FederationPolicy federation;
    private final Map<String, Instant> oauthTokens = new ConcurrentHashMap<>();
    private final Map<Long, JobScript> jobs = new ConcurrentHashMap<>();
    private final Map<String, Long> runsByToken = new ConcurrentHashMap<>();
    private final Map<Long, FakeRun> runs = new ConcurrentHashMap<>();
    private final AtomicLong nextRunId = new AtomicLong(880_001);
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Long> cancelRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenExchanges = new AtomicInteger();
    private final AtomicInteger expiredTokenRejections = new AtomicInteger();

    public FakeDatabricksWorkspace(Clock clock) {
        this.clock = clock;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---- set-up --------------------------------------------------------------------------------------------------

    public FakeDatabricksWorkspace acceptPat(String token) {
        personalAccessTokens.add(token);
        return this;
    }

    public FakeDatabricksWorkspace federate(FederationPolicy policy) {
        this.federation = policy;
        return this;
    }

    public FakeDatabricksWorkspace job(long jobId, JobScript script) {
        jobs.put(jobId, script);
        return this;
    }

    /** The next {@code times} requests to {@code path} are answered {@code status}, with Retry-After when given. */
    public synchronized FakeDatabricksWorkspace failNext(String path, int status, Integer retryAfterSeconds, int times) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(path, status, retryAfterSeconds, false));
        }
        return this;
    }

    /** The next request to {@code path} takes effect, but its answer is lost: the client sees {@code status}. */
    public synchronized FakeDatabricksWorkspace loseNextAnswer(String path, int status) {
        faults.add(new Fault(path, status, null, true));
        return this;
    }

    /** Ends a run now, the way Databricks would report it. */
    public void finish(long runId, Ending ending, String message) {
        runs.get(runId).commanded = new Stamp(ending, message, clock.instant());
    }

    // ---- what happened -------------------------------------------------------------------------------------------

    public int runsStarted() {
        return runs.size();
    }

    public List<Long> runIds() {
        return runs.keySet().stream().sorted().toList();
    }

    public Map<String, String> parametersOf(long runId) {
        return runs.get(runId).parameters;
    }

    public List<Long> cancelRequests() {
        return List.copyOf(cancelRequests);
    }

    public int tokenExchanges() {
        return tokenExchanges.get();
    }

    public int expiredTokenRejections() {
        return expiredTokenRejections.get();
    }

    /** The Databricks tokens this workspace issued: secrets that must never show up in the bridge's output. */
    public Set<String> issuedTokens() {
        return Set.copyOf(oauthTokens.keySet());
    }

    /** "METHOD /path STATUS", in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public long count(String methodAndPath) {
        return requests.stream().filter(r -> r.startsWith(methodAndPath + " ")).count();
    }

    // ---- the wire ------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Fault fault = takeFault(path);
        Reply reply;
        try {
            reply = fault != null && !fault.afterHandling() ? null : route(exchange, method, path, body);
        } catch (RuntimeException e) {
            reply = new Reply(500, error("INTERNAL_ERROR", "fake failed: " + e));
        }
        if (fault != null) {
            if (fault.retryAfterSeconds() != null) {
                exchange.getResponseHeaders().add("Retry-After", fault.retryAfterSeconds().toString());
            }
            String code = fault.status() == 429 ? "REQUEST_LIMIT_EXCEEDED" : "TEMPORARILY_UNAVAILABLE";
            reply = new Reply(fault.status(), error(code, "Injected fault " + fault.status() + "."));
        }
        requests.add(method + " " + path + " " + reply.status()); // before the client can see the answer
        byte[] bytes = JSON.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Reply route(HttpExchange exchange, String method, String path, byte[] body) {
        if (method.equals("POST") && path.equals("/oidc/v1/token")) {
            return tokenExchange(new String(body, StandardCharsets.UTF_8));
        }
        if (!path.startsWith("/api/2.2/jobs/")) {
            return new Reply(404, error("ENDPOINT_NOT_FOUND", "No API found for '" + method + " " + path + "'"));
        }
        String refusal = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (refusal != null) {
            boolean forbidden = refusal.startsWith("403");
            return new Reply(forbidden ? 403 : 401,
                    error(forbidden ? "PERMISSION_DENIED" : "UNAUTHENTICATED", refusal.substring(4)));
        }
        return switch (method + " " + path) {
            case "POST /api/2.2/jobs/run-now" -> runNow(json(body));
            case "GET /api/2.2/jobs/runs/get" -> getRun(query(exchange).get("run_id"));
            case "POST /api/2.2/jobs/runs/cancel" -> cancel(json(body));
            default -> new Reply(404, error("ENDPOINT_NOT_FOUND", "No API found for '" + method + " " + path + "'"));
        };
    }

    private static JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("request body is not JSON", e);
        }
    }

    private synchronized Fault takeFault(String path) {
        for (Fault fault : faults) {
            if (fault.path().equals(path)) {
                faults.remove(fault);
                return fault;
            }
        }
        return null;
    }

    /** null when the bearer token is good; else "401 message" or "403 message" (never echoing the token). */
    private String authenticate(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return "401 Credential was not sent or was of an unsupported type for this API.";
        }
        String token = header.substring("Bearer ".length());
        if (personalAccessTokens.contains(token)) {
            return null;
        }
        Instant expiry = oauthTokens.get(token);
        if (expiry == null) {
            return "403 Invalid access token.";
        }
        if (!clock.instant().isBefore(expiry)) {
            expiredTokenRejections.incrementAndGet();
            return "401 Token expired.";
        }
        return null;
    }

    private Reply runNow(JsonNode request) {
        long jobId = request.path("job_id").asLong();
        JobScript script = jobs.get(jobId);
        if (script == null) {
            return new Reply(400, error("INVALID_PARAMETER_VALUE", "Job " + jobId + " does not exist."));
        }
        String token = request.path("idempotency_token").asText("");
        if (token.length() > 64) {
            return new Reply(400, error("INVALID_PARAMETER_VALUE",
                    "idempotency_token must be at most 64 characters."));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        request.path("job_parameters").properties().forEach(f -> parameters.put(f.getKey(), f.getValue().asText()));
        long runId;
        synchronized (this) {
            Long existing = token.isEmpty() ? null : runsByToken.get(token);
            if (existing != null) {
                runId = existing;
            } else {
                runId = nextRunId.getAndIncrement();
                runs.put(runId, new FakeRun(runId, jobId, script, clock.instant(), parameters));
                if (!token.isEmpty()) {
                    runsByToken.put(token, runId);
                }
            }
        }
        return new Reply(200, Map.of("run_id", runId, "number_in_job", runId));
    }

    private Reply getRun(String runIdText) {
        FakeRun run = runIdText == null ? null : runs.get(Long.parseLong(runIdText));
        if (run == null) {
            return new Reply(400, error("INVALID_PARAMETER_VALUE", "Run " + runIdText + " does not exist."));
        }
        String[] state = run.state(clock.instant());
        Map<String, Object> stateJson = new LinkedHashMap<>();
        stateJson.put("life_cycle_state", state[0]);
        if (state[1] != null) {
            stateJson.put("result_state", state[1]);
        }
        stateJson.put("state_message", state[2]);
        stateJson.put("user_cancelled_or_timedout", "CANCELED".equals(state[1]));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("job_id", run.jobId);
        response.put("run_id", run.runId);
        response.put("number_in_job", run.runId);
        response.put("run_page_url", url() + "/?o=1234567890123456#job/" + run.jobId + "/run/" + run.runId);
        response.put("run_type", "JOB_RUN");
        response.put("start_time", run.createdAt.toEpochMilli());
        response.put("state", stateJson);
        List<Map<String, String>> parameters = new ArrayList<>();
        run.parameters.forEach((name, value) -> parameters.add(Map.of("name", name, "value", value)));
        response.put("job_parameters", parameters);
        return new Reply(200, response);
    }

    private Reply cancel(JsonNode request) {
        FakeRun run = runs.get(request.path("run_id").asLong());
        if (run == null) {
            return new Reply(400, error("INVALID_PARAMETER_VALUE", "Run does not exist."));
        }
        cancelRequests.add(run.runId);
        if (run.cancelRequestedAt == null) {
            run.cancelRequestedAt = clock.instant();
        }
        return new Reply(200, Map.of());
    }

    private Reply tokenExchange(String form) {
        Map<String, String> params = parseForm(form);
        FederationPolicy policy = federation;
        if (policy == null) {
            return new Reply(400, oauthError("invalid_request", "token federation is not configured"));
        }
        if (!TOKEN_EXCHANGE.equals(params.get("grant_type"))) {
            return new Reply(400, oauthError("unsupported_grant_type", "expected token exchange"));
        }
        if (!JWT_TOKEN_TYPE.equals(params.get("subject_token_type"))) {
            return new Reply(400, oauthError("invalid_request", "subject_token_type must be a JWT"));
        }
        if (!policy.clientId().equals(params.get("client_id"))) {
            return new Reply(401, oauthError("invalid_client", "unknown service principal"));
        }
        if (params.get("scope") == null || !List.of(params.get("scope").split(" ")).contains("all-apis")) {
            return new Reply(400, oauthError("invalid_scope", "scope all-apis is required"));
        }
        String problem = checkSubjectToken(params.get("subject_token"), policy);
        if (problem != null) {
            return new Reply(401, oauthError("invalid_grant", problem));
        }
        String accessToken = "dapi-fake-oauth-" + UUID.randomUUID();
        oauthTokens.put(accessToken, clock.instant().plus(policy.tokenLifetime()));
        tokenExchanges.incrementAndGet();
        return new Reply(200, Map.of("access_token", accessToken, "token_type", "Bearer",
                "expires_in", policy.tokenLifetime().toSeconds(), "scope", "all-apis"));
    }

    /** null when the JWT is signed by the policy's issuer key and its claims match; else what is wrong. */
    private String checkSubjectToken(String jwt, FederationPolicy policy) {
        if (jwt == null) {
            return "no subject_token";
        }
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return "subject_token is not a JWT";
        }
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(policy.issuerKey());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "subject_token signature does not verify";
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!policy.issuer().equals(claims.path("iss").asText())) {
                return "issuer does not match the federation policy";
            }
            if (!policy.subject().equals(claims.path("sub").asText())) {
                return "subject does not match the federation policy";
            }
            JsonNode aud = claims.path("aud");
            boolean audienceMatches = aud.isArray()
                    ? java.util.stream.StreamSupport.stream(aud.spliterator(), false)
                            .anyMatch(a -> a.asText().equals(policy.audience()))
                    : aud.asText().equals(policy.audience());
            if (!audienceMatches) {
                return "audience does not match the federation policy";
            }
            if (!clock.instant().isBefore(Instant.ofEpochSecond(claims.path("exp").asLong()))) {
                return "subject_token has expired";
            }
            return null;
        } catch (Exception e) {
            return "subject_token cannot be read";
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        return raw == null ? Map.of() : parseForm(raw);
    }

    private static Map<String, String> parseForm(String form) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(name, value);
        }
        return values;
    }

    private static Map<String, Object> error(String code, String message) {
        return Map.of("error_code", code, "message", message);
    }

    private static Map<String, Object> oauthError(String error, String description) {
        return Map.of("error", error, "error_description", description);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
