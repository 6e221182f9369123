package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.admin.Etags;
import dev.switchboard.controlplane.admin.ResourceService;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.config.ResourceKind;
import dev.switchboard.controlplane.limits.UsageEndpoint;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.ResourceRow;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * The Providers and models and the Access pages: every resource kind of those two groups listed by name (paged and
 * searched in PostgreSQL, a page at a time) and edited one resource at a time: in a form where the kind has one
 * ({@link ResourceFormPage}; {@code ?editor=yaml} opens the YAML editor instead), as YAML otherwise. Every change
 * goes through {@link ResourceService} as the admin API's do, with the version the editor was opened at as
 * {@code If-Match}: an object changed since is refused, not merged; a change that fails validation writes nothing.
 */
@Path(ConsolePaths.RESOURCES)
public class ResourcePages {

    static final int PAGE = 50;
    private static final String YAML_EDITOR = "editor=yaml";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** The kinds of each page, in tab order; the nav names each page by its first kind. */
    static final Map<String, List<ResourceKind<?>>> GROUPS = Map.of(
            "providers", List.of(ResourceKind.PROVIDER_ACCOUNTS, ResourceKind.MODELS, ResourceKind.VIRTUAL_MODELS),
            "access", List.of(ResourceKind.USERS, ResourceKind.TEAMS, ResourceKind.SERVICE_ACCOUNTS,
                    ResourceKind.API_KEYS, ResourceKind.ACCESS_RULES, ResourceKind.RATE_LIMITS, ResourceKind.BUDGETS));

    /** What a new resource of each kind starts from. */
    private static final Map<ResourceKind<?>, String> STARTERS = Map.of(
            ResourceKind.PROVIDER_ACCOUNTS, """
                    name:
                    type: openai
                    auth:
                      type: api-key
                      api_key:
                    """,
            ResourceKind.MODELS, """
                    id:
                    price:
                      input_per_million_usd: 0
                      output_per_million_usd: 0
                    """,
            ResourceKind.VIRTUAL_MODELS, """
                    name:
                    routing_config:
                      type: weight-based-routing
                      load_balance_targets:
                        - target:
                          weight: 1
                    """,
            ResourceKind.USERS, "name:\nemail:\n",
            ResourceKind.TEAMS, "name:\nmembers: []\n",
            ResourceKind.SERVICE_ACCOUNTS, "name:\ndescription:\n",
            ResourceKind.API_KEYS, "name:\nsubject: user:\n",
            ResourceKind.ACCESS_RULES, "name:\nsubjects: []\nmodels: []\n",
            ResourceKind.RATE_LIMITS, "name:\nsubjects: []\nrequests: 60\nper: minute\n",
            ResourceKind.BUDGETS, "name:\nsubjects: []\nlimit_usd: 100\nper: month\n");

    @Inject
    ConsoleCaller caller;

    @Inject
    ResourceService service;

    @Inject
    ConfigStore store;

    @Inject
    UsageEndpoint usage;

    @Inject
    ResourceFormPage forms;

    @Inject
    @Location("console/resources.html")
    Template listPage;

    @Inject
    @Location("console/resource.html")
    Template editorPage;

    @Inject
    @Location("console/resource-result.html")
    Template result;

    @TemplateData
    public record Tab(String path, String label, boolean active) {
    }

    @TemplateData
    public record Item(String name, String href, String details, String usage, long version, String updated,
                       String by) {
    }

    /** The editor's state: the kind, the resource's name (null: a new one), its YAML and version. */
    @TemplateData
    public record Editing(String kind, String label, String name, String yaml, long version, boolean routed,
                          String postTo) {
        public boolean isNew() {
            return name == null;
        }

        /** The YAML editor's own URL (a kind with a form opens in the form without {@code ?editor=yaml}). */
        public String href() {
            return formHref() + (hasForm() ? "?" + YAML_EDITOR : "");
        }

        public String formHref() {
            return ConsolePaths.RESOURCES + "/" + kind + (name == null ? "/new" : "/" + name);
        }

        public boolean hasForm() {
            return ResourceForms.hasForm(ResourcePages.kind(kind));
        }
    }

    @TemplateData
    public record ErrorView(String path, String message, int line) {
    }

    // ---- lists

