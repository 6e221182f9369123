package dev.switchboard.controlplane.admin;

import dev.switchboard.controlplane.auth.AdminCaller;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.model.codec.ConfigCodec;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Config as code: the whole config exported as the standalone YAML, and imported (validated, diffed, applied). */
@Path("/admin/v1/config")
@Tag(name = "config", description = "Export and import the whole config")
@SecurityRequirement(name = "admin")
public class ConfigEndpoint {

    static final String YAML = "application/yaml";

    @Inject
    ResourceService service;

    @Inject
    ConfigStore store;

    @Inject
    AdminCaller caller;

    @GET
    @Operation(summary = "Export the whole config", description = "The standalone YAML (or JSON with"
            + " `format=json`), secrets sealed; the ETag is the revision.")
    public Uni<Response> export(@QueryParam("format") @DefaultValue("yaml") String format) {
        return store.head().map(head -> write(head, format));
    }

    static Response write(Head head, String format) {
        boolean json = "json".equalsIgnoreCase(format);
        if (!json && !"yaml".equalsIgnoreCase(format)) {
            throw ApiProblem.invalid(java.util.List.of(new dev.switchboard.model.validation.ConfigError("format",
                    "must be yaml or json")));
        }
        String text = json ? ConfigCodec.writeJson(head.config(), null) : ConfigCodec.writeYaml(head.config(), null);
        return Response.ok(text, json ? MediaType.APPLICATION_JSON : YAML)
                .header("ETag", Etags.of(head.revision()))
                .header(Responses.REVISION_HEADER, head.revision())
                .build();
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Replace the whole config", description = "YAML or JSON. With `dryRun=true` it is validated"
            + " and diffed against the current config, nothing applied. Otherwise applied atomically as one revision."
            + " `If-Match` with the export's ETag refuses (409) when the config changed since.")
    public Uni<Response> replace(@QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
                                 @HeaderParam("If-Match") String ifMatch, String body) {
        return service.replaceConfig(body, ifMatch, dryRun, caller.name(), "import config")
                .map(done -> Responses.committed(done, dryRun));
    }
}
