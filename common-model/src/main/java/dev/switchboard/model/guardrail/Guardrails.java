package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.secret.SecretResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The guardrails of one config, compiled once per snapshot (patterns, schemas, scopes) off the request path; immutable
 * and safe to share between threads. Both planes call it at their hooks:
 * <ul>
 *   <li>{@code llm_input}: the payload is the request's conversation (chat {@code messages}, or the {@code input} of
 *       responses/embeddings);</li>
 *   <li>{@code llm_output}: the completion ({@code choices}), or for a stream the text accumulated so far;</li>
 *   <li>{@code mcp_pre_tool}: the tool's {@code arguments} object;</li>
 *   <li>{@code mcp_post_tool}: the tool's {@code result} object.</li>
 * </ul>
 * Text detectors look at every string in the payload; redaction rewrites those strings in a copy. The returned stage
 * is already complete unless a webhook guardrail ran; then it completes on the webhook client's or the timeout's
 * thread, and a plane hops back to its own event loop.
 *
 * <p>What a verdict does depends on the guardrail's mode:
 * <ul>
 *   <li>{@code enforce} blocks on {@link Verdict.Outcome#VIOLATION}, {@link Verdict.Outcome#ERROR} and
 *       {@link Verdict.Outcome#TIMEOUT};</li>
 *   <li>{@code enforce_but_ignore_on_error} blocks on {@code VIOLATION} only;</li>
 *   <li>{@code audit} never blocks and never rewrites: a redacting guardrail reports what it would have redacted as
 *       a {@code VIOLATION} with {@code blocked=false}.</li>
 * </ul>
 * A redaction ({@link Verdict.Outcome#REDACTED}) never blocks: the next guardrail sees the rewritten payload.
 */
public final class Guardrails {

    /** No guardrails: every check passes at once. */
    public static final Guardrails NONE = new Guardrails(List.of());

    private final Compiled[][] byHook = new Compiled[Guardrail.Hook.values().length][];
    private final LongSupplier nanoTime;

    /** One guardrail ready to run: its config, where it applies and what it checks. */
    record Compiled(Guardrail config, Scope scope, Check check) {
    }

    Guardrails(List<Compiled> compiled) {
        this(compiled, System::nanoTime);
    }

    Guardrails(List<Compiled> compiled, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        for (Guardrail.Hook hook : Guardrail.Hook.values()) {
            byHook[hook.ordinal()] = compiled.stream()
                    .filter(c -> c.config().hooks().contains(hook))
                    .toArray(Compiled[]::new);
        }
    }

    /**
     * Compiles {@code config.guardrails()}; the config has passed the validator. Webhook tokens are resolved from
     * clear values and environment variables; use {@link #compile(SwitchboardConfig, WebhookClient, SecretResolver)}
     * when they may be sealed.
     */
    public static Guardrails compile(SwitchboardConfig config, WebhookClient webhooks) {
        return compile(config, webhooks, SecretResolver.fromProcess(null));
    }

    /**
     * Compiles {@code config.guardrails()} (the config has passed the validator), resolving webhook tokens with
     * {@code secrets} now; a token that cannot be resolved makes that guardrail answer {@code ERROR} at every check.
     */
    public static Guardrails compile(SwitchboardConfig config, WebhookClient webhooks, SecretResolver secrets) {
        if (config.guardrails().isEmpty()) {
            return NONE;
        }
        Callers callers = Callers.of(config);
        List<Compiled> compiled = new ArrayList<>();
        for (Guardrail g : config.guardrails()) {
            compiled.add(new Compiled(g, new Scope(g, callers, config.virtualModels()),
                    GuardrailSpec.check(g, callers, webhooks, secrets)));
        }
        return new Guardrails(compiled);
    }

    /** Whether any guardrail applies at {@code hook} in {@code scope}: false is the fast path, with no allocation. */
    public boolean applies(Guardrail.Hook hook, GuardScope scope) {
        for (Compiled c : byHook[hook.ordinal()]) {
            if (c.scope().matches(hook, scope)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the guardrails that apply, in config order, each on the payload as the previous one left it; stops at the
     * first that blocks. Completes normally in every case (a guardrail's failure is a verdict, not an exception).
     */
    public CompletionStage<GuardrailResult> check(Guardrail.Hook hook, GuardScope scope, JsonNode payload) {
        Compiled[] candidates = byHook[hook.ordinal()];
        if (candidates.length == 0) {
            return CompletableFuture.completedFuture(GuardrailResult.none(payload));
        }
        return new Run(hook, scope, candidates, payload).from(0);
    }

    /** One check's progress: the payload so far and the verdicts in order. */
    private final class Run {
        private final Guardrail.Hook hook;
        private final GuardScope scope;
        private final Compiled[] candidates;
        private final List<Verdict> verdicts = new ArrayList<>();
        private JsonNode payload;

        Run(Guardrail.Hook hook, GuardScope scope, Compiled[] candidates, JsonNode payload) {
            this.hook = hook;
            this.scope = scope;
            this.candidates = candidates;
            this.payload = payload;
        }

        CompletableFuture<GuardrailResult> from(int first) {
            for (int i = first; i < candidates.length; i++) {
                Compiled g = candidates[i];
                if (!g.scope().matches(hook, scope)) {
                    continue;
                }
                long start = nanoTime.getAsLong();
                CompletableFuture<Check.Result> running = start(g);
                if (running.isDone()) {
                    if (record(g, settled(running), start)) {
                        return finish(true);
                    }
                } else {
                    int next = i + 1;
                    return running
                            .handle((result, failure) -> record(g, result != null ? result : failed(failure), start))
                            .thenCompose(blocked -> blocked ? finish(true) : from(next));
                }
            }
            return finish(false);
        }

        private CompletableFuture<Check.Result> start(Compiled g) {
            try {
                return g.check().run(hook, scope, payload, g.config().mode() != Guardrail.Mode.AUDIT)
                        .toCompletableFuture();
            } catch (RuntimeException | StackOverflowError e) {
                return CompletableFuture.completedFuture(failed(e));
            }
        }

        /** Adds the verdict; true when it blocks. */
        private boolean record(Compiled g, Check.Result result, long start) {
            Guardrail.Mode mode = g.config().mode();
            Verdict.Outcome outcome = result.outcome();
            String reason = result.reason();
            boolean blocked;
            switch (outcome) {
                case PASS -> blocked = false;
                case VIOLATION -> blocked = mode != Guardrail.Mode.AUDIT;
                case REDACTED -> {
                    if (mode == Guardrail.Mode.AUDIT || result.payload() == null) {
                        outcome = Verdict.Outcome.VIOLATION; // a check that ignored rewrite=false: report, keep payload
                        reason = "would have " + reason;
                    } else {
                        payload = result.payload();
                    }
                    blocked = false;
                }
                default -> blocked = mode == Guardrail.Mode.ENFORCE;
            }
            verdicts.add(new Verdict(g.config().name(), g.config().type(), mode, outcome, blocked, reason,
                    nanoTime.getAsLong() - start));
            return blocked;
        }

        private CompletableFuture<GuardrailResult> finish(boolean blocked) {
            return CompletableFuture.completedFuture(new GuardrailResult(blocked, payload, List.copyOf(verdicts)));
        }
    }

    private static Check.Result settled(CompletableFuture<Check.Result> done) {
        try {
            Check.Result r = done.get();
            return r != null ? r : Check.Result.error("failed: no result");
        } catch (ExecutionException | CompletionException e) {
            return failed(e.getCause());
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            return failed(e);
        }
    }

    /** A failure as a verdict; the exception's message is left out, as it may quote the payload. */
    private static Check.Result failed(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return new Check.Result(Verdict.Outcome.TIMEOUT, "no answer in time", null);
        }
        return Check.Result.error("failed: " + (cause == null ? "unknown" : cause.getClass().getSimpleName()));
    }
}