    @GET
    @Path("{kind}")
    public Uni<Response> list(@PathParam("kind") String kindPath, @QueryParam("q") String q,
                              @QueryParam("after") String after) {
        ResourceKind<?> kind = kind(kindPath);
        String search = q == null ? "" : q.strip();
        Uni<List<ResourceRow>> rows = search.isEmpty() ? store.rows(kind, after, PAGE + 1)
                : store.search(kind, search, after, PAGE + 1);
        return rows.chain(found -> items(kind, found.subList(0, Math.min(PAGE, found.size())))
                .map(items -> {
                    String next = found.size() > PAGE ? found.get(PAGE - 1).name : null;
                    return html(200, listPage.data("session", caller.session()).data("active", group(kind))
                            .data("tabs", tabs(kind)).data("kind", kind.path()).data("label", kind.label())
                            .data("items", items).data("q", search).data("after", after)
                            .data("nextHref", next == null ? null : listHref(kind, search, next))
                            .data("firstHref", after == null ? null : listHref(kind, search, null))
                            .data("usage", kind == ResourceKind.BUDGETS || kind == ResourceKind.RATE_LIMITS));
                }));
    }

    // ---- one resource

    @GET
    @Path("{kind}/new")
    public Uni<Response> fresh(@PathParam("kind") String kindPath, @QueryParam("editor") String editor) {
        ResourceKind<?> kind = kind(kindPath);
        if (ResourceForms.hasForm(kind) && !"yaml".equals(editor)) {
            return forms.fresh(kind);
        }
        return Uni.createFrom().item(html(200, editor(kind, new Editing(kind.path(), kind.label(), null,
                STARTERS.get(kind), 0, kind == ResourceKind.VIRTUAL_MODELS,
                ConsolePaths.RESOURCES + "/" + kind.path()))));
    }

    @GET
    @Path("{kind}/{name: .+}")
    public Uni<Response> open(@PathParam("kind") String kindPath, @PathParam("name") String name,
                              @QueryParam("editor") String editor) {
        ResourceKind<?> kind = kind(kindPath);
        boolean form = ResourceForms.hasForm(kind) && !"yaml".equals(editor);
        return store.row(kind, name).chain(row -> row == null
                // gone (deleted meanwhile, or a mistyped link): the list searched for it says so
                ? Uni.createFrom().item(Response.seeOther(URI.create(listHref(kind, name, null))).build())
                : form ? forms.open(kind, row) : Uni.createFrom().item(html(200, editor(kind, editing(kind, row)))));
    }

    /** The form of a new resource, posted (a save, or a target row added or removed). */
    @POST
    @Path("{kind}/new")
    @WithFormRead
    public Uni<Response> createFromForm(@PathParam("kind") String kindPath, ServerRequestContext request) {
        return forms.submit(formKind(kindPath), null, request);
    }

    /** The form of a stored resource, posted. */
    @POST
    @Path("{kind}/{name: .+}/form")
    @WithFormRead
    public Uni<Response> saveFromForm(@PathParam("kind") String kindPath, @PathParam("name") String name,
                                      ServerRequestContext request) {
        return forms.submit(formKind(kindPath), name, request);
    }

    @POST
    @Path("{kind}")
    public Uni<Response> create(@PathParam("kind") String kindPath, @FormParam("yaml") String yaml,
                                @FormParam("account") String account) {
        ResourceKind<?> kind = kind(kindPath);
        String author = caller.session().caller();
        return Uni.createFrom().deferred(() -> {
                    String body = ResourceYaml.read(yaml);
                    return kind == ResourceKind.MODELS ? service.createModel(account == null ? "" : account.strip(),
                            body, author) : service.create(kind, body, author);
                })
                .chain(saved -> {
                    String name = kind == ResourceKind.MODELS
                            ? ResourceKind.modelName(account.strip(), saved.body().path("id").asText())
                            : saved.body().path(kind.idField()).asText();
                    return store.row(kind, name).map(row -> {
                        Editing now = editing(kind, row);
                        return Response.fromResponse(html(201, result.data("outcome", "created")
                                        .data("revision", saved.version()).data("key", saved.key())
                                        .data("label", kind.label()).data("name", name).data("editing", now)
                                        .data("admin", true).data("models", kind == ResourceKind.MODELS)))
                                .header("HX-Push-Url", now.href()).build();
                    });
                })
                .onFailure(ApiProblem.class).recoverWithUni(e -> problem((ApiProblem) e, kind, null, yaml, 0));
    }

