package dev.switchboard.controlplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.switchboard.model.config.SwitchboardConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What changes between two configs, resource by resource (and, on request, field by field). Pure. */
public final class ConfigChanges {

    public static final String HEALTH_POLICY = "health_policy";

    private ConfigChanges() {
    }

    /** Every created, updated and deleted resource, kinds in config order; with field details when asked. */
    public static List<Change> between(SwitchboardConfig before, SwitchboardConfig after, boolean withFields) {
        List<Change> out = new ArrayList<>();
        for (ResourceKind<?> kind : ResourceKind.ALL) {
            collect(kind, before, after, withFields, out);
        }
        if (!Objects.equals(before.healthPolicy(), after.healthPolicy())) {
            out.add(new Change(Change.Op.UPDATED, HEALTH_POLICY, "",
                    withFields ? fields(before.healthPolicy(), after.healthPolicy()) : List.of()));
        }
        return out;
    }

    private static <T> void collect(ResourceKind<T> kind, SwitchboardConfig before, SwitchboardConfig after,
                                    boolean withFields, List<Change> out) {
        Map<String, T> old = kind.entries(before);
        Map<String, T> now = kind.entries(after);
        for (Map.Entry<String, T> e : now.entrySet()) {
            T previous = old.get(e.getKey());
            if (previous == null) {
                out.add(new Change(Change.Op.CREATED, kind.section(), e.getKey(), List.of()));
            } else if (!previous.equals(e.getValue())) {
                out.add(new Change(Change.Op.UPDATED, kind.section(), e.getKey(),
                        withFields ? fields(previous, e.getValue()) : List.of()));
            }
        }
        for (String name : old.keySet()) {
            if (!now.containsKey(name)) {
                out.add(new Change(Change.Op.DELETED, kind.section(), name, List.of()));
            }
        }
    }

    /** The leaves that differ between two config parts, as paths relative to the part. */
    public static List<Change.FieldChange> fields(Object before, Object after) {
        List<Change.FieldChange> out = new ArrayList<>();
        compare("", ConfigJson.fingerprinted(ConfigJson.tree(before)),
                ConfigJson.fingerprinted(ConfigJson.tree(after)), out);
        return out;
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<Change.FieldChange> out) {
        if (a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject() && !isSecret(a) && !isSecret(b)) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(path.isEmpty() ? name : path + "." + name, a.path(name), b.path(name), out);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            Iterator<JsonNode> ia = a.elements();
            Iterator<JsonNode> ib = b.elements();
            for (int i = 0; ia.hasNext(); i++) {
                compare(path + "[" + i + "]", ia.next(), ib.next(), out);
            }
        } else {
            out.add(new Change.FieldChange(path, a instanceof MissingNode ? null : a, b instanceof MissingNode ? null : b));
        }
    }

    private static boolean isSecret(JsonNode node) {
        return node.size() == 1 && (node.has("sealed") || node.has("env"));
    }
}
