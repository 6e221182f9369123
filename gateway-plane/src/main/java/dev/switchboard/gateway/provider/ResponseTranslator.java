package dev.switchboard.gateway.provider;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Turns an upstream's answer into the caller's wire format. Passthrough adapters use {@link #PASSTHROUGH}, which the
 * forwarder recognizes and relays byte for byte.
 */
public interface ResponseTranslator {

    ResponseTranslator PASSTHROUGH = new ResponseTranslator() {
        @Override
        public Buffer body(int status, Buffer body) {
            return body;
        }

        @Override
        public StreamTranslator stream() {
            throw new UnsupportedOperationException("passthrough streams are relayed as they are");
        }
    };

    /**
     * The status the gateway acts on (retries, fallback) and answers with, read from the answer's head when it arrives:
     * the HTTP status itself, unless the provider says more in a header than in its status (Bedrock's
     * {@code x-amzn-ErrorType}).
     */
    default int headStatus(int upstreamStatus, MultiMap headers) {
        return upstreamStatus;
    }

    /**
     * The status the caller gets for a whole answer of {@code status}: a translator may turn a 2xx that is a refusal
     * (a content filter, a safety block) into an error. {@link #body} is then called with the status returned here.
     */
    default int status(int status, Buffer body) {
        return status;
    }

    /** A whole (non-streamed) answer, success or error, translated; {@code status} is the one {@link #status} gave. */
    Buffer body(int status, Buffer body);

    /** A fresh translator for one streamed answer. */
    StreamTranslator stream();

    /**
     * What ends a stream that broke off after it started, in the caller's dialect: by default an OpenAI error event
     * and {@code [DONE]}.
     */
    default Buffer streamError(Buffer openAiErrorJson) {
        return Buffer.buffer("\n\ndata: ").appendBuffer(openAiErrorJson).appendString("\n\ndata: [DONE]\n\n");
    }

    /** Translates one stream, chunk by chunk; the output of each call is written to the caller at once. */
    interface StreamTranslator {
        Buffer onChunk(Buffer chunk);

        /** Called when the upstream stream ended; returns what the caller still needs (the terminator). */
        Buffer onEnd();
    }
}
