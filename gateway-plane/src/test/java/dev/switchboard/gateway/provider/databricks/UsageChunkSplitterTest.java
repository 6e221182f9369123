package dev.switchboard.gateway.provider.databricks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class UsageChunkSplitterTest {

    private static final String LAST = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"ep\",\"choices\":[{\"index\":0,"
            + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}";

    private static String translate(String sse, boolean byteByByte) {
        DatabricksAdapter.UsageChunkSplitter splitter = new DatabricksAdapter.UsageChunkSplitter();
        StringBuilder out = new StringBuilder();
        if (byteByByte) {
            for (byte b : sse.getBytes()) {
                out.append(splitter.onChunk(Buffer.buffer(new byte[] {b})));
            }
        } else {
            out.append(splitter.onChunk(Buffer.buffer(sse)));
        }
        out.append(splitter.onEnd());
        return out.toString();
    }

    @Test
    void usageOnTheFinishChunkMovesToAChunkOfItsOwn() {
        String in = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                + "data: " + LAST + "\n\ndata: [DONE]\n\n";
        String expected = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"ep\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"ep\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}\n\n"
                + "data: [DONE]\n\n";
        assertEquals(expected, translate(in, false));
        assertEquals(expected, translate(in, true));
    }

    @Test
    void aUsageOnlyChunkPassesAsItIs() {
        String in = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\ndata: [DONE]\n\n";
        assertEquals(in, translate(in, false));
    }
}
