package dev.switchboard.controlplane.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.config.ControlPlaneRules;
import dev.switchboard.controlplane.config.MasterKey;
import dev.switchboard.controlplane.config.ResourceKind;
import dev.switchboard.controlplane.config.SecretFields;
import dev.switchboard.controlplane.config.SecretIntake;
import dev.switchboard.controlplane.store.Commit;
import dev.switchboard.controlplane.store.Committed;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The changes the admin API makes, each one commit: create, update and delete a resource of any kind (models under
 * their account), replace the whole config, restore a revision. Every change is checked against the whole config as
 * it would be after it; nothing is written when that fails.
 */
@ApplicationScoped
public class ResourceService {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    ConfigStore store;

    @Inject
    MasterKey masterKey;

    /** A resource as saved: its ETag version and its JSON (secrets masked); {@code key} only for a new API key. */
    public record Saved(long version, JsonNode body, String key) {
    }

    // ---- top-level kinds

    public <T> Uni<Saved> create(ResourceKind<T> kind, String body, String author) {
        ObjectNode node = Bodies.object(body);
        String clearKey = null;
        if (kind == ResourceKind.API_KEYS && !node.hasNonNull("key_hash")) {
            clearKey = newApiKey();
            node.put("key_hash", ApiKey.hashOf(clearKey));
        }
        List<ConfigError> unknown = new ArrayList<>();
        T item = Bodies.read(node, kind.type(), unknown);
        String name = kind.nameOf(item);
        String key = clearKey;
        return store.commit(author, tx -> {
            SwitchboardConfig config = tx.head().config();
            if (name != null && kind.entries(config).containsKey(name)) {
                throw ApiProblem.conflict("a " + kind.label() + " named '" + name + "' already exists");
            }
            List<T> items = new ArrayList<>(kind.list(config));
            String scope = kind.section() + "[" + items.size() + "]";
            SecretIntake intake = new SecretIntake(masterKey.sealer());
            items.add(SecretFields.apply(kind, item, null, scope, intake));
            return Uni.createFrom().item(new Commit(kind.with(config, items),
                    "create " + kind.section() + "/" + name, scope, Bodies.within(scope, unknown, intake.errors()),
                    false));
        }).map(done -> new Saved(done.revision(), view(kind, find(kind, done.head(), name)), key));
    }

    public <T> Uni<Saved> update(ResourceKind<T> kind, String name, String ifMatch, String body, String author) {
        ObjectNode node = Bodies.object(body);
        requireSameName(node, kind.idField(), name);
        boolean keepModels = kind == ResourceKind.PROVIDER_ACCOUNTS && !node.has("models");
        boolean keepHash = kind == ResourceKind.API_KEYS && !node.hasNonNull("key_hash");
        List<ConfigError> unknown = new ArrayList<>();
        T item = Bodies.read(node, kind.type(), unknown);
        AtomicLong version = new AtomicLong();
        return store.commit(author, tx -> tx.version(kind, name).map(current -> {
            if (current == null) {
                throw notFound(kind, name);
            }
            version.set(current);
            Etags.check(ifMatch, current, "the " + kind.label() + " '" + name + "'");
            SwitchboardConfig config = tx.head().config();
            List<T> items = new ArrayList<>(kind.list(config));
            int index = indexOf(kind, items, name);
            T previous = items.get(index);
            T next = item;
            if (keepModels) {
                next = kind.cast(withModels((ProviderAccount) next, ((ProviderAccount) previous).models()));
            }
            if (keepHash) {
                ApiKey k = (ApiKey) next;
                next = kind.cast(new ApiKey(k.name(), k.subject(), ((ApiKey) previous).keyHash(), k.expiresAt(),
                        k.disabled()));
            }
            String scope = kind.section() + "[" + index + "]";
            SecretIntake intake = new SecretIntake(masterKey.sealer());
            items.set(index, SecretFields.apply(kind, next, previous, scope, intake));
            return new Commit(kind.with(config, items), "update " + kind.section() + "/" + name, scope,
                    Bodies.within(scope, unknown, intake.errors()), false);
        })).map(done -> new Saved(done.applied() ? done.revision() : version.get(),
                view(kind, find(kind, done.head(), name)), null));
    }