    @POST
    @Path("{kind}/{name: .+}/save")
    public Uni<Response> save(@PathParam("kind") String kindPath, @PathParam("name") String name,
                              @FormParam("yaml") String yaml, @FormParam("version") long version) {
        ResourceKind<?> kind = kind(kindPath);
        String author = caller.session().caller();
        return Uni.createFrom().deferred(() -> {
                    String body = ResourceYaml.read(yaml);
                    if (kind == ResourceKind.MODELS) {
                        return service.updateModel(account(name), modelId(name), Etags.of(version), body, author);
                    }
                    return service.update(kind, name, Etags.of(version), body, author);
                })
                .chain(saved -> store.row(kind, name).map(row -> html(200, result.data("outcome",
                                saved.version() == version ? "unchanged" : "saved")
                        .data("revision", saved.version()).data("label", kind.label()).data("name", name)
                        .data("key", null).data("editing", editing(kind, row)).data("admin", true)
                        .data("models", kind == ResourceKind.MODELS))))
                .onFailure(ApiProblem.class).recoverWithUni(e -> problem((ApiProblem) e, kind, name, yaml, version));
    }

    @POST
    @Path("{kind}/{name: .+}/delete")
    public Uni<Response> delete(@PathParam("kind") String kindPath, @PathParam("name") String name,
                                @FormParam("version") long version, @HeaderParam("HX-Request") String htmx) {
        ResourceKind<?> kind = kind(kindPath);
        String author = caller.session().caller();
        return Uni.createFrom().deferred(() -> {
                    if (kind == ResourceKind.MODELS) {
                        return service.deleteModel(account(name), modelId(name), Etags.of(version), author);
                    }
                    return service.delete(kind, name, Etags.of(version), author);
                })
                // htmx follows HX-Redirect; a form posted without script is sent to the list itself
                .map(done -> htmx != null ? Response.noContent().header("HX-Redirect", ConsolePaths.RESOURCES + "/"
                        + kind.path()).build() : Response.seeOther(URI.create(ConsolePaths.RESOURCES + "/"
                        + kind.path())).build())
                .onFailure(ApiProblem.class).recoverWithUni(e -> problem((ApiProblem) e, kind, name, null, version));
    }

    /**
     * An admin-API problem beside what it names: each error with its line in the edited YAML (paths inside the
     * resource; a 422's paths are in other resources and have none); a stale version with a way to reload.
     */
    private Uni<Response> problem(ApiProblem e, ResourceKind<?> kind, String name, String yaml, long version) {
        Uni<ResourceRow> current = name == null || e.status() != 409 ? Uni.createFrom().nullItem()
                : store.row(kind, name);
        return current.map(row -> {
            boolean stale = name != null && e.status() == 409 && (row == null || row.version != version);
            YamlLines lines = YamlLines.of(yaml);
            List<ErrorView> errors = e.errors().stream().map(err -> new ErrorView(err.path(), err.message(),
                    yaml == null || e.status() == 422 ? 0 : lines.lineOf(err.path()))).toList();
            String title = stale ? "This " + kind.label() + " changed since you opened it" : e.title();
            String detail = !stale ? e.detail() : row == null ? "It was deleted meanwhile. Nothing was saved."
                    : "You edited version " + version + "; version " + row.version + " is current. Nothing was saved.";
            return html(e.status(), result.data("outcome", "error").data("title", title).data("detail", detail)
                    .data("label", kind.label())
                    .data("errors", errors).data("stale", stale)
                    .data("reload", name == null ? null : ConsolePaths.RESOURCES + "/" + kind.path() + "/" + name
                            + (ResourceForms.hasForm(kind) ? "?" + YAML_EDITOR : "")));
        });
    }

    // ---- helpers

    private TemplateInstance editor(ResourceKind<?> kind, Editing editing) {
        return editorPage.data("session", caller.session()).data("active", group(kind)).data("tabs", tabs(kind))
                .data("editing", editing).data("models", kind == ResourceKind.MODELS);
    }

