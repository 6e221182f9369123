package dev.switchboard.model.snapshot;

import dev.switchboard.model.config.AccessRule;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.Team;
import dev.switchboard.model.config.User;
import dev.switchboard.model.config.VirtualModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One revision of the whole config, with the indexes the request path reads: key hash to API key, name to model and
 * virtual model, subject to allowed models. Built once, off the request path, then only read; safe to share between
 * threads. Construct it through {@link dev.switchboard.model.codec.ConfigCodec#validated} so that it is valid.
 */
public final class ConfigSnapshot {

    private final long revision;
    private final Instant createdAt;
    private final SwitchboardConfig config;

    private final Map<String, ApiKey> apiKeysByHash = new HashMap<>();
    private final Map<String, ProviderAccount> accountsByName = new HashMap<>();
    private final Map<String, ModelRef> modelsByName = new LinkedHashMap<>();
    private final Map<String, VirtualModel> virtualModelsByName = new LinkedHashMap<>();
    private final Map<String, User> usersByName = new HashMap<>();
    private final Map<String, User> usersByEmail = new HashMap<>();
    private final Map<SubjectRef, Set<String>> allowedModels = new HashMap<>();

    public ConfigSnapshot(long revision, Instant createdAt, SwitchboardConfig config) {
        this.revision = revision;
        this.createdAt = createdAt;
        this.config = config;
        for (ApiKey key : config.apiKeys()) {
            apiKeysByHash.put(key.keyHash(), key);
        }
        for (ProviderAccount account : config.providerAccounts()) {
            accountsByName.put(account.name(), account);
            for (Model model : account.models()) {
                ModelRef ref = new ModelRef(account, model);
                modelsByName.put(ref.name(), ref);
            }
        }
        for (VirtualModel vm : config.virtualModels()) {
            virtualModelsByName.put(vm.name(), vm);
        }
        for (User user : config.users()) {
            usersByName.put(user.name(), user);
            if (user.email() != null) {
                usersByEmail.put(user.email().toLowerCase(), user);
            }
        }
        indexAccess();
    }

    private void indexAccess() {
        // Each rule's model set is built once and shared by all its subjects: a rule granting `*` to 1,000 service
        // accounts holds one set of every model, not 1,000 copies (which made big snapshots slow to build and GC).
        Map<SubjectRef, List<Set<String>>> direct = new HashMap<>();
        for (AccessRule rule : config.accessRules()) {
            Set<String> models = Set.copyOf(expand(rule.models()));
            for (SubjectRef subject : rule.subjects()) {
                direct.computeIfAbsent(subject, s -> new ArrayList<>(1)).add(models);
            }
        }
        // A user also holds what each team of theirs holds; teams and service accounts hold only their own grants.
        Map<String, Set<String>> teamsOfUser = new HashMap<>();
        for (Team team : config.teams()) {
            for (String member : team.members()) {
                teamsOfUser.computeIfAbsent(member, m -> new HashSet<>()).add(team.name());
            }
        }
        for (Map.Entry<SubjectRef, List<Set<String>>> e : direct.entrySet()) {
            allowedModels.put(e.getKey(), union(e.getValue()));
        }
        for (User user : config.users()) {
            List<Set<String>> sources = new ArrayList<>(direct.getOrDefault(SubjectRef.user(user.name()), List.of()));
            for (String team : teamsOfUser.getOrDefault(user.name(), Set.of())) {
                sources.addAll(direct.getOrDefault(SubjectRef.team(team), List.of()));
            }
            allowedModels.put(SubjectRef.user(user.name()), union(sources));
        }
    }

    /** The union of immutable sets; one set is returned as it is, so that subjects granted alike share it. */
    private static Set<String> union(List<Set<String>> sets) {
        if (sets.isEmpty()) {
            return Set.of();
        }
        if (sets.size() == 1) {
            return sets.get(0);
        }
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }

    private Set<String> expand(List<String> patterns) {
        Set<String> out = new LinkedHashSet<>();
        for (String pattern : patterns) {
            if (pattern.equals("*")) {
                out.addAll(modelsByName.keySet());
                out.addAll(virtualModelsByName.keySet());
            } else if (pattern.endsWith("/*")) {
                String prefix = pattern.substring(0, pattern.length() - 1);
                modelsByName.keySet().stream().filter(n -> n.startsWith(prefix)).forEach(out::add);
            } else {
                out.add(pattern);
            }
        }
        return out;
    }

    public long revision() {
        return revision;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public SwitchboardConfig config() {
        return config;
    }

    /** The API key whose hash is {@code keyHash} ({@code sha256:<hex>}). */
    public Optional<ApiKey> apiKeyByHash(String keyHash) {
        return Optional.ofNullable(apiKeysByHash.get(keyHash));
    }

    public Optional<ProviderAccount> account(String name) {
        return Optional.ofNullable(accountsByName.get(name));
    }

    /** A model by its full name, {@code <account>/<model-id>}. */
    public Optional<ModelRef> model(String name) {
        return Optional.ofNullable(modelsByName.get(name));
    }

    public Optional<VirtualModel> virtualModel(String name) {
        return Optional.ofNullable(virtualModelsByName.get(name));
    }

    public Collection<ModelRef> models() {
        return modelsByName.values();
    }

    public Collection<VirtualModel> virtualModels() {
        return virtualModelsByName.values();
    }

    /** The user whose name or email (case-insensitive) is {@code nameOrEmail}, as a JWT claim gives it. */
    public Optional<User> user(String nameOrEmail) {
        User byName = usersByName.get(nameOrEmail);
        return byName != null ? Optional.of(byName) : Optional.ofNullable(usersByEmail.get(nameOrEmail.toLowerCase()));
    }

    /**
     * Whether {@code subject}, also acting for {@code extraTeams} (teams a JWT claims), may use {@code modelName},
     * a model or a virtual model name. A user's own teams from the config are already included.
     */
    public boolean isAllowed(SubjectRef subject, Collection<String> extraTeams, String modelName) {
        if (allowedModels.getOrDefault(subject, Set.of()).contains(modelName)) {
            return true;
        }
        for (String team : extraTeams) {
            if (allowedModels.getOrDefault(SubjectRef.team(team), Set.of()).contains(modelName)) {
                return true;
            }
        }
        return false;
    }

    /** Every model and virtual model name {@code subject} may use, in config order. */
    public Set<String> allowedModels(SubjectRef subject, Collection<String> extraTeams) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : modelsByName.keySet()) {
            if (isAllowed(subject, extraTeams, name)) {
                names.add(name);
            }
        }
        for (String name : virtualModelsByName.keySet()) {
            if (isAllowed(subject, extraTeams, name)) {
                names.add(name);
            }
        }
        return names;
    }
}
