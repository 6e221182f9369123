package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.admin.Etags;
import dev.switchboard.controlplane.admin.ResourceService;
import dev.switchboard.controlplane.config.ResourceKind;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.ResourceRow;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.validation.ConfigError;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * A provider account, model, virtual model or API key edited in a form ({@link ResourceForms}); the YAML editor of
 * {@link ResourcePages} stays as the advanced way. The page is a plain HTML form that posts back to its own URL and
 * gets the whole page again (htmx, where it runs, swaps in only the form), so it works without script. A save goes
 * through {@link ResourceService} with the version opened as {@code If-Match}, as every console change does; a 400's
 * errors show beside the fields their paths name, with what was typed kept (secrets aside: they are never sent back).
 */
@ApplicationScoped
public class ResourceFormPage {

    /** At most this many model names are offered as a virtual model's targets (any other can be typed). */
    static final int MODEL_CHOICES = 1000;
    private static final String ROW_ACTION = "row";

    @Inject
    ConsoleCaller caller;

    @Inject
    ResourceService service;

    @Inject
    ConfigStore store;

    @Inject
    @Location("console/resource-form-page.html")
    Template page;

    @TemplateData
    public record Choice(String value, boolean selected) {
    }

    @TemplateData
    public record FieldView(String id, String name, String label, String input, String value, List<Choice> options,
                            String hint, String error, boolean readonly, String describedBy) {
        public boolean checked() {
            return !value.isEmpty();
        }
    }

    @TemplateData
    public record Group(String legend, List<FieldView> fields) {
    }

    @TemplateData
    public record RowView(int index, int number, FieldView target, FieldView weight, FieldView priority) {
    }

    /** What the last submission did: created, saved, unchanged, or error (with the errors no field shows). */
    @TemplateData
    public record Outcome(String kind, String title, String detail, long revision, String key, boolean stale,
                          String reload, List<ResourcePages.ErrorView> errors) {
    }

    @TemplateData
    public record FormView(String kind, String label, String name, long version, String postTo, String yamlHref,
                           String deleteTo, List<Group> groups, boolean targets, List<RowView> rows,
                           FieldView targetsError, List<String> modelNames) {
        public boolean isNew() {
            return name == null;
        }
    }

    /** The form of a new resource. */
    Uni<Response> fresh(ResourceKind<?> kind) {
        return store.head().map(head -> render(200, kind, null, 0, null,
                ResourceForms.of(kind, null, null), new ResourceForms.Placed(Map.of(), List.of()), null,
                head.config()));
    }

    /** The form of a stored resource. */
    Uni<Response> open(ResourceKind<?> kind, ResourceRow row) {
        JsonNode shown = ResourcePages.shown(kind, row);
        return store.head().map(head -> render(200, kind, row.name, row.version, shown,
                ResourceForms.of(kind, shown, accountOf(kind, row.name)), new ResourceForms.Placed(Map.of(), List.of()),
                null, head.config()));
    }

    /**
     * A submission of the form of {@code name} (null: a new one): a target row added or removed (nothing saved), or
     * a save.
     */
    Uni<Response> submit(ResourceKind<?> kind, String name, ServerRequestContext request) {
        ResteasyReactiveRequestContext form = (ResteasyReactiveRequestContext) request;
        Function<String, String> one = p -> (String) form.getFormParameter(p, true, false);
        Function<String, List<String>> all = p -> {
            Object v = form.getFormParameter(p, false, false);
            return v instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : v instanceof String s ? List.of(s) : List.of();
        };
        ResourceForms.Submitted typed = ResourceForms.read(kind, one, all);
        long version = version(one.apply("version"));
        String action = one.apply(ROW_ACTION);
        Uni<ResourceRow> current = name == null ? Uni.createFrom().nullItem() : store.row(kind, name);
        if (action != null && ResourceForms.hasTargets(kind)) {
            ResourceForms.Submitted rows = new ResourceForms.Submitted(typed.values(),
                    ResourceForms.withRows(typed.rows(), action));
            return current.chain(row -> store.head().map(head -> render(200, kind, name, version,
                    row == null ? null : ResourcePages.shown(kind, row), rows,
                    new ResourceForms.Placed(Map.of(), List.of()), null, head.config())));
        }
        String author = caller.session().caller();
        return current.chain(row -> {
            JsonNode stored = row == null ? null : ResourcePages.shown(kind, row);
            String body = ResourceForms.body(kind, stored, typed).toString();
            String account = typed.value(ResourceForms.ACCOUNT);
            // deferred: the service refuses a malformed body by throwing, before any Uni
            Uni<ResourceService.Saved> saving = Uni.createFrom().deferred(() -> {
                if (kind == ResourceKind.MODELS) {
                    return name == null ? service.createModel(account, body, author)
                            : service.updateModel(accountOf(kind, name), name.substring(name.indexOf('/') + 1),
                                    Etags.of(version), body, author);
                }
                return name == null ? service.create(kind, body, author)
                        : service.update(kind, name, Etags.of(version), body, author);
            });
            return saving.chain(saved -> saved(kind, name, version, account, saved))
                    .onFailure(ApiProblem.class).recoverWithUni(e -> refused((ApiProblem) e, kind, name, version,
                            stored, typed));
        });
    }

