package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.admin.Etags;
import dev.switchboard.controlplane.admin.ResourceService;
import dev.switchboard.controlplane.config.Change;
import dev.switchboard.controlplane.config.ConfigChanges;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.config.SecretFields;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.controlplane.store.RevisionRow;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.secret.Secret;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Config as code in the console: the whole config as YAML (secrets shown as {@code ***}, which keeps the stored
 * secret when applied), a dry run that lists what would change, apply, the revision log with who changed what, the
 * diff between any two revisions, and restore. Every change goes through {@link ResourceService}, as the admin API's
 * do, with the revision the editor was opened at as {@code If-Match}: a config changed since is refused, not merged.
 */
@Path(ConsolePaths.CONFIG)
public class ConfigPage {

    static final int REVISIONS_PAGE = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    @Inject
    ConsoleCaller caller;

    @Inject
    ResourceService service;

    @Inject
    ConfigStore store;

    @Inject
    @Location("console/config.html")
    Template page;

    @Inject
    @Location("console/config-result.html")
    Template result;

    @Inject
    @Location("console/config-revisions.html")
    Template revisionRows;

    @TemplateData
    public record Revision(long revision, String at, String author, String summary, int changes) {
        public long previous() {
            return revision - 1;
        }
    }

    @TemplateData
    public record FieldView(String path, String before, String after) {
    }

    @TemplateData
    public record ChangeView(String op, String kind, String name, List<FieldView> fields) {
    }

    @TemplateData
    public record ErrorView(String path, String message, int line) {
    }

    @GET
    public Uni<Response> editor() {
        ConsoleSession session = caller.session();
        // a config of 100,000 keys takes seconds to write as YAML: off the event loop, once the reads are done
        return store.head().chain(head -> store.revisions(null, REVISIONS_PAGE + 1)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(rows -> html(200, page.data("session", session).data("active", "config")
                        .data("yaml", maskedYaml(head.config())).data("base", head.revision())
                        .data("revisions", revisions(rows)).data("nextBefore", nextBefore(rows)))));
    }

    @POST
    @Path("dry-run")
    public Uni<Response> dryRun(@FormParam("yaml") String yaml, @FormParam("base") long base) {
        return change(yaml, base, true);
    }

    @POST
    @Path("apply")
    public Uni<Response> apply(@FormParam("yaml") String yaml, @FormParam("base") long base) {
        return change(yaml, base, false);
    }

    private Uni<Response> change(String yaml, long base, boolean dryRun) {
        String author = caller.session().caller();
        return Uni.createFrom().deferred(() -> service.replaceConfig(yaml, Etags.of(base), dryRun, author,
                        "console: apply config"))
                .chain(done -> {
                    TemplateInstance view = result.data("outcome", dryRun ? "dry-run" : "applied")
                            .data("applied", done.applied()).data("revision", done.revision())
                            .data("base", done.baseRevision()).data("changes", changes(done.changes()))
                            .data("yaml", null);
                    if (dryRun || !done.applied()) {
                        return Uni.createFrom().item(html(200, view));
                    }
                    return Uni.createFrom().item(committed(html(200, view.data("newBase", done.revision()))));
                })
                .onFailure(ApiProblem.class).recoverWithUni(e -> problem((ApiProblem) e, yaml, base));
    }

    @GET
    @Path("revisions")
    public Uni<Response> revisions(@QueryParam("before") Long before) {
        return store.revisions(before, REVISIONS_PAGE + 1).map(rows -> html(200,
                revisionRows.data("revisions", revisions(rows)).data("nextBefore", nextBefore(rows))
                        .data("admin", caller.session().role().canChange())));
    }

