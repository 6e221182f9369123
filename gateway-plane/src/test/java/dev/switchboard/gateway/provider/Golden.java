package dev.switchboard.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.runtime.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Golden files of the provider translations (src/test/resources/golden/<provider>), read and compared as JSON. */
public final class Golden {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String folder;

    public Golden(String folder) {
        this.folder = folder;
    }

    public byte[] bytes(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + folder + "/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing golden file " + folder + "/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode json(String name) {
        return tree(new String(bytes(name), StandardCharsets.UTF_8));
    }

    public static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(json, e);
        }
    }

    public static JsonNode tree(Buffer json) {
        return tree(json.toString(StandardCharsets.UTF_8));
    }

    /** The data of each SSE event, JSON normalized so that spacing and key order do not matter. */
    public static List<JsonNode> events(byte[] sse) {
        List<JsonNode> out = new ArrayList<>();
        SseParser parser = SseParser.dataEvents((event, data) -> out.add(data.startsWith("{") ? tree(data)
                : JSON.getNodeFactory().textNode(data)));
        parser.feed(Buffer.buffer(sse));
        parser.finish();
        return out;
    }

    /** Feeds {@code in} to a fresh translator whole, and then one byte at a time: chunk boundaries must not matter. */
    public static List<List<JsonNode>> translateWholeAndByteByByte(java.util.function.Supplier<ResponseTranslator.StreamTranslator> fresh,
                                                                   byte[] in) {
        List<List<JsonNode>> results = new ArrayList<>();
        ResponseTranslator.StreamTranslator whole = fresh.get();
        Buffer all = Buffer.buffer().appendBuffer(whole.onChunk(Buffer.buffer(in))).appendBuffer(whole.onEnd());
        results.add(events(all.getBytes()));
        ResponseTranslator.StreamTranslator bytewise = fresh.get();
        Buffer pieces = Buffer.buffer();
        for (byte b : in) {
            pieces.appendBuffer(bytewise.onChunk(Buffer.buffer(new byte[] {b})));
        }
        pieces.appendBuffer(bytewise.onEnd());
        results.add(events(pieces.getBytes()));
        return results;
    }
}
