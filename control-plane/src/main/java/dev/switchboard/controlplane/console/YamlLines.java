package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.model.codec.ConfigCodec;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Where each config path ({@code provider_accounts[0].models[1].id}, as the validation errors name them) starts in a
 * YAML text, so that the console shows an error beside its line. Pure.
 */
public final class YamlLines {

    private static final YAMLFactory YAML;

    static {
        LoaderOptions loading = new LoaderOptions();
        loading.setCodePointLimit(ConfigCodec.MAX_YAML_CHARS);
        YAML = YAMLFactory.builder().loaderOptions(loading).build();
    }

    private final Map<String, Integer> lines;

    private YamlLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    /** The paths of {@code text}; a text that is not YAML has none (its parse error names its own line). */
    public static YamlLines of(String text) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = YAML.createParser(text == null ? "" : text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                JsonStreamContext context = p.getParsingContext();
                String path;
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    path = pathOf(context.getParent());
                } else if (t == JsonToken.FIELD_NAME || context.inArray()) {
                    path = pathOf(context);
                } else {
                    continue; // a scalar in an object: its field name already gave its line
                }
                lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
            }
        } catch (IOException | RuntimeException e) {
            // what was read so far still places the errors before the bad spot
        }
        return new YamlLines(lines);
    }

    /** The line of {@code path}, or of its nearest enclosing path that the text has (a missing field's object); 0: none. */
    public int lineOf(String path) {
        String p = path == null ? "" : path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }

    private static String pathOf(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.addFirst((c.getParent() != null && !c.getParent().inRoot() ? "." : "") + c.getCurrentName());
            }
        }
        return String.join("", parts);
    }
}
