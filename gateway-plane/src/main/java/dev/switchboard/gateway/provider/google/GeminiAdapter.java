package dev.switchboard.gateway.provider.google;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Google's Gemini models, through the Gemini API ({@code x-goog-api-key}, {@code <base>/models/<model>:<method>}) or
 * Vertex AI (a service account's Bearer token from {@link GoogleTokens},
 * {@code <base>/publishers/google/models/<model>:<method>}, the base naming project and location). Chat goes to
 * {@code generateContent} or {@code streamGenerateContent?alt=sse}, translated both ways ({@link GeminiRequests},
 * {@link GeminiResponses}, {@link GeminiStreamTranslator}); embeddings to {@code embedContent} /
 * {@code batchEmbedContents} (Gemini API) or {@code predict} (Vertex AI).
 */
public final class GeminiAdapter implements ProviderAdapter {

    private final GoogleTokens tokens;
    private final Clock clock;

    public GeminiAdapter(GoogleTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public Future<UpstreamCall> prepare(LlmRequest request, ModelRef target, Upstream upstream) {
        boolean vertex = upstream.account().type() == ProviderType.VERTEX_AI;
        String model = target.model().id();
        String modelPath = upstream.basePath() + (vertex ? "/publishers/google/models/" : "/models/")
                + URLEncoder.encode(model, StandardCharsets.UTF_8);
        String path;
        Buffer body;
        ResponseTranslator translator;
        switch (request.endpoint()) {
            case CHAT_COMPLETIONS -> {
                path = modelPath + (request.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent");
                body = Buffer.buffer(GeminiRequests.toGenerateContent(request.body()).toString());
                translator = chatTranslatorFor(model, clock.instant().getEpochSecond());
            }
            case EMBEDDINGS -> {
                GeminiEmbeddings.Ask ask = GeminiEmbeddings.read(request.body());
                if (vertex) {
                    path = modelPath + ":predict";
                    body = Buffer.buffer(GeminiEmbeddings.vertexRequest(ask).toString());
                } else {
                    path = modelPath + (ask.inputs().size() == 1 ? ":embedContent" : ":batchEmbedContents");
                    body = Buffer.buffer(GeminiEmbeddings.geminiRequest(ask, model).toString());
                }
                translator = embeddingsTranslator(ask, model);
            }
            default -> {
                return Future.failedFuture(GatewayError.invalidRequest("The model '" + request.model() + "' is a "
                        + (vertex ? "Vertex AI" : "Gemini API") + " model and does not serve "
                        + request.endpoint().path() + "; use /v1/chat/completions or /v1/embeddings.", "model"));
            }
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", request.stream() ? "text/event-stream" : "application/json");
        if (!vertex) {
            headers.add("x-goog-api-key", upstream.credential());
            return Future.succeededFuture(new UpstreamCall(upstream, path, headers, body, translator));
        }
        return tokens.token(upstream.account().auth().tokenUrl(), upstream.credential()).map(token -> {
            headers.add("authorization", "Bearer " + token);
            return new UpstreamCall(upstream, path, headers, body, translator);
        });
    }

    @Override
    public boolean credentialRefused(Upstream upstream, UpstreamCall call) {
        if (upstream.account().type() != ProviderType.VERTEX_AI) {
            return false;
        }
        String sent = call.headers().get("authorization").substring("Bearer ".length());
        tokens.refused(upstream.account().auth().tokenUrl(), upstream.credential(), sent);
        return true;
    }

    /** The translator of one chat answer; refusals in a 200 (safety blocks) become 400 errors. */
    static ResponseTranslator chatTranslatorFor(String model, long created) {
        return new ResponseTranslator() {
            // status() and body() see the same answer: parse it once
            private Buffer parsedBody;
            private JsonNode parsed;

            private JsonNode parse(Buffer body) {
                if (body != parsedBody) {
                    parsedBody = body;
                    parsed = GeminiResponses.parse(body);
                }
                return parsed;
            }

            @Override
            public int status(int status, Buffer body) {
                if (status < 200 || status >= 300) {
                    return status;
                }
                JsonNode answer = parse(body);
                return answer != null && GeminiResponses.refusal(answer) != null ? 400 : status;
            }

            @Override
            public Buffer body(int status, Buffer body) {
                if (status >= 200 && status < 300) {
                    return GeminiResponses.completion(parse(body), model, created);
                }
                JsonNode answer = parse(body);
                String refusal = answer == null ? null : GeminiResponses.refusal(answer);
                return refusal != null ? GeminiResponses.refusalError(refusal) : GeminiResponses.errorBody(status, body);
            }

            @Override
            public StreamTranslator stream() {
                return new GeminiStreamTranslator(model, created);
            }
        };
    }

    private static ResponseTranslator embeddingsTranslator(GeminiEmbeddings.Ask ask, String model) {
        return new ResponseTranslator() {
            @Override
            public Buffer body(int status, Buffer body) {
                return status >= 200 && status < 300 ? GeminiEmbeddings.response(body, ask, model)
                        : GeminiResponses.errorBody(status, body);
            }

            @Override
            public StreamTranslator stream() {
                throw new UnsupportedOperationException("embeddings are not streamed");
            }
        };
    }
}
