package dev.switchboard.model.guardrail;

import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.validation.ConfigError;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What each guardrail type needs, in one place for both the validator and {@link Guardrails#compile}: which block
 * goes with which type, at which hooks a type makes sense, and what compiles (patterns, detector names, schemas).
 * References to the rest of the config (models, MCP servers, subjects) are the validator's.
 */
public final class GuardrailSpec {

    private static final Set<Guardrail.Hook> PRE_TOOL_ONLY = EnumSet.of(Guardrail.Hook.MCP_PRE_TOOL);
    private static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    private static final Pattern SQL_SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private GuardrailSpec() {
    }

    /** The detector names {@code pii.detect} accepts, in the order they run. */
    public static List<String> piiDetectors() {
        return List.copyOf(Detectors.PII.keySet());
    }

    /** The detector names {@code secrets.detect} accepts, in the order they run. */
    public static List<String> secretDetectors() {
        return List.copyOf(Detectors.SECRETS.keySet());
    }

    /** The block a type takes, as written in the config. */
    public static String blockName(Guardrail.Type type) {
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The type-specific problems of one guardrail, with paths relative to it ({@code regex.deny[0]}): the block that
     * goes with the type present and no other, hooks the type makes sense at, patterns, detector names, the schema,
     * the webhook's URL and timeout. An empty list means {@link Guardrails#compile} accepts it.
     */
    public static List<ConfigError> problems(Guardrail g) {
        List<ConfigError> errors = new ArrayList<>();
        Map<Guardrail.Type, Object> blocks = blocks(g);
        for (Map.Entry<Guardrail.Type, Object> block : blocks.entrySet()) {
            if (block.getValue() != null && block.getKey() != g.type()) {
                errors.add(new ConfigError(blockName(block.getKey()),
                        g.type() == null ? "needs type: " + blockName(block.getKey())
                                : "does not go with type " + blockName(g.type())));
            }
        }
        if (g.type() == null) {
            return errors;
        }
        Object block = blocks.get(g.type());
        if (block == null) {
            errors.add(new ConfigError(blockName(g.type()), "is required for type " + blockName(g.type())));
            return errors;
        }
        if (Set.of(Guardrail.Type.SQL, Guardrail.Type.JSON_SCHEMA, Guardrail.Type.PERMISSION).contains(g.type())) {
            for (int i = 0; i < g.hooks().size(); i++) {
                if (g.hooks().get(i) != null && !PRE_TOOL_ONLY.contains(g.hooks().get(i))) {
                    errors.add(new ConfigError("hooks[" + i + "]",
                            "type " + blockName(g.type()) + " checks tool arguments: only mcp_pre_tool"));
                }
            }
        }
        String b = blockName(g.type());
        switch (g.type()) {
            case REGEX -> {
                Guardrail.RegexRule r = g.regex();
                if (r.deny().isEmpty()) {
                    errors.add(new ConfigError(b + ".deny", "must give at least one pattern"));
                }
                patterns(b + ".deny", r.deny(), errors);
                patterns(b + ".allow", r.allow(), errors);
                replacement(b, r.redact(), r.replacement(), errors);
            }
            case PII, SECRETS -> {
                Guardrail.DetectorRule r = g.type() == Guardrail.Type.PII ? g.pii() : g.secrets();
                List<String> known = g.type() == Guardrail.Type.PII ? piiDetectors() : secretDetectors();
                for (int i = 0; i < r.detect().size(); i++) {
                    String name = r.detect().get(i);
                    if (!known.contains(name)) {
                        errors.add(new ConfigError(b + ".detect[" + i + "]", "unknown " + b + " detector '" + name
                                + "' (" + String.join(", ", known) + ")"));
                    }
                }
                replacement(b, r.redact(), r.replacement(), errors);
            }
            case SQL -> {
                Guardrail.SqlRule r = g.sql();
                if (r.argument().isBlank()) {
                    errors.add(new ConfigError(b + ".argument", "must name the tool argument that holds the SQL"));
                }
                for (int i = 0; i < r.denySchemas().size(); i++) {
                    String s = r.denySchemas().get(i);
                    if (s == null || !SQL_SCHEMA.matcher(s).matches()) {
                        errors.add(new ConfigError(b + ".deny_schemas[" + i + "]",
                                "must be an unquoted schema name, got '" + s + "'"));
                    }
                }
                for (int i = 0; i < r.denyTables().size(); i++) {
                    String t = r.denyTables().get(i);
                    if (t == null || !SQL_NAME.matcher(t).matches()) {
                        errors.add(new ConfigError(b + ".deny_tables[" + i + "]",
                                "must be an unquoted <table> or <schema>.<table>, got '" + t + "'"));
                    }
                }
            }
            case JSON_SCHEMA -> {
                String problem = JsonSchemaCheck.problem(g.jsonSchema().schema());
                if (problem != null) {
                    errors.add(new ConfigError(b + ".schema", problem));
                }
            }
            case PERMISSION -> {
                Guardrail.PermissionRule r = g.permission();
                if (r.subjects().isEmpty() && r.arguments().isEmpty()) {
                    errors.add(new ConfigError(b, "must give subjects, arguments or both"));
                }
                Map<String, Guardrail.ArgumentConstraint> byName = new java.util.TreeMap<>(r.arguments());
                for (Map.Entry<String, Guardrail.ArgumentConstraint> e : byName.entrySet()) {
                    String p = b + ".arguments." + e.getKey();
                    Guardrail.ArgumentConstraint c = e.getValue();
                    if (c == null || (c.allowed().isEmpty() && c.pattern() == null)) {
                        errors.add(new ConfigError(p, "set allowed, pattern or both"));
                    } else if (c.pattern() != null) {
                        pattern(p + ".pattern", c.pattern(), errors);
                    }
                }
            }
            case WEBHOOK -> {
                Guardrail.WebhookRule r = g.webhook();
                if (r.url() == null || r.url().isBlank()) {
                    errors.add(new ConfigError(b + ".url", "is required"));
                } else if (!httpUrl(r.url())) {
                    errors.add(new ConfigError(b + ".url", "must be an http or https URL, got '" + r.url() + "'"));
                }
                if (r.timeoutMs() <= 0) {
                    errors.add(new ConfigError(b + ".timeout_ms", "must be > 0"));
                }
            }
        }
        return errors;
    }

    /** The logic of a guardrail that has no {@link #problems}. */
    static Check check(Guardrail g, Callers callers, WebhookClient webhooks, SecretResolver secrets) {
        return switch (g.type()) {
            case REGEX -> new TextCheck(List.of(new RegexDetector(g.regex())), g.regex().redact(),
                    g.regex().replacement());
            case PII -> detectors(Detectors.PII, g.pii());
            case SECRETS -> detectors(Detectors.SECRETS, g.secrets());
            case SQL -> new SqlCheck(g.sql());
            case JSON_SCHEMA -> new JsonSchemaCheck(g.jsonSchema().schema());
            case PERMISSION -> new PermissionCheck(g.permission(), callers);
            case WEBHOOK -> new WebhookCheck(g.name(), g.webhook(), webhooks, secrets);
        };
    }

    private static Check detectors(Map<String, TextDetector> all, Guardrail.DetectorRule rule) {
        List<TextDetector> chosen = rule.detect().isEmpty()
                ? List.copyOf(all.values())
                : all.entrySet().stream()
                        .filter(e -> rule.detect().contains(e.getKey()))
                        .map(Map.Entry::getValue)
                        .toList();
        return new TextCheck(chosen, rule.redact(), rule.replacement());
    }

    private static Map<Guardrail.Type, Object> blocks(Guardrail g) {
        Map<Guardrail.Type, Object> blocks = new java.util.EnumMap<>(Guardrail.Type.class);
        blocks.put(Guardrail.Type.REGEX, g.regex());
        blocks.put(Guardrail.Type.PII, g.pii());
        blocks.put(Guardrail.Type.SECRETS, g.secrets());
        blocks.put(Guardrail.Type.SQL, g.sql());
        blocks.put(Guardrail.Type.JSON_SCHEMA, g.jsonSchema());
        blocks.put(Guardrail.Type.PERMISSION, g.permission());
        blocks.put(Guardrail.Type.WEBHOOK, g.webhook());
        return blocks;
    }

    private static void patterns(String p, List<String> patterns, List<ConfigError> errors) {
        for (int i = 0; i < patterns.size(); i++) {
            pattern(p + "[" + i + "]", patterns.get(i), errors);
        }
    }

    private static void pattern(String p, String pattern, List<ConfigError> errors) {
        if (pattern == null || pattern.isEmpty()) {
            errors.add(new ConfigError(p, "must not be empty"));
            return;
        }
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            errors.add(new ConfigError(p, "not a valid regular expression: " + e.getDescription()));
        }
    }

    private static void replacement(String b, Guardrail.Redaction redact, String replacement,
                                    List<ConfigError> errors) {
        if (replacement != null && redact != Guardrail.Redaction.REPLACE) {
            errors.add(new ConfigError(b + ".replacement", "applies only with redact: replace"));
        }
    }

    private static boolean httpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }
}
