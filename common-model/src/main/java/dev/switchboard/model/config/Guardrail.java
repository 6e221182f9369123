package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.secret.Secret;
import java.util.List;
import java.util.Map;

/**
 * A check configured once and attached to any of the four hooks: LLM input and output, MCP before and after a tool
 * call. {@code models}, {@code mcp_servers}, {@code tools} and {@code subjects} narrow where it applies (empty =
 * everywhere): {@code models} (patterns as in access rules: a name, {@code <account>/*} or {@code *}) only the LLM
 * hooks, {@code mcp_servers} and {@code tools} ({@code tool} or {@code <server>/<tool>}) only the MCP hooks,
 * {@code subjects} (also through a user's teams and a token's claimed teams) all of them. {@code mode} says what a
 * verdict does (the seed's three strategies). Exactly one of the type-specific blocks is given, the one named by
 * {@code type}. The engine is {@link dev.switchboard.model.guardrail.Guardrails}; docs/guardrails.md has the details.
 */
public record Guardrail(String name, Type type, Mode mode, List<Hook> hooks,
                        List<String> models, List<String> mcpServers, List<String> tools, List<SubjectRef> subjects,
                        RegexRule regex, DetectorRule pii, DetectorRule secrets, SqlRule sql,
                        JsonSchemaRule jsonSchema, PermissionRule permission, WebhookRule webhook) {

    public enum Type {
        @JsonProperty("regex") REGEX,
        @JsonProperty("pii") PII,
        @JsonProperty("secrets") SECRETS,
        @JsonProperty("sql") SQL,
        @JsonProperty("json_schema") JSON_SCHEMA,
        @JsonProperty("permission") PERMISSION,
        @JsonProperty("webhook") WEBHOOK
    }

    /**
     * {@code enforce}: block on a violation or on a guardrail error; {@code enforce_but_ignore_on_error}: block on a
     * violation, allow when the guardrail itself fails or times out; {@code audit}: record the verdict, never block and
     * never rewrite.
     */
    public enum Mode {
        @JsonProperty("enforce") ENFORCE,
        @JsonProperty("enforce_but_ignore_on_error") ENFORCE_BUT_IGNORE_ON_ERROR,
        @JsonProperty("audit") AUDIT
    }

    public enum Hook {
        @JsonProperty("llm_input") LLM_INPUT,
        @JsonProperty("llm_output") LLM_OUTPUT,
        @JsonProperty("mcp_pre_tool") MCP_PRE_TOOL,
        @JsonProperty("mcp_post_tool") MCP_POST_TOOL
    }

    /** What a detector does with a finding: {@code none} makes it a violation; the others rewrite it and allow. */
    public enum Redaction {
        @JsonProperty("none") NONE,
        /** Replaces each character of the finding with {@code *}. */
        @JsonProperty("mask") MASK,
        /** Replaces the finding with {@code replacement} (default {@code [REDACTED:<kind>]}). */
        @JsonProperty("replace") REPLACE
    }

    /** Regular expressions: a {@code deny} match is a finding unless it wholly matches an {@code allow} pattern. */
    public record RegexRule(List<String> deny, List<String> allow, Redaction redact, String replacement) {
        public RegexRule {
            deny = deny == null ? List.of() : List.copyOf(deny);
            allow = allow == null ? List.of() : List.copyOf(allow);
            redact = redact == null ? Redaction.NONE : redact;
        }
    }

    /**
     * Built-in detectors ({@code pii}: email, phone, card, iban, national_id; {@code secrets}: aws_access_key,
     * gcp_api_key, github_token, slack_token, private_key, jwt, bearer_token, high_entropy); {@code detect} empty = all
     * of the type's detectors.
     */
    public record DetectorRule(List<String> detect, Redaction redact, String replacement) {
        public DetectorRule {
            detect = detect == null ? List.of() : List.copyOf(detect);
            redact = redact == null ? Redaction.NONE : redact;
        }
    }

    /**
     * SQL in a tool argument ({@code argument}, default {@code query}), parsed with a real SQL parser: more than one
     * statement is always refused; {@code read_only} (default true) allows only SELECT / WITH / SHOW / DESCRIBE;
     * {@code deny_schemas} and {@code deny_tables} ({@code schema.table} or {@code table}) refuse statements touching them.
     */
    public record SqlRule(String argument, Boolean readOnly, List<String> denySchemas, List<String> denyTables) {
        public SqlRule {
            argument = argument == null ? "query" : argument;
            readOnly = readOnly == null ? Boolean.TRUE : readOnly;
            denySchemas = denySchemas == null ? List.of() : List.copyOf(denySchemas);
            denyTables = denyTables == null ? List.of() : List.copyOf(denyTables);
        }
    }

    /** A JSON Schema (draft 2020-12 unless {@code $schema} says otherwise) the tool arguments must satisfy. */
    public record JsonSchemaRule(JsonNode schema) {
    }

    /**
     * Who may make the call ({@code subjects}, empty = anyone the access rules let through) and constraints on its
     * tool arguments by name.
     */
    public record PermissionRule(List<SubjectRef> subjects, Map<String, ArgumentConstraint> arguments) {
        public PermissionRule {
            subjects = subjects == null ? List.of() : List.copyOf(subjects);
            arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
        }
    }

    /** An argument's value must be one of {@code allowed} (compared as text) and/or match {@code pattern} entirely. */
    public record ArgumentConstraint(List<String> allowed, String pattern) {
        public ArgumentConstraint {
            allowed = allowed == null ? List.of() : List.copyOf(allowed);
        }
    }

    /**
     * An external HTTP service asked for a verdict ({@code POST url}, JSON), with {@code Authorization: Bearer token}
     * when a token is given; a failure or no answer within {@code timeout_ms} (default 2000) is a guardrail error.
     */
    public record WebhookRule(String url, Integer timeoutMs, Secret token) {
        public WebhookRule {
            timeoutMs = timeoutMs == null ? 2000 : timeoutMs;
        }
    }

    public Guardrail {
        mode = mode == null ? Mode.ENFORCE : mode;
        hooks = hooks == null ? List.of() : List.copyOf(hooks);
        models = models == null ? List.of() : List.copyOf(models);
        mcpServers = mcpServers == null ? List.of() : List.copyOf(mcpServers);
        tools = tools == null ? List.of() : List.copyOf(tools);
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
    }
}
