package dev.switchboard.controlplane.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.store.Committed;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON bodies of admin-API answers, in the config's conventions (snake_case, secrets masked by the callers). */
final class Responses {

    /** Response header naming the revision current after the request. */
    static final String REVISION_HEADER = "Switchboard-Revision";

    private Responses() {
    }

    static Response.ResponseBuilder json(int status, Object body) {
        try {
            return Response.status(status).type(MediaType.APPLICATION_JSON)
                    .entity(ConfigJson.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response: " + e.getOriginalMessage());
        }
    }

    /** The outcome of a change of the whole config (import, dry run, restore). */
    static Response committed(Committed done, boolean dryRun) {
        ObjectNode body = ConfigJson.mapper().createObjectNode();
        body.put("dry_run", dryRun);
        body.put("applied", done.applied());
        body.put("base_revision", done.baseRevision());
        body.put("revision", done.revision());
        body.set("changes", ConfigJson.mapper().valueToTree(done.changes()));
        return json(200, body).header(REVISION_HEADER, done.revision()).header("ETag", Etags.of(done.revision()))
                .build();
    }
}