    private Uni<Response> saved(ResourceKind<?> kind, String name, long version, String account,
                                ResourceService.Saved saved) {
        String savedName = name != null ? name : kind == ResourceKind.MODELS
                ? ResourceKind.modelName(account, saved.body().path("id").asText())
                : saved.body().path(kind.idField()).asText();
        return store.row(kind, savedName).chain(row -> store.head().map(head -> {
            JsonNode shown = ResourcePages.shown(kind, row);
            String what = name == null ? "created" : saved.version() == version ? "unchanged" : "saved";
            String title = switch (what) {
                case "created" -> "Created the " + kind.label() + " " + savedName + " as revision " + saved.version()
                        + ".";
                case "saved" -> "Saved as revision " + saved.version() + ".";
                default -> "Nothing changed: the " + kind.label() + " is as revision " + saved.version()
                        + " left it.";
            };
            Outcome outcome = new Outcome(what, title, null, saved.version(), saved.key(), false, null, List.of());
            Response r = render(name == null ? 201 : 200, kind, savedName, row.version, shown,
                    ResourceForms.of(kind, shown, accountOf(kind, savedName)),
                    new ResourceForms.Placed(Map.of(), List.of()), outcome, head.config());
            return name == null ? Response.fromResponse(r).header("HX-Push-Url", href(kind, savedName)).build() : r;
        }));
    }

    /**
     * The admin API's refusal, shown where it belongs: a 400's errors beside their fields; a version changed since the
     * form was opened (or the resource deleted meanwhile) as stale, with a way to reload; the rest above the form.
     */
    private Uni<Response> refused(ApiProblem e, ResourceKind<?> kind, String name, long version, JsonNode stored,
                                  ResourceForms.Submitted typed) {
        boolean maybeStale = name != null && (e.status() == 409 || e.status() == 404);
        Uni<ResourceRow> now = maybeStale ? store.row(kind, name) : Uni.createFrom().nullItem();
        return now.chain(row -> store.head().map(head -> {
            boolean stale = maybeStale && (row == null || row.version != version);
            List<ConfigError> errors = new ArrayList<>(e.errors());
            if (name == null && e.status() == 409) {
                // a name already taken is the name field's error
                errors.add(new ConfigError(kind == ResourceKind.MODELS ? "id" : kind.idField(), e.detail()));
            } else if (name == null && e.status() == 404 && kind == ResourceKind.MODELS) {
                errors.add(new ConfigError(ResourceForms.ACCOUNT, e.detail()));
            }
            ResourceForms.Placed placed = e.status() == 400 || name == null
                    ? ResourceForms.place(kind, errors) : new ResourceForms.Placed(Map.of(), errors);
            String title = stale ? "This " + kind.label() + " changed since you opened it" : e.title();
            String detail = !stale ? e.detail() : row == null ? "It was deleted meanwhile. Nothing was saved."
                    : "You edited version " + version + "; version " + row.version + " is current. Nothing was"
                    + " saved.";
            List<ResourcePages.ErrorView> elsewhere = stale ? List.of() : placed.elsewhere().stream()
                    .map(err -> new ResourcePages.ErrorView(err.path(), err.message(), 0)).toList();
            Outcome outcome = new Outcome("error", title, detail, 0, null, stale,
                    stale && row != null ? href(kind, name) : null, elsewhere);
            return render(e.status(), kind, name, version, stored, typed, placed, outcome, head.config());
        }));
    }

    // ---- the view

