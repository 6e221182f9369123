package dev.switchboard.model.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.secret.SecretJson;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import dev.switchboard.model.validation.ConfigValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads and writes the config (YAML, the standalone file; JSON, the API and the wire) and the snapshot document.
 * Names are snake_case as on the wire. Reading fails with a {@link ConfigException} whose errors carry field paths;
 * unknown fields are errors, so a typo never silently falls back to a default. Callers that validate what they read
 * take the unknown fields as a list instead ({@code readJson(text, type, unknownFields)}) and report them together
 * with the validation errors, so that one answer names every mistake.
 */
public final class ConfigCodec {

    private static final ObjectMapper JSON = configure(new ObjectMapper());
    /**
     * The largest YAML document read, in characters. SnakeYAML's default (3 MiB) refuses a config of a few tens of
     * thousands of API keys; 100,000 keys are about 16 MB of YAML.
     */
    public static final int MAX_YAML_CHARS = 128 * 1024 * 1024;

    private static final ObjectMapper YAML = configure(new ObjectMapper(yamlFactory()));

    private static YAMLFactory yamlFactory() {
        LoaderOptions loading = new LoaderOptions();
        loading.setCodePointLimit(MAX_YAML_CHARS);
        return YAMLFactory.builder().loaderOptions(loading).build()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR);
    }

    private ConfigCodec() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
                .registerModule(new JavaTimeModule())
                .registerModule(SecretJson.module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The mapper for JSON with the config's conventions, for callers that embed config objects in their own JSON. */
    public static ObjectMapper jsonMapper() {
        return JSON;
    }

    public static SwitchboardConfig readYaml(String yaml) {
        return read(YAML, yaml, SwitchboardConfig.class);
    }

    public static SwitchboardConfig readJson(String json) {
        return read(JSON, json, SwitchboardConfig.class);
    }

    /** Reads past unknown fields, adding an error with its path for each to {@code unknownFields}. */
    public static SwitchboardConfig readYaml(String yaml, List<ConfigError> unknownFields) {
        return read(YAML, yaml, SwitchboardConfig.class, unknownFields);
    }

    /** Reads past unknown fields, adding an error with its path for each to {@code unknownFields}. */
    public static SwitchboardConfig readJson(String json, List<ConfigError> unknownFields) {
        return read(JSON, json, SwitchboardConfig.class, unknownFields);
    }

    /**
     * Reads one part of the config (a single provider account, virtual model, ...) from JSON with the same conventions
     * and error paths as a whole config; the paths are relative to that part.
     */
    public static <T> T readJson(String json, Class<T> type) {
        return read(JSON, json, type);
    }

    /**
     * Reads one part of the config past unknown fields, adding an error with its path (relative to that part) for each
     * to {@code unknownFields}: for callers that report them with their validation errors.
     */
    public static <T> T readJson(String json, Class<T> type, List<ConfigError> unknownFields) {
        return read(JSON, json, type, unknownFields);
    }

    /** Parses and validates; the one way a config file becomes a usable snapshot. Unknown fields and invalid values
     * are reported together. */
    public static ConfigSnapshot loadYaml(String yaml, long revision, Instant createdAt) {
        List<ConfigError> unknown = new ArrayList<>();
        SwitchboardConfig config = readYaml(yaml, unknown);
        return validated(config, revision, createdAt, unknown);
    }

    public static ConfigSnapshot validated(SwitchboardConfig config, long revision, Instant createdAt) {
        return validated(config, revision, createdAt, List.of());
    }

    private static ConfigSnapshot validated(SwitchboardConfig config, long revision, Instant createdAt,
                                            List<ConfigError> readErrors) {
        List<ConfigError> errors = new ArrayList<>(readErrors);
        errors.addAll(ConfigValidator.validate(config));
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new ConfigSnapshot(revision, createdAt, config);
    }

    /** Writes YAML; clear secrets are sealed with {@code sealer}, and writing fails if there are some and it is null. */
    public static String writeYaml(SwitchboardConfig config, SecretSealer sealer) {
        return write(YAML, config, sealer);
    }

    public static String writeJson(SwitchboardConfig config, SecretSealer sealer) {
        return write(JSON, config, sealer);
    }

    /** The snapshot as it travels between planes: revision, creation time and the config, secrets sealed. */
    public static byte[] writeSnapshot(ConfigSnapshot snapshot, SecretSealer sealer) {
        try {
            return JSON.writer().withAttribute(SecretJson.SEALER_ATTRIBUTE, sealer)
                    .writeValueAsBytes(new SnapshotDocument(snapshot.revision(), snapshot.createdAt(), snapshot.config()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** Reads and validates a snapshot document written by {@link #writeSnapshot}. */
    public static ConfigSnapshot readSnapshot(byte[] json) {
        SnapshotDocument doc;
        try {
            doc = JSON.readValue(json, SnapshotDocument.class);
        } catch (JsonMappingException e) {
            throw new ConfigException(List.of(new ConfigError(JsonPaths.of(e), messageOf(e))));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError("", "not valid JSON: " + e.getMessage())));
        }
        return validated(doc.config(), doc.revision(), doc.createdAt());
    }

    record SnapshotDocument(long revision, Instant createdAt, SwitchboardConfig config) {
        SnapshotDocument {
            config = config == null ? SwitchboardConfig.EMPTY : config;
        }
    }

    /** Reads strictly: an unknown field fails the read (with every unknown field found). */
    private static <T> T read(ObjectMapper mapper, String text, Class<T> type) {
        List<ConfigError> unknown = new ArrayList<>();
        T value = read(mapper, text, type, unknown);
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown);
        }
        return value;
    }

    private static <T> T read(ObjectMapper mapper, String text, Class<T> type, List<ConfigError> unknownFields) {
        int before = unknownFields.size();
        try {
            T value = mapper.readerFor(type).withHandler(new UnknownFields(unknownFields)).readValue(text);
            if (value == null) {
                throw new ConfigException(List.of(new ConfigError("", "config is empty")));
            }
            return value;
        } catch (JsonMappingException e) {
            throw new ConfigException(withEarlier(unknownFields, before,
                    new ConfigError(JsonPaths.of(e), messageOf(e))));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(withEarlier(unknownFields, before, new ConfigError("", "not valid "
                    + formatOf(mapper) + where + ": " + withoutSourceExcerpts(e.getOriginalMessage()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String
        }
    }

    /** The unknown fields this read found before it failed, then the failure. */
    private static List<ConfigError> withEarlier(List<ConfigError> unknownFields, int before, ConfigError failure) {
        List<ConfigError> errors = new ArrayList<>(unknownFields.subList(before, unknownFields.size()));
        errors.add(failure);
        return errors;
    }

    /** Notes each unknown field with its path and reads on past it. */
    private static final class UnknownFields extends DeserializationProblemHandler {

        private final List<ConfigError> found;

        UnknownFields(List<ConfigError> found) {
            this.found = found;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            found.add(new ConfigError(JsonPaths.ofUnknown(ctxt, p, propertyName), "unknown field '" + propertyName + "'"));
            p.skipChildren();
            return true;
        }
    }

    private static String messageOf(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'";
        }
        Throwable cause = e.getCause();
        // Our own validation inside creators (SubjectRef.parse) says exactly what is wrong; Jackson's wrapper does not.
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        String message = withoutSourceExcerpts(e.getOriginalMessage());
        int cut = message.indexOf(" (through reference chain");
        return cut > 0 ? message.substring(0, cut) : message;
    }

    /**
     * A YAML syntax error quotes the offending line of the file under {@code in 'reader', line N, column M:}, and
     * that line may hold a secret in clear, while the message goes to logs, readiness checks and API answers. The line
     * and column stay, the quoted source and its caret line go.
     */
    static String withoutSourceExcerpts(String message) {
        String[] lines = message.split("\n", -1);
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(lines[i]);
            if (lines[i].trim().startsWith("in 'reader', line ") && lines[i].trim().endsWith(":")) {
                // the excerpt, then the caret line under it
                if (i + 1 < lines.length) {
                    i++;
                }
                if (i + 1 < lines.length && lines[i + 1].trim().equals("^")) {
                    i++;
                }
            }
        }
        return out.toString();
    }

    private static String formatOf(ObjectMapper mapper) {
        return mapper == YAML ? "YAML" : "JSON";
    }

    private static String write(ObjectMapper mapper, Object value, SecretSealer sealer) {
        try {
            return mapper.writer().withAttribute(SecretJson.SEALER_ATTRIBUTE, sealer).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }
}
