package dev.switchboard.controlplane.console;

import dev.switchboard.model.config.HealthPolicy;
import dev.switchboard.model.config.LatencyConfig;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.RoutingConfig;
import dev.switchboard.model.config.StickyConfig;
import dev.switchboard.model.config.VirtualModel;
import io.quarkus.qute.TemplateData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What {@code POST /v1/route:explain} would answer for a request naming a virtual model as edited, on a gateway that
 * has seen no failure and no latency sample yet: the targets in the order they are tried, each one's share of first
 * attempts, and why. Whether the virtual model is valid is the validator's to say ({@link RoutePreviewPage}). The live answer (with the gateway's own health and latency) comes from the gateway's
 * {@code route:explain}; the control plane has neither. Pure.
 */
public final class RoutePreview {

    /** One target, in the order a request tries them. {@code share}: of first attempts, in words. */
    @TemplateData
    public record Row(int order, String target, String share, Integer weight, Integer priority, int retryAttempts,
                      String fallbackStatusCodes, String note) {
    }

    @TemplateData
    public record Preview(String model, String strategy, String reason, String sticky, String health,
                          List<Row> targets, List<String> problems) {
    }

    private RoutePreview() {
    }

    public static Preview of(VirtualModel vm, HealthPolicy configPolicy) {
        RoutingConfig routing = vm.routingConfig();
        if (routing == null || routing.type() == null) {
            return new Preview(vm.name(), null, null, null, null, List.of(), List.of());
        }
        List<LoadBalanceTarget> targets = new ArrayList<>(routing.loadBalanceTargets());
        List<Row> rows = new ArrayList<>();
        String reason;
        switch (routing.type()) {
            case WEIGHT -> {
                long total = targets.stream().mapToLong(t -> weight(t)).sum();
                targets.sort(Comparator.comparingInt((LoadBalanceTarget t) -> weight(t)).reversed());
                for (LoadBalanceTarget t : targets) {
                    String share = total == 0 ? "none" : percent(weight(t) * 100.0 / total);
                    rows.add(row(rows.size(), t, share, "then a fallback"));
                }
                reason = "a random pick by weight among the healthy targets serves each request first; the others"
                        + " follow as fallbacks, highest weight first";
            }
            case PRIORITY -> {
                targets.sort(Comparator.comparingInt(t -> t.priority() == null ? 0 : t.priority()));
                for (LoadBalanceTarget t : targets) {
                    rows.add(row(rows.size(), t, rows.isEmpty() ? "100%" : "0%", rows.isEmpty()
                            ? "serves every request while healthy" : "fallback " + rows.size()));
                }
                reason = "the highest-priority healthy target (the lowest number) serves every request; the others"
                        + " are fallbacks in priority order";
            }
            case LATENCY -> {
                LatencyConfig l = routing.latency();
                for (LoadBalanceTarget t : targets) {
                    rows.add(row(rows.size(), t, targets.isEmpty() ? "none" : percent(100.0 / targets.size()),
                            "learning: fewer than " + l.minSamples() + " samples"));
                }
                reason = String.format(Locale.ROOT, "a new gateway has no samples: a random pick among the targets"
                        + " with fewer than %d samples; then the lowest time per output token over %d s, targets"
                        + " within %.2fx of it picked at random", l.minSamples(), l.windowSeconds(), l.equalBand());
            }
            default -> throw new IllegalStateException("unknown routing type " + routing.type());
        }
        HealthPolicy policy = vm.healthPolicy() != null ? vm.healthPolicy()
                : configPolicy != null ? configPolicy : HealthPolicy.DEFAULTS;
        String health = "a target with " + policy.failureThreshold() + " failures (" + String.join(", ",
                policy.failureStatusCodes()) + ", connect errors, timeouts) within " + policy.windowSeconds()
                + " s moves behind the healthy ones" + (routing.slaCutoff() == null ? ""
                : "; so does one slower than " + routing.slaCutoff().timePerOutputTokenMs()
                + " ms per output token over " + routing.slaCutoff().windowSeconds() + " s");
        return new Preview(vm.name(), wireName(routing), reason, sticky(routing.sticky()), health, rows, List.of());
    }

    private static Row row(int order, LoadBalanceTarget t, String share, String note) {
        return new Row(order, t.target(), share, t.weight(), t.priority(), t.retryConfig().attempts(),
                String.join(", ", t.fallbackStatusCodes().stream().map(String::valueOf).toList()), note);
    }

    private static String sticky(StickyConfig sticky) {
        if (sticky == null) {
            return null;
        }
        String key = sticky.header() != null ? "the header " + sticky.header()
                : "the x-tfy-metadata field " + sticky.metadataKey();
        return "requests with " + key + " stay on one target per value (a weighted hash of it: targets win sessions"
                + " in proportion to their weights); requests without it are picked as above";
    }

    private static int weight(LoadBalanceTarget t) {
        return t.weight() == null ? 0 : Math.max(0, t.weight());
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, value == Math.rint(value) ? "%.0f%%" : "%.1f%%", value);
    }

    private static String wireName(RoutingConfig routing) {
        return switch (routing.type()) {
            case WEIGHT -> "weight-based-routing";
            case PRIORITY -> "priority-based-routing";
            case LATENCY -> "latency-based-routing";
        };
    }
}
