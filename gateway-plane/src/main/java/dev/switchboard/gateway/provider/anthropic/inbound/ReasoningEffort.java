package dev.switchboard.gateway.provider.anthropic.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code output_config.effort} as OpenAI's {@code reasoning_effort}. Only reasoning models take that field (OpenAI
 * refuses it for others, such as gpt-4o, with a 400), and a model's config does not say which kind it is, so the
 * target's model id decides: OpenAI's o-series ({@code o1}, {@code o3}, {@code o4-mini}...), {@code gpt-5*} and
 * {@code gpt-oss*}, with any {@code vendor/} prefix. For any other target the effort is dropped. Anthropic's
 * {@code max} (and any level above {@code high}) becomes {@code high}, the highest level every such model takes.
 */
final class ReasoningEffort {

    private static final Pattern REASONING_MODEL = Pattern.compile("(o[1-9]|gpt-5|gpt-oss)([-.:_].*)?");

    private ReasoningEffort() {
    }

    static void apply(JsonNode outputConfig, String upstreamModel, ObjectNode out) {
        if (outputConfig == null || outputConfig.isNull()) {
            return;
        }
        if (!outputConfig.isObject()) {
            throw AnthropicInboundError.invalidRequest("output_config: Input should be a valid dictionary");
        }
        JsonNode effort = outputConfig.get("effort");
        if (effort == null || effort.isNull()) {
            return;
        }
        if (!effort.isTextual()) {
            throw AnthropicInboundError.invalidRequest("output_config.effort: Input should be a valid string");
        }
        if (!takesEffort(upstreamModel)) {
            return;
        }
        String level = switch (effort.asText()) {
            case "low", "medium", "high" -> effort.asText();
            case "max", "xhigh" -> "high";
            default -> null;
        };
        if (level == null) {
            IgnoredFields.once("output_config.effort value", effort.asText());
            return;
        }
        out.put("reasoning_effort", level);
    }

    static boolean takesEffort(String modelId) {
        String name = modelId.substring(modelId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return REASONING_MODEL.matcher(name).matches();
    }
}