    private Response render(int status, ResourceKind<?> kind, String name, long version, JsonNode stored,
                            ResourceForms.Submitted values, ResourceForms.Placed placed, Outcome outcome,
                            SwitchboardConfig config) {
        boolean admin = caller.session().role().canChange();
        Map<String, List<FieldView>> groups = new LinkedHashMap<>();
        if (kind == ResourceKind.MODELS && name == null) {
            List<String> accounts = config.providerAccounts().stream().map(ProviderAccount::name).toList();
            groups.computeIfAbsent("Model", g -> new ArrayList<>()).add(view("f-account", ResourceForms.ACCOUNT,
                    "Provider account", "select", values.value(ResourceForms.ACCOUNT), accounts,
                    accounts.isEmpty() ? "Create a provider account first." : null, placed, false));
        }
        for (ResourceForms.Field f : ResourceForms.fields(kind)) {
            String hint = f.hint();
            if (f.input() == ResourceForms.Input.SECRET) {
                hint = (hint == null ? "" : hint + " ") + "Now: " + ResourceForms.secretState(stored, f.path())
                        + ". Write-only: leave empty to keep it, type a value to replace it.";
            }
            groups.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(view(f.id(), f.path(), f.label(),
                    f.input().name().toLowerCase(Locale.ROOT), values.value(f.path()), f.options(), hint, placed,
                    f.identity() && name != null));
        }
        List<RowView> rows = new ArrayList<>();
        for (int i = 0; i < values.rows().size(); i++) {
            ResourceForms.TargetRow r = values.rows().get(i);
            rows.add(new RowView(i, i + 1,
                    view("target-" + i, ResourceForms.TARGET, "Target " + (i + 1), "text", r.target(), List.of(),
                            null, placed, false),
                    view("weight-" + i, ResourceForms.WEIGHT, "Weight of target " + (i + 1), "integer", r.weight(),
                            List.of(), null, placed, false),
                    view("priority-" + i, ResourceForms.PRIORITY, "Priority of target " + (i + 1), "integer",
                            r.priority(), List.of(), null, placed, false)));
        }
        boolean targets = ResourceForms.hasTargets(kind);
        List<String> modelNames = !targets || !admin ? List.of() : ResourceKind.MODELS.entries(config).keySet()
                .stream().limit(MODEL_CHOICES).toList();
        String postTo = name == null ? ConsolePaths.RESOURCES + "/" + kind.path() + "/new" : href(kind, name) + "/form";
        String yamlHref = (name == null ? postTo : href(kind, name)) + "?editor=yaml";
        FormView form = new FormView(kind.path(), kind.label(), name, version, postTo, yamlHref,
                name == null ? null : href(kind, name) + "/delete",
                groups.entrySet().stream().map(g -> new Group(g.getKey(), g.getValue())).toList(), targets, rows,
                view(ResourceForms.TARGETS, ResourceForms.TARGETS, "Targets", "group", "", List.of(), null, placed,
                        false), modelNames);
        String html = page.data("session", caller.session()).data("active", ResourcePages.group(kind))
                .data("tabs", ResourcePages.tabs(kind)).data("form", form).data("outcome", outcome)
                .data("admin", admin).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }

    private static FieldView view(String id, String name, String label, String input, String value,
                                  List<String> options, String hint, ResourceForms.Placed placed, boolean readonly) {
        String key = id.startsWith("target-") || id.startsWith("weight-") || id.startsWith("priority-")
                || id.equals(ResourceForms.TARGETS) ? id : name;
        List<String> messages = placed.byField().get(key);
        String error = messages == null ? null : String.join("; ", messages);
        List<String> described = new ArrayList<>();
        if (error != null) {
            described.add(id + "-error");
        }
        if (hint != null) {
            described.add(id + "-hint");
        }
        List<Choice> choices = new ArrayList<>();
        if (!options.isEmpty() && !options.contains(value)) {
            choices.add(new Choice(value, true)); // nothing chosen yet (or a value the form does not list)
        }
        options.forEach(o -> choices.add(new Choice(o, o.equals(value))));
        return new FieldView(id, name, label, input, value == null ? "" : value, choices, hint, error, readonly,
                String.join(" ", described));
    }

    static String href(ResourceKind<?> kind, String name) {
        return ConsolePaths.RESOURCES + "/" + kind.path() + "/" + name;
    }

    private static String accountOf(ResourceKind<?> kind, String name) {
        return kind != ResourceKind.MODELS || name == null ? null : name.substring(0, Math.max(0, name.indexOf('/')));
    }

    private static long version(String text) {
        try {
            return text == null || text.isBlank() ? 0 : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1; // matches no version: the save is refused as stale
        }
    }
}
