package dev.switchboard.model.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayDeque;
import java.util.Deque;

/** Renders Jackson's reference chain as {@code virtual_models[2].routing_config.type}, the form every error uses. */
final class JsonPaths {

    private JsonPaths() {
    }

    static String of(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            }
        }
        return path.toString();
    }

    /**
     * The path of an unknown field {@code name} met by {@code p}. Records buffer their unknown fields and hand them over
     * once the object is read, from a parser of that buffer whose context knows nothing of the document; then the
     * document's parser stands on the object's end, in the context that holds the object.
     */
    static String ofUnknown(DeserializationContext ctxt, JsonParser p, String name) {
        JsonParser document = ctxt.getParser();
        if (document == null || document == p) {
            JsonStreamContext context = p.getParsingContext();
            if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
                context = context.getParent(); // the value's own context is already open
            }
            return of(context); // the object's context, its current name the field's
        }
        String container = of(document.getParsingContext());
        return container.isEmpty() ? name : container + "." + name;
    }

    /** A parser context as a path: field names and array indexes from the root. */
    private static String of(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.addFirst(c.getCurrentName());
            }
        }
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            if (path.length() > 0 && !part.startsWith("[")) {
                path.append('.');
            }
            path.append(part);
        }
        return path.toString();
    }
}
