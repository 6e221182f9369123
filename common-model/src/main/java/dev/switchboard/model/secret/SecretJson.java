package dev.switchboard.model.secret;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * The JSON/YAML form of a {@link Secret}: a plain string is a clear value (accepted on input only), {@code {env: NAME}}
 * names an environment variable, {@code {sealed: v1:...}} is sealed. On output a clear value is sealed with the
 * {@link SecretSealer} the writer carries as the attribute {@link #SEALER_ATTRIBUTE}; with none, writing fails rather
 * than print the value.
 */
public final class SecretJson {

    public static final String SEALER_ATTRIBUTE = SecretSealer.class.getName();

    private SecretJson() {
    }

    public static SimpleModule module() {
        SimpleModule module = new SimpleModule("switchboard-secrets");
        module.addSerializer(Secret.class, new Writer());
        module.addDeserializer(Secret.class, new Reader());
        return module;
    }

    private static final class Writer extends JsonSerializer<Secret> {
        @Override
        public void serialize(Secret secret, JsonGenerator gen, SerializerProvider provider) throws IOException {
            Secret out = secret;
            if (secret.source() == Secret.Source.CLEAR) {
                Object sealer = provider.getAttribute(SEALER_ATTRIBUTE);
                if (!(sealer instanceof SecretSealer s)) {
                    throw JsonMappingException.from(gen,
                            "a secret given in clear can only be written sealed; configure the master key");
                }
                out = secret.sealWith(s);
            }
            gen.writeStartObject();
            if (out.source() == Secret.Source.ENV) {
                gen.writeStringField("env", out.envVariable());
            } else {
                gen.writeStringField("sealed", out.sealedValue());
            }
            gen.writeEndObject();
        }
    }

    private static final class Reader extends JsonDeserializer<Secret> {
        @Override
        public Secret deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                String value = p.getText();
                if (value.isEmpty()) {
                    throw JsonMappingException.from(p, "must not be empty");
                }
                return Secret.clear(value);
            }
            JsonNode node = ctxt.readTree(p);
            if (node != null && node.isObject() && node.size() == 1) {
                if (node.hasNonNull("env") && node.get("env").isTextual() && !node.get("env").asText().isEmpty()) {
                    return Secret.fromEnv(node.get("env").asText());
                }
                if (node.hasNonNull("sealed") && node.get("sealed").isTextual()) {
                    return Secret.sealed(node.get("sealed").asText());
                }
            }
            throw JsonMappingException.from(p, "must be a string, {env: VARIABLE} or {sealed: v1:...}");
        }
    }
}