    public <T> Uni<Committed> delete(ResourceKind<T> kind, String name, String ifMatch, String author) {
        return store.commit(author, tx -> tx.version(kind, name).map(current -> {
            if (current == null) {
                throw notFound(kind, name);
            }
            Etags.check(ifMatch, current, "the " + kind.label() + " '" + name + "'");
            SwitchboardConfig config = tx.head().config();
            List<T> items = new ArrayList<>(kind.list(config));
            items.remove(indexOf(kind, items, name));
            return new Commit(kind.with(config, items), "delete " + kind.section() + "/" + name, null, List.of(),
                    false);
        }));
    }

    // ---- models, under their account

    public Uni<Saved> createModel(String account, String body, String author) {
        List<ConfigError> unknown = new ArrayList<>();
        Model model = Bodies.read(Bodies.object(body), Model.class, unknown);
        String name = ResourceKind.modelName(account, model.id());
        return store.commit(author, tx -> {
            SwitchboardConfig config = tx.head().config();
            int a = accountIndex(config, account);
            ProviderAccount owner = config.providerAccounts().get(a);
            if (model.id() != null && owner.models().stream().anyMatch(m -> m.id().equals(model.id()))) {
                throw ApiProblem.conflict("the provider account '" + account + "' already has a model '"
                        + model.id() + "'");
            }
            List<Model> models = new ArrayList<>(owner.models());
            String scope = "provider_accounts[" + a + "].models[" + models.size() + "]";
            models.add(model);
            return Uni.createFrom().item(new Commit(withAccount(config, a, withModels(owner, models)),
                    "create models/" + name, scope, Bodies.within(scope, unknown, List.of()), false));
        }).map(done -> new Saved(done.revision(), view(ResourceKind.MODELS, findModel(done.head(), name)), null));
    }

    public Uni<Saved> updateModel(String account, String id, String ifMatch, String body, String author) {
        ObjectNode node = Bodies.object(body);
        requireSameName(node, "id", id);
        List<ConfigError> unknown = new ArrayList<>();
        Model model = Bodies.read(node, Model.class, unknown);
        String name = ResourceKind.modelName(account, id);
        AtomicLong version = new AtomicLong();
        return store.commit(author, tx -> tx.version(ResourceKind.MODELS, name).map(current -> {
            if (current == null) {
                throw notFound(ResourceKind.MODELS, name);
            }
            version.set(current);
            Etags.check(ifMatch, current, "the model '" + name + "'");
            SwitchboardConfig config = tx.head().config();
            int a = accountIndex(config, account);
            ProviderAccount owner = config.providerAccounts().get(a);
            List<Model> models = new ArrayList<>(owner.models());
            int m = modelIndex(models, id);
            models.set(m, model);
            String scope = "provider_accounts[" + a + "].models[" + m + "]";
            return new Commit(withAccount(config, a, withModels(owner, models)), "update models/" + name, scope,
                    Bodies.within(scope, unknown, List.of()), false);
        })).map(done -> new Saved(done.applied() ? done.revision() : version.get(),
                view(ResourceKind.MODELS, findModel(done.head(), name)), null));
    }

    public Uni<Committed> deleteModel(String account, String id, String ifMatch, String author) {
        String name = ResourceKind.modelName(account, id);
        return store.commit(author, tx -> tx.version(ResourceKind.MODELS, name).map(current -> {
            if (current == null) {
                throw notFound(ResourceKind.MODELS, name);
            }
            Etags.check(ifMatch, current, "the model '" + name + "'");
            SwitchboardConfig config = tx.head().config();
            int a = accountIndex(config, account);
            ProviderAccount owner = config.providerAccounts().get(a);
            List<Model> models = new ArrayList<>(owner.models());
            models.remove(modelIndex(models, id));
            return new Commit(withAccount(config, a, withModels(owner, models)), "delete models/" + name, null,
                    List.of(), false);
        }));
    }

    // ---- the whole config

    /** Replaces the whole config with {@code text} (YAML or JSON); with {@code dryRun}, only validates and diffs. */
    public Uni<Committed> replaceConfig(String text, String ifMatch, boolean dryRun, String author, String summary) {
        SwitchboardConfig given;
        List<ConfigError> unknown = new ArrayList<>();
        try {
            String body = text == null ? "" : text;
            // JSON is YAML too, but the YAML reader caps documents at a few MB; a large import comes as JSON.
            given = ControlPlaneRules.nameAccessRules(body.stripLeading().startsWith("{")
                    ? ConfigCodec.readJson(body, unknown) : ConfigCodec.readYaml(body, unknown));
        } catch (ConfigException e) {
            throw ApiProblem.invalid(e.errors());
        }
        return replaceConfig(given, unknown, ifMatch, dryRun, author, summary);
    }

