package dev.switchboard.controlplane.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.sync.SnapshotPublisher;
import dev.switchboard.model.sync.SnapshotWire;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Where snapshot publishing stands: the committed revision against the one NATS acknowledged. */
@Path("/admin/v1/sync")
@Tag(name = "sync", description = "Snapshot publishing to NATS JetStream")
@SecurityRequirement(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class SyncEndpoint {

    @Inject
    ConfigStore store;

    @Inject
    SnapshotPublisher publisher;

    @Inject
    ControlPlaneConfig config;

    @GET
    @Operation(summary = "The committed revision, the published one, and the last publish's sizes and times")
    public Uni<Response> status() {
        return store.head().map(head -> {
            SnapshotPublisher.Status s = publisher.status();
            ObjectNode body = ConfigJson.mapper().createObjectNode();
            body.put("committed_revision", head.revision());
            body.put("published_revision", Math.max(0, s.publishedRevision()));
            body.put("nats_connected", publisher.connected());
            body.put("bucket", config.sync().bucket());
            body.put("object", SnapshotWire.OBJECT);
            if (s.last() != null) {
                body.set("last_publish", ConfigJson.mapper().valueToTree(s.last()));
            }
            if (s.lastError() != null) {
                body.put("last_error", s.lastError());
            }
            return Responses.json(200, body).build();
        });
    }
}