    static Editing editing(ResourceKind<?> kind, ResourceRow row) {
        JsonNode shown = shown(kind, row);
        String postTo = ConsolePaths.RESOURCES + "/" + kind.path() + "/" + row.name;
        return new Editing(kind.path(), kind.label(), row.name, ResourceYaml.write(shown), row.version,
                kind == ResourceKind.VIRTUAL_MODELS, postTo);
    }

    /** A row as the console shows it: secrets masked; an API key without its hash (the name is how it is known). */
    static JsonNode shown(ResourceKind<?> kind, ResourceRow row) {
        try {
            JsonNode node = ConfigJson.masked(ConfigJson.mapper().readTree(row.body));
            if (kind == ResourceKind.API_KEYS) {
                ((ObjectNode) node).remove("key_hash");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON of " + row.name + " is unreadable", e);
        }
    }

    private Uni<List<Item>> items(ResourceKind<?> kind, List<ResourceRow> rows) {
        if (kind != ResourceKind.BUDGETS && kind != ResourceKind.RATE_LIMITS) {
            return Uni.createFrom().item(rows.stream().map(r -> item(kind, r, null)).toList());
        }
        // the current usage of the rows on this page only, one at a time: a page holds at most PAGE of them
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(r -> usageOf(kind, r.name).map(u -> item(kind, r, u)))
                .collect().asList();
    }

    private Uni<String> usageOf(ResourceKind<?> kind, String name) {
        Uni<Response> answer = kind == ResourceKind.BUDGETS ? usage.budgetUsage(name)
                : usage.rateLimitUsage(name, "1");
        return answer.map(r -> ResourceSummaries.usage(kind == ResourceKind.BUDGETS, read((String) r.getEntity())))
                .onFailure().recoverWithItem(e -> "usage unavailable: " + e.getMessage());
    }

    private static JsonNode read(String json) {
        try {
            return ConfigJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Item item(ResourceKind<?> kind, ResourceRow row, String usage) {
        return new Item(row.name, ConsolePaths.RESOURCES + "/" + kind.path() + "/" + row.name,
                ResourceSummaries.details(kind, shown(kind, row)), usage, row.version, TIME.format(row.updatedAt), row.updatedBy);
    }

    /** A model's account, from its name {@code <account>/<model-id>} (an account name has no slash; an id may). */
    private static String account(String modelName) {
        return modelName.substring(0, Math.max(0, modelName.indexOf('/')));
    }

    private static String modelId(String modelName) {
        return modelName.substring(modelName.indexOf('/') + 1);
    }

    private static String listHref(ResourceKind<?> kind, String q, String after) {
        StringBuilder href = new StringBuilder(ConsolePaths.RESOURCES + "/" + kind.path());
        String sep = "?";
        if (!q.isEmpty()) {
            href.append(sep).append("q=").append(URLEncoder.encode(q, StandardCharsets.UTF_8));
            sep = "&";
        }
        if (after != null) {
            href.append(sep).append("after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        return href.toString();
    }

    static String group(ResourceKind<?> kind) {
        return GROUPS.entrySet().stream().filter(g -> g.getValue().contains(kind)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    static List<Tab> tabs(ResourceKind<?> kind) {
        return GROUPS.get(group(kind)).stream().map(k -> new Tab(k.path(), plural(k), k == kind)).toList();
    }

    private static String plural(ResourceKind<?> kind) {
        String label = kind.label();
        return Character.toUpperCase(label.charAt(0)) + label.substring(1) + "s";
    }

    private static ResourceKind<?> formKind(String path) {
        ResourceKind<?> kind = kind(path);
        if (!ResourceForms.hasForm(kind)) {
            throw new jakarta.ws.rs.NotFoundException("the " + kind.label() + " has no form; it is edited as YAML");
        }
        return kind;
    }

    /** A kind of these two pages by its URL segment; any other is not found. */
    static ResourceKind<?> kind(String path) {
        return GROUPS.values().stream().flatMap(List::stream).filter(k -> k.path().equals(path)).findFirst()
                .orElseThrow(() -> new jakarta.ws.rs.NotFoundException("no console page for '" + path + "'; the"
                        + " kinds are " + GROUPS.values().stream().flatMap(List::stream).map(ResourceKind::path)
                        .collect(Collectors.joining(", "))));
    }

    private static Response html(int status, TemplateInstance view) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(view.render())
                .build();
    }
}