    public Uni<Committed> replaceConfig(SwitchboardConfig given, String ifMatch, boolean dryRun, String author,
                                        String summary) {
        return replaceConfig(given, List.of(), ifMatch, dryRun, author, summary);
    }

    /** {@code readErrors}: what reading {@code given} found (its unknown fields), reported with the validation's. */
    private Uni<Committed> replaceConfig(SwitchboardConfig given, List<ConfigError> readErrors, String ifMatch,
                                         boolean dryRun, String author, String summary) {
        return store.commit(author, tx -> {
            Head head = tx.head();
            Etags.check(ifMatch, head.revision(), "the config");
            SecretIntake intake = new SecretIntake(masterKey.sealer());
            SwitchboardConfig sealed = SecretFields.apply(given, head.config(), intake);
            return Uni.createFrom().item(new Commit(sealed, summary, "", Bodies.within("", readErrors,
                    intake.errors()), dryRun));
        });
    }

    /** Makes revision {@code n}'s config current again, as a new revision. */
    public Uni<Committed> restore(long n, String ifMatch, String author) {
        return store.revision(n).chain(old -> {
            if (old == null) {
                return Uni.createFrom().failure(ApiProblem.notFound("there is no revision " + n));
            }
            return replaceConfig(old.config(), ifMatch, false, author, "restore revision " + n);
        });
    }

    // ---- helpers

    /** A resource's JSON as the API shows it: sealed secrets masked; a provider account without its models. */
    public static JsonNode view(ResourceKind<?> kind, Object item) {
        Object shown = item instanceof ProviderAccount a ? ResourceKind.withoutModels(a) : item;
        return ConfigJson.masked(ConfigJson.tree(shown));
    }

    private static <T> T find(ResourceKind<T> kind, Head head, String name) {
        return kind.list(head.config()).stream().filter(i -> name.equals(kind.nameOf(i))).findFirst().orElseThrow();
    }

    private static Model findModel(Head head, String name) {
        return ResourceKind.MODELS.entries(head.config()).get(name);
    }

    private static <T> int indexOf(ResourceKind<T> kind, List<T> items, String name) {
        for (int i = 0; i < items.size(); i++) {
            if (name.equals(kind.nameOf(items.get(i)))) {
                return i;
            }
        }
        throw notFound(kind, name);
    }

    private static int accountIndex(SwitchboardConfig config, String account) {
        for (int i = 0; i < config.providerAccounts().size(); i++) {
            if (config.providerAccounts().get(i).name().equals(account)) {
                return i;
            }
        }
        throw notFound(ResourceKind.PROVIDER_ACCOUNTS, account);
    }

    private static int modelIndex(List<Model> models, String id) {
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i).id().equals(id)) {
                return i;
            }
        }
        throw ApiProblem.notFound("no model '" + id + "'");
    }

    private static SwitchboardConfig withAccount(SwitchboardConfig config, int index, ProviderAccount account) {
        List<ProviderAccount> accounts = new ArrayList<>(config.providerAccounts());
        accounts.set(index, account);
        return config.toBuilder().providerAccounts(accounts).build();
    }

    private static ProviderAccount withModels(ProviderAccount a, List<Model> models) {
        return a.withModels(models);
    }

    private static void requireSameName(ObjectNode node, String field, String name) {
        JsonNode given = node.get(field);
        if (given == null || given.isNull()) {
            node.put(field, name);
        } else if (!given.isTextual() || !given.asText().equals(name)) {
            throw ApiProblem.invalid(List.of(new ConfigError(field, "must be '" + name
                    + "', the name in the URL (to rename, create the new one and delete the old)")));
        }
    }

    static ApiProblem notFound(ResourceKind<?> kind, String name) {
        return ApiProblem.notFound("no " + kind.label() + " named '" + name + "'");
    }

    /** A new gateway API key: {@code sk-sb-} and 32 random bytes, base64url. */
    static String newApiKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "sk-sb-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
