package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.SubjectRef;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Who may make the call and with which arguments: the caller must be one of {@code subjects} (as themselves, a team
 * of theirs in the config or a team their token claims; empty = anyone), and each constrained argument must be
 * present, a single value (string, number or boolean, compared as its text), one of {@code allowed} when given and
 * entirely matching {@code pattern} when given. A reason names the argument, never its value.
 */
final class PermissionCheck implements Check {

    private record Constraint(Set<String> allowed, Pattern pattern) {
    }

    private final Set<SubjectRef> subjects;
    private final Set<String> teams;
    private final Callers callers;
    private final Map<String, Constraint> arguments = new TreeMap<>();

    PermissionCheck(Guardrail.PermissionRule rule, Callers callers) {
        this.subjects = Set.copyOf(rule.subjects());
        this.teams = Callers.teamNames(rule.subjects());
        this.callers = callers;
        rule.arguments().forEach((name, c) -> arguments.put(name,
                new Constraint(Set.copyOf(c.allowed()), c.pattern() == null ? null : Pattern.compile(c.pattern()))));
    }

    @Override
    public CompletionStage<Result> run(Guardrail.Hook hook, GuardScope scope, JsonNode payload, boolean rewrite) {
        if (!subjects.isEmpty() && !callers.isOneOf(scope.principal(), subjects, teams)) {
            String who = scope.principal() == null || scope.principal().subject() == null
                    ? "an anonymous caller" : scope.principal().subject().toString();
            return Result.violation(who + " is not permitted to make this call").done();
        }
        if (arguments.isEmpty()) {
            return Result.PASS.done();
        }
        if (payload == null || !payload.isObject()) {
            return Result.violation("the arguments are not an object").done();
        }
        for (Map.Entry<String, Constraint> e : arguments.entrySet()) {
            String name = e.getKey();
            JsonNode value = payload.get(name);
            if (value == null || value.isNull()) {
                return Result.violation("argument '" + name + "' is required").done();
            }
            if (!value.isValueNode()) {
                return Result.violation("argument '" + name + "' must be a single value").done();
            }
            String text = value.asText();
            Constraint c = e.getValue();
            if (!c.allowed().isEmpty() && !c.allowed().contains(text)) {
                return Result.violation("argument '" + name + "' is not one of the allowed values").done();
            }
            if (c.pattern() != null && !c.pattern().matcher(text).matches()) {
                return Result.violation("argument '" + name + "' does not match the required pattern").done();
            }
        }
        return Result.PASS.done();
    }
}
