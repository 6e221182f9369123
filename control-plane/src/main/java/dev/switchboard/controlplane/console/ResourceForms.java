package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.config.ResourceKind;
import dev.switchboard.model.validation.ConfigError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forms of the kinds that have one: provider accounts, models, virtual models and API keys. Each field is named by
 * where its value sits in the admin API's JSON ({@code price.input_per_million_usd}), so that the field paths of a 400
 * find their field. A form edits only its own fields: whatever else the resource holds (a virtual model's sticky rule,
 * a target's retries) is kept as the version opened has it. Secrets are write-only: never rendered, and an empty
 * field keeps the stored one. Pure: the pages do the I/O.
 */
final class ResourceForms {

    enum Input { TEXT, NUMBER, INTEGER, SELECT, CHECKBOX, SECRET }

    /**
     * One field. {@code path} is its place in the JSON body; the model's {@code account} has none (it is in the URL).
     * {@code identity}: the resource's name, fixed once created (rename is create and delete).
     */
    record Field(String path, String label, Input input, List<String> options, String hint, String group,
                 boolean identity) {
        String id() {
            return "f-" + path.replace('.', '-').replace('_', '-');
        }
    }

    /** A virtual model's target as a row of the form. */
    record TargetRow(String target, String weight, String priority) {
        boolean blank() {
            return target.isBlank() && weight.isBlank() && priority.isBlank();
        }
    }

    /** What the browser sent: each field's text by path, and a virtual model's target rows. */
    record Submitted(Map<String, String> values, List<TargetRow> rows) {
        String value(String path) {
            return values.getOrDefault(path, "");
        }
    }

    /** A 400's errors by where they show: a field's path (a row's {@code target-N}, {@code targets}), or none. */
    record Placed(Map<String, List<String>> byField, List<ConfigError> elsewhere) {
    }

    static final String ACCOUNT = "account";
    static final String TARGETS = "targets";
    static final String TARGET = "target";
    static final String WEIGHT = "weight";
    static final String PRIORITY = "priority";
    private static final String TARGETS_PATH = "routing_config.load_balance_targets";
    private static final Pattern TARGET_ERROR = Pattern.compile(
            Pattern.quote(TARGETS_PATH) + "\\[(\\d+)](?:\\.(\\w+))?.*");
    private static final String AUTH_TYPE = "auth.type";

    private static final List<String> PROVIDER_TYPES = List.of("openai", "openai-compatible", "anthropic", "databricks",
            "azure-openai", "gemini", "vertex-ai", "bedrock");
    private static final List<String> AUTH_TYPES = List.of("none", "api-key", "databricks-pat",
            "databricks-service-principal", "azure-entra-id", "google-service-account", "aws-access-key",
            "aws-environment", "aws-web-identity");
    private static final List<String> ROUTING_TYPES = List.of("weight-based-routing", "priority-based-routing",
            "latency-based-routing");

    private static final Map<ResourceKind<?>, List<Field>> FORMS = Map.of(
            ResourceKind.PROVIDER_ACCOUNTS, List.of(
                    identity("name", "Name", "Account"),
                    select("type", "Provider", PROVIDER_TYPES, null, "Account"),
                    text("base_url", "Base URL", "Required where the provider has no public endpoint.", "Account"),
                    text("api_version", "API version", "Azure OpenAI's deployment paths only.", "Account"),
                    text("region", "AWS region", "Bedrock only, e.g. us-east-1.", "Account"),
                    select(AUTH_TYPE, "Authentication", AUTH_TYPES, null, "Authentication"),
                    secret("auth.api_key", "API key", "api-key"),
                    secret("auth.token", "Token", "databricks-pat"),
                    text("auth.client_id", "Client id", "databricks-service-principal, azure-entra-id.",
                            "Authentication"),
                    secret("auth.client_secret", "Client secret", "databricks-service-principal, azure-entra-id"),
                    text("auth.tenant_id", "Tenant id", "azure-entra-id.", "Authentication"),
                    text("auth.token_url", "Token URL", "azure-entra-id (instead of the tenant),"
                            + " google-service-account.", "Authentication"),
                    secret("auth.service_account_key", "Service account key (JSON)", "google-service-account"),
                    secret("auth.access_key_id", "Access key id", "aws-access-key"),
                    secret("auth.secret_access_key", "Secret access key", "aws-access-key"),
                    secret("auth.session_token", "Session token", "aws-access-key, optional"),
                    text("auth.role_arn", "Role ARN", "aws-web-identity; default from the environment.",
                            "Authentication"),
                    text("auth.web_identity_token_file", "Web identity token file", "aws-web-identity.",
                            "Authentication"),
                    text("auth.role_session_name", "Role session name", "aws-web-identity.", "Authentication"),
                    integer("timeouts.connect_ms", "Connect timeout (ms)", "Default 5000.", "Timeouts"),
                    integer("timeouts.first_byte_ms", "First byte timeout (ms)", "Default 120000.", "Timeouts"),
                    integer("timeouts.idle_ms", "Idle timeout (ms)", "Default 60000.", "Timeouts")),
            ResourceKind.MODELS, List.of(
                    identity("id", "Model id", "Model"),
                    select("type", "Kind", List.of("chat", "embedding"), null, "Model"),
                    text("deployment", "Azure deployment", "Azure OpenAI only; default: the model id.", "Model"),
                    number("price.input_per_million_usd", "Input, USD per 1M tokens", "Price"),
                    number("price.output_per_million_usd", "Output, USD per 1M tokens", "Price"),
                    number("price.per_image_usd", "USD per image", "Image generation; empty: not priced.", "Price"),
                    number("price.per_audio_second_usd", "USD per second of audio",
                            "Transcription and translation (a price per minute / 60); empty: not priced.", "Price"),
                    number("price.per_million_characters_usd", "USD per 1M characters of input",
                            "Text to speech; empty: not priced.", "Price"),
                    integer("timeouts.connect_ms", "Connect timeout (ms)", "Empty: the account's.", "Timeouts"),
                    integer("timeouts.first_byte_ms", "First byte timeout (ms)", "Empty: the account's.", "Timeouts"),
                    integer("timeouts.idle_ms", "Idle timeout (ms)", "Empty: the account's.", "Timeouts"),
                    checkbox("log_payloads", "Log prompts and completions", "Payload logging"),
                    integer("log_payloads_max_bytes", "Payload cap (bytes)", "Only with payload logging.",
                            "Payload logging")),
            ResourceKind.VIRTUAL_MODELS, List.of(
                    identity("name", "Name", "Virtual model"),
                    text("description", "Description", null, "Virtual model"),
                    select("routing_config.type", "Routing", ROUTING_TYPES, null, "Virtual model"),
                    integer("routing_config.request_timeout_ms", "Request timeout (ms)",
                            "Bounds all retries and fallbacks of a request; default 300000.", "Virtual model")),
            ResourceKind.API_KEYS, List.of(
                    identity("name", "Name", "API key"),
                    text("subject", "Subject", "user:<name>, team:<name> or service_account:<name>.", "API key"),
                    text("expires_at", "Expires at", "UTC, e.g. 2027-01-31T00:00:00Z; empty: never.", "API key"),
                    checkbox("disabled", "Disabled", "API key")));

    private ResourceForms() {
    }

    /** The form's fields, in order; empty for a kind edited as YAML only. */
    static List<Field> fields(ResourceKind<?> kind) {
        return FORMS.getOrDefault(kind, List.of());
    }

    static boolean hasForm(ResourceKind<?> kind) {
        return FORMS.containsKey(kind);
    }

    static boolean hasTargets(ResourceKind<?> kind) {
        return kind == ResourceKind.VIRTUAL_MODELS;
    }

    /** The form as the browser sent it, through {@code one} (a parameter's value) and {@code all} (every value). */
    static Submitted read(ResourceKind<?> kind, Function<String, String> one, Function<String, List<String>> all) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Field f : fields(kind)) {
            String v = one.apply(f.path());
            values.put(f.path(), v == null ? "" : v);
        }
        if (kind == ResourceKind.MODELS) {
            String account = one.apply(ACCOUNT);
            values.put(ACCOUNT, account == null ? "" : account.strip());
        }
        List<TargetRow> rows = new ArrayList<>();
        if (hasTargets(kind)) {
            List<String> targets = all.apply(TARGET);
            List<String> weights = all.apply(WEIGHT);
            List<String> priorities = all.apply(PRIORITY);
            for (int i = 0; i < targets.size(); i++) {
                rows.add(new TargetRow(targets.get(i).strip(), at(weights, i), at(priorities, i)));
            }
        }
        return new Submitted(values, rows);
    }

    /** What a stored resource (its JSON as the console shows it, secrets masked) fills the form with. */
    static Submitted of(ResourceKind<?> kind, JsonNode shown, String account) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Field f : fields(kind)) {
            JsonNode v = at(shown, f.path());
            values.put(f.path(), f.input() == Input.SECRET || v == null || v.isNull() || v.isContainerNode() ? ""
                    : v.asText());
        }
        if (kind == ResourceKind.MODELS) {
            values.put(ACCOUNT, account == null ? "" : account);
        }
        List<TargetRow> rows = new ArrayList<>();
        JsonNode targets = at(shown, TARGETS_PATH);
        if (hasTargets(kind) && targets != null) {
            for (JsonNode t : targets) {
                rows.add(new TargetRow(t.path(TARGET).asText(""), text(t.get(WEIGHT)), text(t.get(PRIORITY))));
            }
        }
        return new Submitted(values, rows);
    }

    /** How a stored secret shows in its field's hint: whether one is stored, never what it is. */
    static String secretState(JsonNode shown, String path) {
        JsonNode v = shown == null ? null : at(shown, path);
        if (v == null || v.isNull()) {
            return "none stored";
        }
        return v.has("env") ? "read from the variable " + v.path("env").asText() : "stored, sealed";
    }

    /**
     * The JSON body for the admin API: {@code stored} (the version opened, secrets masked; null for a new resource)
     * with the form's fields written over it. An empty field removes its value; an empty secret keeps the stored one
     * (the mask does that in the service) unless the authentication type changed, which it may not apply to.
     */
    static ObjectNode body(ResourceKind<?> kind, JsonNode stored, Submitted form) {
        ObjectNode body = stored == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) stored.deepCopy();
        boolean authChanged = stored != null && !at(stored, AUTH_TYPE, "").equals(form.value(AUTH_TYPE));
        for (Field f : fields(kind)) {
            String v = form.value(f.path()).strip();
            switch (f.input()) {
                case CHECKBOX -> {
                    if (v.isEmpty()) {
                        remove(body, f.path());
                    } else {
                        put(body, f.path(), JsonNodeFactory.instance.booleanNode(true));
                    }
                }
                case SECRET -> {
                    if (!form.value(f.path()).isEmpty()) {
                        put(body, f.path(), JsonNodeFactory.instance.textNode(form.value(f.path())));
                    } else if (authChanged) {
                        remove(body, f.path());
                    }
                }
                case NUMBER, INTEGER -> {
                    if (v.isEmpty()) {
                        remove(body, f.path());
                    } else {
                        put(body, f.path(), number(v));
                    }
                }
                default -> {
                    if (v.isEmpty()) {
                        remove(body, f.path());
                    } else {
                        put(body, f.path(), JsonNodeFactory.instance.textNode(v));
                    }
                }
            }
        }
        if (hasTargets(kind)) {
            put(body, TARGETS_PATH, targets(at(stored, TARGETS_PATH), form.rows()));
        }
        return body;
    }

    /** A row keeps what the form does not show (retries, fallback statuses) from the stored target it names. */
    private static ArrayNode targets(JsonNode stored, List<TargetRow> rows) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (TargetRow row : rows) {
            if (row.blank()) {
                continue;
            }
            ObjectNode t = JsonNodeFactory.instance.objectNode();
            if (stored != null) {
                for (JsonNode s : stored) {
                    if (s.path(TARGET).asText("").equals(row.target())) {
                        t = (ObjectNode) s.deepCopy();
                        break;
                    }
                }
            }
            t.put(TARGET, row.target());
            setOrRemove(t, WEIGHT, row.weight());
            setOrRemove(t, PRIORITY, row.priority());
            out.add(t);
        }
        return out;
    }

    /**
     * Where each error of a 400 shows: beside the field its path names, or the field it is inside of; a target's
     * beside its row; the rest (paths in no field) above the form, with their paths.
     */
    static Placed place(ResourceKind<?> kind, List<ConfigError> errors) {
        Map<String, List<String>> byField = new LinkedHashMap<>();
        List<ConfigError> elsewhere = new ArrayList<>();
        for (ConfigError e : errors) {
            String where = fieldOf(kind, e.path());
            if (where == null) {
                elsewhere.add(e);
            } else {
                byField.computeIfAbsent(where, k -> new ArrayList<>()).add(e.message());
            }
        }
        return new Placed(byField, elsewhere);
    }

    private static String fieldOf(ResourceKind<?> kind, String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        if (kind == ResourceKind.MODELS && path.equals(ACCOUNT)) {
            return ACCOUNT;
        }
        if (hasTargets(kind)) {
            Matcher m = TARGET_ERROR.matcher(path);
            if (m.matches()) {
                String part = m.group(2);
                boolean own = WEIGHT.equals(part) || PRIORITY.equals(part);
                return (own ? part : TARGET) + "-" + m.group(1);
            }
            if (path.equals(TARGETS_PATH)) {
                return TARGETS;
            }
        }
        for (Field f : fields(kind)) {
            if (path.equals(f.path()) || path.startsWith(f.path() + ".") || path.startsWith(f.path() + "[")) {
                return f.path();
            }
        }
        // a path above some fields (price, timeouts): beside the first of them
        for (Field f : fields(kind)) {
            if (f.path().startsWith(path + ".")) {
                return f.path();
            }
        }
        return null;
    }

    /** The form's rows with a blank one added, or without row {@code index}: the Add and Remove buttons. */
    static List<TargetRow> withRows(List<TargetRow> rows, String action) {
        List<TargetRow> out = new ArrayList<>(rows);
        if ("add".equals(action)) {
            out.add(new TargetRow("", "", ""));
        } else if (action != null && action.matches("remove-\\d{1,4}")) {
            int index = Integer.parseInt(action.substring("remove-".length()));
            if (index < out.size()) {
                out.remove(index);
            }
        }
        return out;
    }

    // ---- fields

    private static Field identity(String path, String label, String group) {
        return new Field(path, label, Input.TEXT, List.of(), null, group, true);
    }

    private static Field text(String path, String label, String hint, String group) {
        return new Field(path, label, Input.TEXT, List.of(), hint, group, false);
    }

    private static Field select(String path, String label, List<String> options, String hint, String group) {
        return new Field(path, label, Input.SELECT, options, hint, group, false);
    }

    private static Field number(String path, String label, String group) {
        return number(path, label, null, group);
    }

    private static Field number(String path, String label, String hint, String group) {
        return new Field(path, label, Input.NUMBER, List.of(), hint, group, false);
    }

    private static Field integer(String path, String label, String hint, String group) {
        return new Field(path, label, Input.INTEGER, List.of(), hint, group, false);
    }

    private static Field checkbox(String path, String label, String group) {
        return new Field(path, label, Input.CHECKBOX, List.of(), null, group, false);
    }

    private static Field secret(String path, String label, String appliesTo) {
        return new Field(path, label, Input.SECRET, List.of(), appliesTo + ".", "Authentication", false);
    }

    // ---- JSON paths (dotted, objects only: a form's fields sit in no array but the targets)

    private static JsonNode at(JsonNode node, String path) {
        JsonNode n = node;
        for (String part : path.split("\\.")) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(part);
        }
        return n;
    }

    private static String at(JsonNode node, String path, String otherwise) {
        JsonNode v = node == null ? null : at(node, path);
        return v == null || v.isNull() ? otherwise : v.asText();
    }

    private static void put(ObjectNode body, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode n = body;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = n.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = n.putObject(parts[i]);
            }
            n = (ObjectNode) child;
        }
        n.set(parts[parts.length - 1], value);
    }

    /** Removes the value at {@code path}, and the objects it leaves empty. */
    private static void remove(ObjectNode body, String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            body.remove(path);
            return;
        }
        JsonNode child = body.get(path.substring(0, dot));
        if (child instanceof ObjectNode o) {
            remove(o, path.substring(dot + 1));
            if (o.isEmpty()) {
                body.remove(path.substring(0, dot));
            }
        }
    }

    private static void setOrRemove(ObjectNode target, String field, String value) {
        if (value.isBlank()) {
            target.remove(field);
        } else {
            target.set(field, number(value.strip()));
        }
    }

    /** A number as typed; what is no number goes as text, for the service to refuse with the field's path. */
    private static JsonNode number(String text) {
        BigDecimal n;
        try {
            n = new BigDecimal(text);
        } catch (NumberFormatException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
        if (n.scale() > 0) {
            return JsonNodeFactory.instance.numberNode(n);
        }
        try {
            return JsonNodeFactory.instance.numberNode(n.intValueExact());
        } catch (ArithmeticException tooLarge) {
            return JsonNodeFactory.instance.numberNode(n.toBigInteger());
        }
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static String at(List<String> values, int i) {
        return i < values.size() && values.get(i) != null ? values.get(i).strip() : "";
    }
}
