package dev.switchboard.gateway.provider.bedrock;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.UUID;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * AWS Bedrock Runtime: OpenAI chat requests become Converse calls ({@code POST /model/{modelId}/converse}, or
 * {@code converse-stream} for a stream, whose AWS event-stream answer is translated chunk by chunk), embeddings become
 * {@code invoke} calls in the embedding model's own shape; every call is signed with SigV4 by the AWS SDK's signer.
 * Bedrock's error types ({@code x-amzn-ErrorType}) decide the status the gateway acts on: throttling is 429, so that
 * retries and fallback apply as for any provider.
 */
public final class BedrockAdapter implements ProviderAdapter {

    private final Clock clock;
    private final AwsRequestSigner signer;

    public BedrockAdapter(Clock clock) {
        this.clock = clock;
        this.signer = new AwsRequestSigner(clock);
    }

    @Override
    public Future<UpstreamCall> prepare(LlmRequest request, ModelRef target, Upstream upstream) {
        String modelId = target.model().id();
        String modelPath = upstream.basePath() + "/model/" + SdkHttpUtils.urlEncode(modelId);
        String path;
        Buffer body;
        ResponseTranslator translator;
        long created = clock.instant().getEpochSecond();
        String account = upstream.account().name();
        if (request.endpoint() == Endpoint.CHAT_COMPLETIONS) {
            body = Buffer.buffer(BedrockRequests.converse(request.body()).toString());
            path = modelPath + (request.stream() ? "/converse-stream" : "/converse");
            translator = new ChatTranslator("chatcmpl-" + UUID.randomUUID(), modelId, created, account);
        } else if (request.endpoint() == Endpoint.EMBEDDINGS) {
            BedrockRequests.EmbeddingShape shape = BedrockRequests.EmbeddingShape.of(modelId);
            if (shape == null) {
                return Future.failedFuture(GatewayError.invalidRequest("The model '" + request.model()
                        + "' is not a Bedrock embedding model the gateway speaks to (Titan text embeddings or Cohere "
                        + "embed).", "model"));
            }
            body = Buffer.buffer(BedrockRequests.embeddings(request.body(), shape).toString());
            path = modelPath + "/invoke";
            translator = new EmbeddingsTranslator(shape, modelId, account, BedrockRequests.base64Embeddings(request.body()));
        } else {
            return Future.failedFuture(GatewayError.invalidRequest("The model '" + request.model()
                    + "' is a Bedrock model and does not serve " + request.endpoint().path() + ".", "model"));
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", request.stream() ? "application/vnd.amazon.eventstream" : "application/json");
        return signer.sign(upstream, path, headers, body)
                .map(signed -> new UpstreamCall(upstream, path, signed, body, translator));
    }

    /**
     * Reads Bedrock's error type from the head of each answer; the body is translated after, with that type at hand.
     * One instance per call: the head and body of one answer are handled in turn on one event loop.
     */
    private abstract static class BedrockTranslator implements ResponseTranslator {
        final String account;
        String errorType;
        long inputTokensHeader = -1;

        BedrockTranslator(String account) {
            this.account = account;
        }

        @Override
        public int headStatus(int upstreamStatus, MultiMap headers) {
            errorType = BedrockResponses.errorType(headers.get("x-amzn-errortype"));
            String tokens = headers.get("x-amzn-bedrock-input-token-count");
            if (tokens != null) {
                try {
                    inputTokensHeader = Long.parseLong(tokens.trim());
                } catch (NumberFormatException e) {
                    inputTokensHeader = -1;
                }
            }
            return upstreamStatus >= 200 && upstreamStatus < 300 ? upstreamStatus
                    : BedrockResponses.ErrorKind.of(errorType, upstreamStatus).status();
        }

        @Override
        public Buffer body(int status, Buffer body) {
            return status >= 200 && status < 300 ? success(body)
                    : BedrockResponses.errorBody(status, errorType, body, account);
        }

        abstract Buffer success(Buffer body);
    }

    private static final class ChatTranslator extends BedrockTranslator {
        private final String id;
        private final String model;
        private final long created;

        ChatTranslator(String id, String model, long created, String account) {
            super(account);
            this.id = id;
            this.model = model;
            this.created = created;
        }

        @Override
        Buffer success(Buffer body) {
            return BedrockResponses.completion(body, id, model, created);
        }

        @Override
        public StreamTranslator stream() {
            return new BedrockStreamTranslator(id, model, created, account);
        }
    }

    private static final class EmbeddingsTranslator extends BedrockTranslator {
        private final BedrockRequests.EmbeddingShape shape;
        private final String model;
        private final boolean base64;

        EmbeddingsTranslator(BedrockRequests.EmbeddingShape shape, String model, String account, boolean base64) {
            super(account);
            this.shape = shape;
            this.model = model;
            this.base64 = base64;
        }

        @Override
        Buffer success(Buffer body) {
            return BedrockResponses.embeddings(body, shape, model, inputTokensHeader, base64);
        }

        @Override
        public StreamTranslator stream() {
            throw new UnsupportedOperationException("embeddings do not stream");
        }
    }
}
