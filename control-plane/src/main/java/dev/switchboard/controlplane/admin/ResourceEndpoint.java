package dev.switchboard.controlplane.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.auth.AdminCaller;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.config.ResourceKind;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.ResourceRow;
import dev.switchboard.controlplane.store.Rows;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * CRUD and list for every resource kind, at {@code /admin/v1/<kind>} and {@code /admin/v1/<kind>/<name>}; models at
 * {@code /admin/v1/provider-accounts/<account>/models/<model-id>} (a model id may contain {@code /}). Bodies are the
 * common-model JSON of one resource.
 */
@Path("/admin/v1")
@Tag(name = "resources", description = "Create, read, update, delete and list config resources")
@SecurityRequirement(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class ResourceEndpoint {

    private static final String KINDS = "provider-accounts, virtual-models, identity-providers, users, teams,"
            + " service-accounts, api-keys, access-rules, rate-limits, budgets, mcp-servers, virtual-mcp-servers,"
            + " tool-policies, guardrails";
    private static final int MAX_LIMIT = 1000;

    @Inject
    ResourceService service;

    @Inject
    ConfigStore store;

    @Inject
    AdminCaller caller;

    @GET
    @Path("{kind}")
    @Operation(summary = "List the resources of a kind, by name", description = "Pages with `limit` (at most 1000)"
            + " and `after` (the `next_after` of the previous page).")
    public Uni<Response> list(@PathParam("kind") @Parameter(schema = @Schema(type = SchemaType.STRING,
                                      enumeration = {"provider-accounts", "virtual-models", "identity-providers",
                                          "users", "teams", "service-accounts", "api-keys", "access-rules",
                                          "rate-limits", "budgets", "mcp-servers", "virtual-mcp-servers",
                                          "tool-policies", "guardrails"})) String kind,
                              @QueryParam("limit") @DefaultValue("100") int limit,
                              @QueryParam("after") String after) {
        ResourceKind<?> k = kind(kind);
        int n = limit(limit);
        return store.rows(k, after, n + 1).map(rows -> page(rows, n));
    }

    @POST
    @Path("{kind}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create a resource", description = "201 with the resource and its ETag; 409 when the name"
            + " is taken; 400 with every error. An API key created without `key_hash` gets a new key, returned"
            + " once as `key`.")
    public Uni<Response> create(@PathParam("kind") String kind, String body) {
        ResourceKind<?> k = kind(kind);
        return service.create(k, body, caller.name()).map(saved -> created(
                "/admin/v1/" + k.path() + "/" + saved.body().path(k.idField()).asText(), saved));
    }

    @GET
    @Path("{kind}/{name}")
    @Operation(summary = "Read a resource", description = "With its ETag; secrets show as {\"sealed\": \"***\"}.")
    public Uni<Response> get(@PathParam("kind") String kind, @PathParam("name") String name) {
        ResourceKind<?> k = kind(kind);
        return store.row(k, name).map(row -> {
            if (row == null) {
                throw ResourceService.notFound(k, name);
            }
            return Responses.json(200, shown(row)).tag(etagValue(row.version)).build();
        });
    }

    @PUT
    @Path("{kind}/{name}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Replace a resource", description = "`If-Match` with the ETag makes it conditional (409 when"
            + " stale). A sealed secret sent back as {\"sealed\": \"***\"} keeps the stored one. A provider account"
            + " without `models` keeps its models; an API key without `key_hash` keeps its key.")
    public Uni<Response> update(@PathParam("kind") String kind, @PathParam("name") String name,
                                @HeaderParam("If-Match") String ifMatch, String body) {
        ResourceKind<?> k = kind(kind);
        return service.update(k, name, ifMatch, body, caller.name()).map(saved -> saved(200, saved));
    }

    @DELETE
    @Path("{kind}/{name}")
    @Operation(summary = "Delete a resource", description = "422 when other resources still refer to it.")
    public Uni<Response> delete(@PathParam("kind") String kind, @PathParam("name") String name,
                                @HeaderParam("If-Match") String ifMatch) {
        ResourceKind<?> k = kind(kind);
        return service.delete(k, name, ifMatch, caller.name())
                .map(done -> Response.noContent().header(Responses.REVISION_HEADER, done.revision()).build());
    }

    // ---- models of a provider account

    @GET
    @Path("provider-accounts/{account}/models")
    @Operation(summary = "List the models of a provider account")
    public Uni<Response> listModels(@PathParam("account") String account,
                                    @QueryParam("limit") @DefaultValue("100") int limit,
                                    @QueryParam("after") String after) {
        int n = limit(limit);
        return store.row(ResourceKind.PROVIDER_ACCOUNTS, account).chain(owner -> {
            if (owner == null) {
                throw ResourceService.notFound(ResourceKind.PROVIDER_ACCOUNTS, account);
            }
            return store.models(account, after == null ? null : ResourceKind.modelName(account, after), n + 1)
                    .map(rows -> page(rows.stream().map(r -> (ResourceRow) r).toList(), n));
        });
    }

    @POST
    @Path("provider-accounts/{account}/models")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Add a model to a provider account")
    public Uni<Response> createModel(@PathParam("account") String account, String body) {
        return service.createModel(account, body, caller.name()).map(saved -> created(
                "/admin/v1/provider-accounts/" + account + "/models/" + saved.body().path("id").asText(), saved));
    }

    @GET
    @Path("provider-accounts/{account}/models/{id: .+}")
    @Operation(summary = "Read a model")
    public Uni<Response> getModel(@PathParam("account") String account, @PathParam("id") String id) {
        String name = ResourceKind.modelName(account, id);
        return store.row(ResourceKind.MODELS, name).map(row -> {
            if (row == null) {
                throw ResourceService.notFound(ResourceKind.MODELS, name);
            }
            return Responses.json(200, shown(row)).tag(etagValue(row.version)).build();
        });
    }

    @PUT
    @Path("provider-accounts/{account}/models/{id: .+}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Replace a model")
    public Uni<Response> updateModel(@PathParam("account") String account, @PathParam("id") String id,
                                     @HeaderParam("If-Match") String ifMatch, String body) {
        return service.updateModel(account, id, ifMatch, body, caller.name()).map(saved -> saved(200, saved));
    }

    @DELETE
    @Path("provider-accounts/{account}/models/{id: .+}")
    @Operation(summary = "Delete a model", description = "422 when a virtual model or a rule still names it.")
    public Uni<Response> deleteModel(@PathParam("account") String account, @PathParam("id") String id,
                                     @HeaderParam("If-Match") String ifMatch) {
        return service.deleteModel(account, id, ifMatch, caller.name())
                .map(done -> Response.noContent().header(Responses.REVISION_HEADER, done.revision()).build());
    }

    // ---- helpers

    private static ResourceKind<?> kind(String path) {
        return ResourceKind.byPath(path).orElseThrow(() -> ApiProblem.notFound(
                "no resource kind '" + path + "'; the kinds are " + KINDS));
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiProblem.invalid(List.of(new dev.switchboard.model.validation.ConfigError("limit",
                    "must be between 1 and " + MAX_LIMIT)));
        }
        return limit;
    }

    private static Response page(List<ResourceRow> rows, int limit) {
        ObjectNode body = ConfigJson.mapper().createObjectNode();
        ArrayNode items = body.putArray("items");
        rows.stream().limit(limit).forEach(row -> items.add(shown(row)));
        if (rows.size() > limit) {
            String last = rows.get(limit - 1).name;
            body.put("next_after", last.contains("/") && rows.get(0) instanceof Rows.ModelRow
                    ? last.substring(last.indexOf('/') + 1) : last);
        }
        return Responses.json(200, body).build();
    }

    private static JsonNode shown(ResourceRow row) {
        try {
            return ConfigJson.masked(ConfigJson.mapper().readTree(row.body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON of " + row.name + " is unreadable", e);
        }
    }

    private static Response created(String location, ResourceService.Saved saved) {
        JsonNode body = saved.body();
        if (saved.key() != null) {
            // The clear key, this once; only its hash is stored.
            ObjectNode withKey = ((ObjectNode) body.deepCopy());
            withKey.put("key", saved.key());
            body = withKey;
        }
        return Responses.json(201, body).location(URI.create(location)).tag(etagValue(saved.version()))
                .header(Responses.REVISION_HEADER, saved.version()).build();
    }

    private static Response saved(int status, ResourceService.Saved saved) {
        return Responses.json(status, saved.body()).tag(etagValue(saved.version())).build();
    }

    private static jakarta.ws.rs.core.EntityTag etagValue(long version) {
        return new jakarta.ws.rs.core.EntityTag(Long.toString(version));
    }
}
