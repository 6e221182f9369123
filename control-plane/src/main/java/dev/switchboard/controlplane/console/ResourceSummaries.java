package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.config.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one-line summaries of the list pages: what a resource is at a glance (from its admin-API JSON, secrets already
 * masked), and a budget's or rate limit's current usage (from the usage API's answer). Pure.
 */
final class ResourceSummaries {

    private ResourceSummaries() {
    }

    static String details(ResourceKind<?> kind, JsonNode r) {
        List<String> parts = new ArrayList<>();
        switch (kind.path()) {
            case "provider-accounts" -> {
                add(parts, r.path("type").asText(null));
                add(parts, r.path("base_url").asText(null));
                String auth = r.path("auth").path("type").asText("none");
                boolean secret = r.path("auth").path("api_key").has("sealed") || r.path("auth").path("token").has("sealed")
                        || r.path("auth").path("client_secret").has("sealed");
                parts.add("auth " + auth + (secret ? " (secret set)" : ""));
            }
            case "models" -> {
                parts.add(r.path("type").asText("chat"));
                JsonNode price = r.path("price");
                parts.add(String.format(Locale.ROOT, "$%s in / $%s out per 1M tokens",
                        price.path("input_per_million_usd").asText("0"),
                        price.path("output_per_million_usd").asText("0")));
                unitPrice(parts, price.get("per_image_usd"), " per image");
                unitPrice(parts, price.get("per_audio_second_usd"), " per second of audio");
                unitPrice(parts, price.get("per_million_characters_usd"), " per 1M characters");
            }
            case "virtual-models" -> {
                JsonNode routing = r.path("routing_config");
                add(parts, routing.path("type").asText(null));
                List<String> targets = new ArrayList<>();
                for (JsonNode t : routing.path("load_balance_targets")) {
                    String how = t.has("weight") ? "weight " + t.path("weight").asText()
                            : t.has("priority") ? "priority " + t.path("priority").asText() : "";
                    targets.add(t.path("target").asText() + (how.isEmpty() ? "" : " (" + how + ")"));
                }
                parts.add(String.join(", ", targets));
            }
            case "users" -> add(parts, r.path("email").asText(null));
            case "teams" -> parts.add(list(r.path("members")) + " (" + r.path("members").size() + " members)");
            case "service-accounts" -> add(parts, r.path("description").asText(null));
            case "api-keys" -> {
                add(parts, r.path("subject").asText(null));
                if (r.has("expires_at")) {
                    parts.add("expires " + r.path("expires_at").asText());
                }
                if (r.path("disabled").asBoolean(false)) {
                    parts.add("disabled");
                }
            }
            case "access-rules" -> parts.add(list(r.path("subjects")) + " → " + list(r.path("models")));
            case "rate-limits" -> {
                List<String> limits = new ArrayList<>();
                for (String metric : List.of("requests", "tokens", "input_tokens", "output_tokens")) {
                    if (r.has(metric)) {
                        limits.add(r.path(metric).asText() + " " + metric.replace('_', ' '));
                    }
                }
                parts.add(String.join(", ", limits) + " per " + r.path("per").asText("minute"));
                add(parts, subjects(r));
            }
            case "budgets" -> {
                parts.add("$" + r.path("limit_usd").asText() + " per " + r.path("per").asText("month"));
                add(parts, subjects(r));
            }
            default -> {
            }
        }
        return String.join(" · ", parts);
    }

    /** A budget's highest counter against its limit, or a rate limit's busiest counter, in the current window. */
    static String usage(boolean budget, JsonNode answer) {
        JsonNode counters = budget ? answer.path("counters") : answer.path("top");
        if (counters.isEmpty()) {
            return budget ? "no spend this " + answer.path("per").asText("period") : "no use this "
                    + answer.path("per").asText("window");
        }
        JsonNode top = counters.get(0);
        if (budget) {
            return String.format(Locale.ROOT, "%s: $%.2f of $%.2f (%.1f%%)%s", top.path("member").asText(),
                    top.path("spent_usd").asDouble(), answer.path("limit_usd").asDouble(),
                    top.path("percent").asDouble(), counters.size() > 1 ? " · " + counters.size() + " counters" : "");
        }
        String metric = answer.path("metric").asText("requests");
        return String.format(Locale.ROOT, "%s: %d of %d %s · %d counters", top.path("member").asText(),
                top.path(metric).asLong(), answer.path("limits").path(metric).asLong(), metric.replace('_', ' '),
                answer.path("counters").asLong());
    }

    private static String subjects(JsonNode r) {
        return "for " + list(r.path("subjects"));
    }

    private static String list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    /** A per-unit price, when the model has one: {@code $0.04 per image}. */
    private static void unitPrice(List<String> parts, JsonNode price, String unit) {
        if (price != null && price.isNumber()) {
            parts.add("$" + price.decimalValue().stripTrailingZeros().toPlainString() + unit);
        }
    }

    private static void add(List<String> parts, String value) {
        if (value != null && !value.isBlank()) {
            parts.add(value);
        }
    }
}
