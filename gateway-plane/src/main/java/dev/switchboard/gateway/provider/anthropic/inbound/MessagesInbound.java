package dev.switchboard.gateway.provider.anthropic.inbound;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.gateway.provider.anthropic.AnthropicAdapter;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Prepares the upstream call of an inbound Anthropic Messages request ({@code POST /v1/messages}): an Anthropic target
 * gets it as it is; any other target gets it translated to an OpenAI chat request through its own adapter, and its
 * answer translated back to Anthropic's shape (streams and errors included).
 */
public final class MessagesInbound {

    private MessagesInbound() {
    }

    /** @param callerHeaders the inbound request's headers: Anthropic's version and beta headers pass to Anthropic */
    public static Future<UpstreamCall> prepare(LlmRequest messagesRequest, ModelRef target, Upstream upstream,
                                               ProviderAdapter targetAdapter, MultiMap callerHeaders) {
        if (target.account().type() == ProviderType.ANTHROPIC && targetAdapter instanceof AnthropicAdapter anthropic) {
            return Future.succeededFuture(anthropic.passthrough(messagesRequest, target, upstream, callerHeaders));
        }
        byte[] openAiBody = AnthropicToOpenAi.request(messagesRequest.body(), target.model().id()).toString().getBytes();
        LlmRequest chat = LlmRequest.parse(Endpoint.CHAT_COMPLETIONS, openAiBody);
        return targetAdapter.prepare(chat, target, upstream).map(call -> new UpstreamCall(call.upstream(), call.path(),
                call.headers(), call.body(), inAnthropicShape(call.translator(), messagesRequest.model())));
    }

    private static ResponseTranslator inAnthropicShape(ResponseTranslator openAi, String requestedModel) {
        ResponseTranslator translated = OpenAiToAnthropic.translator(openAi, requestedModel);
        return new ResponseTranslator() {
            @Override
            public int headStatus(int upstreamStatus, MultiMap headers) {
                return openAi.headStatus(upstreamStatus, headers);
            }

            @Override
            public int status(int status, Buffer body) {
                return translated.status(status, body);
            }

            @Override
            public Buffer body(int status, Buffer body) {
                return translated.body(status, body);
            }

            @Override
            public StreamTranslator stream() {
                return translated.stream();
            }

            @Override
            public Buffer streamError(Buffer openAiErrorJson) {
                AnthropicInboundError e = AnthropicInboundError.fromOpenAi(502, openAiErrorJson);
                return Buffer.buffer("event: error\ndata: ").appendBuffer(e.toJson()).appendString("\n\n");
            }
        };
    }
}
