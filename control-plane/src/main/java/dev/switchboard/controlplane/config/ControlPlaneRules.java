package dev.switchboard.controlplane.config;

import dev.switchboard.model.config.AccessRule;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.validation.ConfigError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the admin API needs beyond the common-model validator: every resource it manages has a name, so access rules
 * (whose name a standalone file may leave out) get one on import and must have a unique, valid one.
 */
public final class ControlPlaneRules {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ControlPlaneRules() {
    }

    /** Names each unnamed access rule {@code access-rule-<n>} (n its position from 1, skipping taken names). */
    public static SwitchboardConfig nameAccessRules(SwitchboardConfig config) {
        if (config.accessRules().stream().allMatch(r -> r.name() != null)) {
            return config;
        }
        Set<String> taken = new HashSet<>();
        config.accessRules().forEach(r -> taken.add(r.name()));
        List<AccessRule> named = new ArrayList<>();
        for (int i = 0; i < config.accessRules().size(); i++) {
            AccessRule r = config.accessRules().get(i);
            if (r.name() == null) {
                String name = "access-rule-" + (i + 1);
                for (int n = 2; taken.contains(name); n++) {
                    name = "access-rule-" + (i + 1) + "-" + n;
                }
                taken.add(name);
                r = new AccessRule(name, r.subjects(), r.models());
            }
            named.add(r);
        }
        return config.toBuilder().accessRules(named).build();
    }

    public static List<ConfigError> validate(SwitchboardConfig config) {
        List<ConfigError> errors = new ArrayList<>();
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < config.accessRules().size(); i++) {
            String name = config.accessRules().get(i).name();
            String path = "access_rules[" + i + "].name";
            if (name == null || name.isBlank()) {
                errors.add(new ConfigError(path, "is required"));
            } else if (!NAME.matcher(name).matches()) {
                errors.add(new ConfigError(path,
                        "must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (max 128)"));
            } else {
                Integer earlier = first.putIfAbsent(name, i);
                if (earlier != null) {
                    errors.add(new ConfigError("access_rules[" + i + "]",
                            "duplicate name '" + name + "' (also access_rules[" + earlier + "])"));
                }
            }
        }
        return errors;
    }
}
