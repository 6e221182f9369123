package dev.switchboard.controlplane.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.auth.AdminCaller;
import dev.switchboard.controlplane.config.ConfigChanges;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.controlplane.store.RevisionRow;
import dev.switchboard.model.validation.ConfigError;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The revision log: every committed change, who made it, what it changed; any revision can be restored. */
@Path("/admin/v1/revisions")
@Tag(name = "revisions", description = "The revision log, diffs and restore")
@SecurityRequirement(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class RevisionsEndpoint {

    @Inject
    ResourceService service;

    @Inject
    ConfigStore store;

    @Inject
    AdminCaller caller;

    @GET
    @Operation(summary = "List revisions, newest first", description = "Pages with `limit` (at most 1000) and"
            + " `before` (the `next_before` of the previous page).")
    public Uni<Response> list(@QueryParam("limit") @DefaultValue("50") int limit,
                              @QueryParam("before") Long before) {
        if (limit < 1 || limit > 1000) {
            throw ApiProblem.invalid(List.of(new ConfigError("limit", "must be between 1 and 1000")));
        }
        return store.head().chain(head -> store.revisions(before, limit + 1).map(rows -> {
            ObjectNode body = ConfigJson.mapper().createObjectNode();
            body.put("head", head.revision());
            ArrayNode items = body.putArray("items");
            rows.stream().limit(limit).forEach(r -> items.add(entry(r)));
            if (rows.size() > limit) {
                body.put("next_before", rows.get(limit - 1).revision);
            }
            return Responses.json(200, body).build();
        }));
    }

    @GET
    @Path("{n}")
    @Operation(summary = "One revision: who, when, and which resources it created, updated or deleted")
    public Uni<Response> get(@PathParam("n") long n) {
        return store.revisionEntry(n).map(row -> {
            if (row == null) {
                throw ApiProblem.notFound("there is no revision " + n);
            }
            ObjectNode body = entry(row);
            try {
                body.set("changes", ConfigJson.mapper().readTree(row.changes));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored changes of revision " + n + " are unreadable", e);
            }
            return Responses.json(200, body).build();
        });
    }

    @GET
    @Path("{n}/diff")
    @Operation(summary = "What revision n changed against n-1, field by field (secrets as fingerprints)")
    public Uni<Response> diff(@PathParam("n") long n) {
        return store.revision(n).chain(after -> {
            if (after == null || n < 1) {
                return Uni.createFrom().failure(ApiProblem.notFound("there is no revision " + n));
            }
            return store.revision(n - 1).map(before -> {
                ObjectNode body = ConfigJson.mapper().createObjectNode();
                body.put("revision", n);
                body.put("base_revision", n - 1);
                body.set("changes", ConfigJson.mapper().valueToTree(
                        ConfigChanges.between((before == null ? Head.EMPTY : before).config(), after.config(), true)));
                return Responses.json(200, body).build();
            });
        });
    }

    @GET
    @Path("{n}/config")
    @Produces({ConfigEndpoint.YAML, MediaType.APPLICATION_JSON})
    @Operation(summary = "The whole config as it was at revision n (YAML, or JSON with `format=json`)")
    public Uni<Response> config(@PathParam("n") long n, @QueryParam("format") @DefaultValue("yaml") String format) {
        return store.revision(n).map(head -> {
            if (head == null) {
                throw ApiProblem.notFound("there is no revision " + n);
            }
            return ConfigEndpoint.write(head, format);
        });
    }

    @POST
    @Path("{n}/restore")
    @Operation(summary = "Make revision n's config current again, as a new revision", description = "`If-Match`"
            + " with the current revision's ETag refuses (409) when the config changed since.")
    public Uni<Response> restore(@PathParam("n") long n, @HeaderParam("If-Match") String ifMatch) {
        return service.restore(n, ifMatch, caller.name()).map(done -> Responses.committed(done, false));
    }

    private static ObjectNode entry(RevisionRow r) {
        ObjectNode node = ConfigJson.mapper().createObjectNode();
        node.put("revision", r.revision);
        node.put("created_at", r.createdAt.toString());
        node.put("author", r.author);
        node.put("summary", r.summary);
        node.put("change_count", r.changeCount);
        return node;
    }
}
