package dev.switchboard.model.limits;

import dev.switchboard.model.config.Budget;
import dev.switchboard.model.config.Counting;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.Price;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.RateLimit;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.Team;
import dev.switchboard.model.config.VirtualModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rate limits and budgets of one config snapshot, indexed by subject so that matching a request looks up the
 * caller's few subjects (itself, its API key, its teams) and tests only the rules that name them. Immutable; build it
 * once per snapshot, off the request path.
 *
 * <p>A request is covered by a rule when the caller is one of its subjects (as itself, through its API key, or through
 * a team of the config or of its JWT) and the requested name is one of its models ({@code *}, {@code <account>/*}, a
 * model or a virtual model name, compared with the name the caller asked for). Every covering rule applies. The
 * counter it uses depends on {@link Counting}: {@code per_subject} counts the subject through which the caller is
 * covered (so a team is one pool), {@code per_member} the caller (the key for an {@code api_key} subject), and
 * {@code shared} one pool for the rule. A caller covered by the same {@code per_subject} rule as {@code user:alice}
 * and as {@code team:ml} is checked against both counters.
 *
 * <p>With {@code per_metadata}, each value of that {@code x-tfy-metadata} field has its own counter; a request without
 * the field counts under the empty value, so that leaving it out cannot escape the limit. Values are cut to
 * {@value #MAX_METADATA_CHARS} characters to bound a counter key.
 *
 * <p>Budgets apply only to priced models: a model whose price is not set (or zero) is counted in tokens only; a
 * virtual model is priced when at least one of its targets is. {@link #unpricedModels()} lists the others, for the
 * admin API to say so.
 */
public final class LimitRules {

    public static final int MAX_METADATA_CHARS = 256;

    public static final LimitRules EMPTY = compile(SwitchboardConfig.EMPTY);

    private final Map<SubjectRef, Compiled[]> modelRules;
    private final Map<SubjectRef, Compiled[]> toolRules;
    private final Map<String, SubjectRef[]> teamsOfUser;
    private final Map<String, SubjectRef> teamRefs;
    private final Set<String> pricedModels;
    private final Set<String> unpricedModels;
    private final Map<String, Rule> rulesByName;
    private final Map<String, Rule> budgetsByName;

    private LimitRules(SwitchboardConfig config) {
        Map<SubjectRef, List<Compiled>> models = new HashMap<>();
        Map<SubjectRef, List<Compiled>> tools = new HashMap<>();
        Map<String, Rule> rules = new HashMap<>();
        Map<String, Rule> budgets = new HashMap<>();
        for (RateLimit r : config.rateLimits()) {
            Compiled c = Compiled.of(r);
            rules.put(r.name(), c.rule);
            for (SubjectRef s : r.subjects()) {
                (r.mcp() ? tools : models).computeIfAbsent(s, k -> new ArrayList<>()).add(c);
            }
        }
        for (Budget b : config.budgets()) {
            Compiled c = Compiled.of(b);
            budgets.put(b.name(), c.rule);
            for (SubjectRef s : b.subjects()) {
                models.computeIfAbsent(s, k -> new ArrayList<>()).add(c);
            }
        }
        this.modelRules = freeze(models);
        this.toolRules = freeze(tools);
        this.rulesByName = Map.copyOf(rules);
        this.budgetsByName = Map.copyOf(budgets);

        Map<String, SubjectRef> refs = new HashMap<>();
        Map<String, List<SubjectRef>> ofUser = new HashMap<>();
        for (Team team : config.teams()) {
            SubjectRef ref = SubjectRef.team(team.name());
            refs.put(team.name(), ref);
            for (String member : team.members()) {
                ofUser.computeIfAbsent(member, m -> new ArrayList<>()).add(ref);
            }
        }
        Map<String, SubjectRef[]> teams = new HashMap<>();
        ofUser.forEach((user, list) -> teams.put(user, list.toArray(SubjectRef[]::new)));
        this.teamsOfUser = Map.copyOf(teams);
        this.teamRefs = Map.copyOf(refs);

        Set<String> priced = new HashSet<>();
        Set<String> unpriced = new LinkedHashSet<>();
        for (ProviderAccount a : config.providerAccounts()) {
            for (Model m : a.models()) {
                (isPriced(m.price()) ? priced : unpriced).add(a.name() + "/" + m.id());
            }
        }
        for (VirtualModel vm : config.virtualModels()) {
            boolean any = vm.routingConfig() != null && vm.routingConfig().loadBalanceTargets().stream()
                    .map(LoadBalanceTarget::target).anyMatch(priced::contains);
            (any ? priced : unpriced).add(vm.name());
        }
        this.pricedModels = Set.copyOf(priced);
        this.unpricedModels = java.util.Collections.unmodifiableSet(unpriced);
    }

    public static LimitRules compile(SwitchboardConfig config) {
        return new LimitRules(config);
    }

    private static Map<SubjectRef, Compiled[]> freeze(Map<SubjectRef, List<Compiled>> index) {
        Map<SubjectRef, Compiled[]> out = new HashMap<>();
        index.forEach((s, list) -> out.put(s, list.toArray(Compiled[]::new)));
        return Map.copyOf(out);
    }

    static boolean isPriced(Price price) {
        return price.hasAnyPrice();
    }

    /** Whether budgets can apply to {@code modelName} (a model or virtual model name). */
    public boolean isPriced(String modelName) {
        return pricedModels.contains(modelName);
    }

    /** The models and virtual models that have no price: counted in tokens only, outside every budget. */
    public Set<String> unpricedModels() {
        return unpricedModels;
    }

    /** A rate limit by name (admin views), or null. */
    public Rule rateLimit(String name) {
        return rulesByName.get(name);
    }

    /** A budget by name (admin views), or null. */
    public Rule budget(String name) {
        return budgetsByName.get(name);
    }

    /** Whether any rate limit or budget covers model requests: without one, the request path skips the limit step. */
    public boolean coversModels() {
        return !modelRules.isEmpty();
    }

    /** Whether any rate limit covers MCP tool calls. */
    public boolean coversTools() {
        return !toolRules.isEmpty();
    }

    /** The rate limits and budgets that apply to a model request. */
    public Applied match(Caller caller, String model, Map<String, String> metadata) {
        boolean budgets = pricedModels.contains(model);
        return collect(modelRules, caller, model, null, budgets, metadata);
    }

    /** The rate limits that apply to an MCP {@code tools/call} of {@code tool} on {@code server}. */
    public Applied matchTool(Caller caller, String server, String tool, Map<String, String> metadata) {
        return collect(toolRules, caller, server, tool, false, metadata);
    }

    private Applied collect(Map<SubjectRef, Compiled[]> index, Caller caller, String target, String tool,
                            boolean budgets, Map<String, String> metadata) {
        if (index.isEmpty()) {
            return Applied.NONE;
        }
        List<AppliedLimit> out = new ArrayList<>(4);
        add(out, index.get(caller.subject()), caller.subject(), caller, target, tool, budgets, metadata);
        if (caller.apiKeyRef() != null) {
            add(out, index.get(caller.apiKeyRef()), caller.apiKeyRef(), caller, target, tool, budgets, metadata);
        }
        if (caller.subject().kind() == SubjectRef.Kind.USER) {
            SubjectRef[] teams = teamsOfUser.get(caller.subject().name());
            if (teams != null) {
                for (SubjectRef team : teams) {
                    add(out, index.get(team), team, caller, target, tool, budgets, metadata);
                }
            }
        }
        List<String> claimed = caller.claimedTeams();
        for (int i = 0; i < claimed.size(); i++) {
            SubjectRef team = teamRefs.get(claimed.get(i));
            if (team != null && !isConfigTeam(caller, team)) {
                add(out, index.get(team), team, caller, target, tool, budgets, metadata);
            }
        }
        return out.isEmpty() ? Applied.NONE : new Applied(out);
    }

    private boolean isConfigTeam(Caller caller, SubjectRef team) {
        SubjectRef[] teams = caller.subject().kind() == SubjectRef.Kind.USER
                ? teamsOfUser.get(caller.subject().name()) : null;
        if (teams != null) {
            for (SubjectRef t : teams) {
                if (t.equals(team)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void add(List<AppliedLimit> out, Compiled[] rules, SubjectRef via, Caller caller, String target,
                            String tool, boolean budgets, Map<String, String> metadata) {
        if (rules == null) {
            return;
        }
        for (Compiled c : rules) {
            if (c.rule.family() == Family.BUDGET && !budgets) {
                continue;
            }
            if (tool == null ? !c.matchesModel(target) : !c.matchesTool(target, tool)) {
                continue;
            }
            CounterKey key = c.key(via, caller, metadata);
            if (!contains(out, key)) {
                out.add(new AppliedLimit(key, c.rule));
            }
        }
    }

    private static boolean contains(List<AppliedLimit> out, CounterKey key) {
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** One rule with its matchers and the counter keys that do not depend on the request. */
    private static final class Compiled {
        final Rule rule;
        final boolean anyTarget;
        final Set<String> targets;
        final String[] accountPrefixes;
        final boolean anyTool;
        final Set<String> tools;
        final String perMetadata;
        final CounterKey sharedKey;
        final Map<SubjectRef, CounterKey> subjectKeys;

        private Compiled(Rule rule, List<SubjectRef> subjects, List<String> targets, List<String> tools,
                         String perMetadata) {
            this.rule = rule;
            this.anyTarget = targets.contains("*");
            this.targets = Set.copyOf(targets);
            this.accountPrefixes = rule.mcp() ? new String[0] : targets.stream().filter(t -> t.endsWith("/*"))
                    .map(t -> t.substring(0, t.length() - 1)).toArray(String[]::new);
            this.anyTool = tools.isEmpty() || tools.contains("*");
            this.tools = Set.copyOf(tools);
            this.perMetadata = perMetadata;
            this.sharedKey = new CounterKey(rule.family(), rule.name(), rule.per(), CounterKey.SHARED, null);
            Map<SubjectRef, CounterKey> keys = new HashMap<>();
            for (SubjectRef s : subjects) {
                keys.put(s, new CounterKey(rule.family(), rule.name(), rule.per(), s.toString(), null));
            }
            this.subjectKeys = Map.copyOf(keys);
        }

        static Compiled of(RateLimit r) {
            Rule rule = new Rule(Family.RATE_LIMIT, r.name(), r.per(), r.counting(), r.mcp(), orZero(r.requests()),
                    orZero(r.tokens()), orZero(r.inputTokens()), orZero(r.outputTokens()), 0, List.of(), null);
            List<String> targets = r.mcp() ? (r.mcpServers().isEmpty() ? List.of("*") : r.mcpServers()) : r.models();
            return new Compiled(rule, r.subjects(), targets, r.tools(), r.perMetadata());
        }

        static Compiled of(Budget b) {
            Rule rule = new Rule(Family.BUDGET, b.name(), b.per(), b.counting(), false, 0, 0, 0, 0,
                    Rule.micros(b.limitUsd()), b.alertThresholds(), b.alertWebhook());
            return new Compiled(rule, b.subjects(), b.models(), List.of(), null);
        }

        private static long orZero(Long value) {
            return value == null ? 0 : value;
        }

        boolean matchesModel(String model) {
            if (anyTarget || targets.contains(model)) {
                return true;
            }
            for (String prefix : accountPrefixes) {
                if (model.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        boolean matchesTool(String server, String tool) {
            return (anyTarget || targets.contains(server)) && (anyTool || tools.contains(tool));
        }

        CounterKey key(SubjectRef via, Caller caller, Map<String, String> metadata) {
            String value = null;
            if (perMetadata != null) {
                value = metadata == null ? "" : metadata.getOrDefault(perMetadata, "");
                if (value == null) {
                    value = "";
                } else if (value.length() > MAX_METADATA_CHARS) {
                    value = value.substring(0, MAX_METADATA_CHARS);
                }
            }
            Counting counting = rule.counting();
            if (counting == Counting.PER_MEMBER && via.kind() == SubjectRef.Kind.TEAM) {
                return new CounterKey(rule.family(), rule.name(), rule.per(), caller.member(), value);
            }
            CounterKey fixed = counting == Counting.SHARED ? sharedKey : subjectKeys.get(via);
            return value == null ? fixed : new CounterKey(fixed.family(), fixed.rule(), fixed.per(), fixed.member(), value);
        }
    }
}