    @GET
    @Path("diff")
    public Uni<Response> diff(@QueryParam("from") Long from, @QueryParam("to") Long to) {
        if (from == null || to == null || from < 0 || to < 0) {
            return Uni.createFrom().item(html(400, result.data("outcome", "error").data("title", "Choose two revisions")
                    .data("detail", "Give both revision numbers (0 is the empty config before the first).")
                    .data("errors", List.of()).data("stale", false)));
        }
        return revision(from).chain(a -> revision(to).map(b -> {
            if (a == null || b == null) {
                return html(404, result.data("outcome", "error").data("title", "No such revision")
                        .data("detail", "there is no revision " + (a == null ? from : to))
                        .data("errors", List.of()).data("stale", false));
            }
            return html(200, result.data("outcome", "diff").data("from", from).data("to", to)
                    .data("changes", changes(ConfigChanges.between(a.config(), b.config(), true))));
        }));
    }

    @POST
    @Path("revisions/{n}/restore")
    public Uni<Response> restore(@PathParam("n") long n, @FormParam("base") long base) {
        String author = caller.session().caller();
        return Uni.createFrom().deferred(() -> service.restore(n, Etags.of(base), author))
                .chain(done -> store.head().emitOn(Infrastructure.getDefaultWorkerPool())
                        .map(head -> committed(html(200, result.data("outcome", "restored")
                        .data("restored", n).data("applied", done.applied()).data("revision", done.revision())
                        .data("changes", changes(done.changes())).data("newBase", done.revision())
                        .data("yaml", maskedYaml(head.config()))))))
                .onFailure(ApiProblem.class).recoverWithUni(e -> problem((ApiProblem) e, null, base));
    }

    /** An admin-API problem beside what it names: each error with its YAML line; a stale base with a way to reload. */
    private Uni<Response> problem(ApiProblem e, String yaml, long base) {
        return store.head().map(head -> {
            YamlLines lines = YamlLines.of(yaml);
            List<ErrorView> errors = e.errors().stream()
                    .map(err -> new ErrorView(err.path(), err.message(), yaml == null ? 0 : lines.lineOf(err.path())))
                    .toList();
            boolean stale = e.status() == 409 && head.revision() != base;
            return html(e.status(), result.data("outcome", "error").data("title", stale
                            ? "The config changed since you opened it" : e.title())
                    .data("detail", stale ? "You edited revision " + base + "; revision " + head.revision()
                            + " is current. Nothing was saved." : e.detail())
                    .data("errors", errors).data("stale", stale));
        });
    }

    private Uni<Head> revision(long n) {
        return n == 0 ? Uni.createFrom().item(Head.EMPTY) : store.revision(n);
    }

    /** The YAML with every sealed secret as {@code ***}: shown to nobody, and applying it keeps the stored secret. */
    static String maskedYaml(SwitchboardConfig config) {
        SwitchboardConfig masked = SecretFields.apply(config, config, (path, given, stored) ->
                given.source() == Secret.Source.SEALED ? Secret.sealed(ConfigJson.MASK) : given);
        return ConfigCodec.writeYaml(masked, null);
    }

    static List<ChangeView> changes(List<Change> changes) {
        return changes.stream().map(c -> new ChangeView(c.op().name().toLowerCase(Locale.ROOT), c.kind(), c.name(),
                c.fields().stream().map(f -> new FieldView(f.path(), text(f.before()), text(f.after()))).toList()))
                .toList();
    }

    private static String text(JsonNode value) {
        return value == null ? null : value.isTextual() ? value.asText() : value.toString();
    }

    private static List<Revision> revisions(List<RevisionRow> rows) {
        return rows.stream().limit(REVISIONS_PAGE).map(r -> new Revision(r.revision, TIME.format(r.createdAt),
                r.author, r.summary, r.changeCount)).toList();
    }

    private static Long nextBefore(List<RevisionRow> rows) {
        return rows.size() > REVISIONS_PAGE ? rows.get(REVISIONS_PAGE - 1).revision : null;
    }

    /** Tells the page a revision was committed: its revision list reloads. */
    private static Response committed(Response response) {
        return Response.fromResponse(response).header("HX-Trigger", "config-committed").build();
    }

    private static Response html(int status, TemplateInstance view) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(view.render())
                .build();
    }
}
