package dev.switchboard.gateway.provider.databricks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.provider.OpenAiErrors;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Databricks Model Serving: the model id is the serving endpoint's name, and chat and embeddings requests go to
 * {@code /serving-endpoints/<name>/invocations} in the OpenAI format (without {@code model}: the URL names it). Auth is
 * a personal access token, or a service principal's OAuth token from {@link DatabricksTokens}. Successful answers are
 * already OpenAI-shaped and pass through; Databricks error bodies ({@code error_code}, {@code message}) are mapped to
 * the OpenAI error shape.
 */
public final class DatabricksAdapter implements ProviderAdapter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatabricksTokens tokens;

    public DatabricksAdapter(DatabricksTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Future<UpstreamCall> prepare(LlmRequest request, ModelRef target, Upstream upstream) {
        if (request.endpoint() == Endpoint.RESPONSES) {
            return Future.failedFuture(GatewayError.invalidRequest("The model '" + request.model()
                    + "' is served by Databricks Model Serving, which does not offer the Responses API; use "
                    + "/v1/chat/completions.", "model"));
        }
        return bearerToken(upstream).map(token -> {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                    .add("content-type", "application/json")
                    .add("accept", request.stream() ? "text/event-stream" : "application/json")
                    .add("authorization", "Bearer " + token);
            String path = upstream.basePath() + "/serving-endpoints/"
                    + URLEncoder.encode(target.model().id(), StandardCharsets.UTF_8).replace("+", "%20") + "/invocations";
            return new UpstreamCall(upstream, path, headers, request.bodyWithoutModel(), ERRORS_TO_OPENAI);
        });
    }

    private Future<String> bearerToken(Upstream upstream) {
        ProviderAuth auth = upstream.account().auth();
        if (auth.type() == ProviderAuth.Type.DATABRICKS_SERVICE_PRINCIPAL) {
            return tokens.token(upstream.account().effectiveBaseUrl(), auth.clientId(), upstream.credential());
        }
        return Future.succeededFuture(upstream.credential());
    }

    @Override
    public boolean credentialRefused(Upstream upstream, UpstreamCall call) {
        ProviderAuth auth = upstream.account().auth();
        if (auth.type() != ProviderAuth.Type.DATABRICKS_SERVICE_PRINCIPAL) {
            return false;
        }
        String sent = call.headers().get("authorization").substring("Bearer ".length());
        tokens.refused(upstream.account().effectiveBaseUrl(), auth.clientId(), upstream.credential(), sent);
        return true;
    }

    /** Success passes through as it is (streams included); errors become OpenAI-shaped. */
    private static final ResponseTranslator ERRORS_TO_OPENAI = new ResponseTranslator() {
        @Override
        public Buffer body(int status, Buffer body) {
            return status >= 200 && status < 300 ? body : errorBody(status, body);
        }

        @Override
        public StreamTranslator stream() {
            return new UsageChunkSplitter();
        }
    };

    /**
     * Databricks puts a stream's usage on the chunk that carries {@code finish_reason}; OpenAI sends it on a chunk of
     * its own with empty {@code choices}, and the OpenAI SDKs' stream accumulators rely on that. This splits such a
     * chunk in two; every other event passes as it came.
     */
    static final class UsageChunkSplitter implements ResponseTranslator.StreamTranslator {
        private final dev.switchboard.runtime.sse.SseParser parser = dev.switchboard.runtime.sse.SseParser.dataEvents(this::onEvent);
        private Buffer out;

        @Override
        public Buffer onChunk(Buffer chunk) {
            out = Buffer.buffer(chunk.length() + 64);
            parser.feed(chunk);
            return out;
        }

        @Override
        public Buffer onEnd() {
            out = Buffer.buffer();
            parser.finish();
            return out;
        }

        private void onEvent(String event, String data) {
            if (event != null) {
                out.appendString("event: ").appendString(event).appendString("\n");
            }
            if (data.startsWith("{") && data.contains("\"usage\"")) {
                try {
                    JsonNode chunk = JSON.readTree(data);
                    JsonNode usage = chunk.get("usage");
                    JsonNode choices = chunk.get("choices");
                    if (usage != null && !usage.isNull() && choices != null && !choices.isEmpty()) {
                        ObjectNode withoutUsage = ((ObjectNode) chunk.deepCopy()).putNull("usage");
                        ObjectNode usageOnly = ((ObjectNode) chunk.deepCopy());
                        usageOnly.putArray("choices");
                        out.appendString("data: ").appendString(withoutUsage.toString()).appendString("\n\n");
                        out.appendString("data: ").appendString(usageOnly.toString()).appendString("\n\n");
                        return;
                    }
                } catch (IOException e) {
                    // not JSON: pass it on as it came
                }
            }
            out.appendString("data: ").appendString(data).appendString("\n\n");
        }
    }

    static Buffer errorBody(int status, Buffer body) {
        String code = "databricks_error";
        String message = "The Databricks serving endpoint answered HTTP " + status + ".";
        try {
            JsonNode in = JSON.readTree(body.getBytes());
            if (in.hasNonNull("message")) {
                message = in.get("message").asText();
            }
            if (in.hasNonNull("error_code")) {
                code = in.get("error_code").asText();
            }
        } catch (IOException e) {
            // not JSON: keep the generic message
        }
        return OpenAiErrors.of(status, code, null, message);
    }
}
