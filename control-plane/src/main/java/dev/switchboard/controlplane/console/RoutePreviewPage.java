package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.admin.ResourceService;
import dev.switchboard.controlplane.config.ResourceKind;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.controlplane.config.ControlPlaneRules;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.VirtualModel;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import dev.switchboard.model.validation.ConfigValidator;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The virtual-model editors' live preview: the YAML being edited, or the form's fields over the stored virtual model
 * ({@link ResourceForms}), not yet saved, read as a virtual model, checked by the validator against the current config
 * as a save would be, and explained ({@link RoutePreview}). A GET, so that a viewer sees it too; it changes nothing.
 */
@Path(ConsolePaths.ROUTE_PREVIEW)
public class RoutePreviewPage {

    @Inject
    ConfigStore store;

    @Inject
    @Location("console/route-preview.html")
    Template fragment;

    /**
     * {@code yaml}: the YAML editor's text. Without it, the form's fields: {@code vm} names the stored virtual model
     * they are written over (empty for a new one); without {@code routing_config.type} (a viewer's form sends no
     * field), the stored one as it is.
     */
    @GET
    public Uni<Response> preview(@QueryParam("yaml") String yaml, @Context UriInfo uri) {
        if (yaml != null) {
            String json;
            try {
                json = ResourceYaml.read(yaml);
            } catch (ApiProblem e) {
                return Uni.createFrom().item(html(messages(e.errors())));
            }
            return store.head().emitOn(Infrastructure.getDefaultWorkerPool()).map(head -> explain(json, head));
        }
        MultivaluedMap<String, String> q = uri.getQueryParameters();
        return store.head().emitOn(Infrastructure.getDefaultWorkerPool()).map(head -> {
            String name = q.getFirst("vm");
            JsonNode stored = head.config().virtualModels().stream().filter(v -> v.name() != null
                            && v.name().equals(name)).findFirst()
                    .map(v -> ResourceService.view(ResourceKind.VIRTUAL_MODELS, v)).orElse(null);
            if (!q.containsKey("routing_config.type")) {
                return stored == null ? html(messages(List.of(new ConfigError("", "no virtual model named '"
                        + name + "'")))) : explain(stored.toString(), head);
            }
            ResourceForms.Submitted form = ResourceForms.read(ResourceKind.VIRTUAL_MODELS, q::getFirst,
                    p -> q.getOrDefault(p, List.of()));
            return explain(ResourceForms.body(ResourceKind.VIRTUAL_MODELS, stored, form).toString(), head);
        });
    }

    /** The virtual model of {@code json} explained against {@code head}, with what the validator finds wrong. */
    private Response explain(String json, Head head) {
        VirtualModel vm;
        List<ConfigError> unknown = new ArrayList<>();
        try {
            vm = ConfigCodec.readJson(json, VirtualModel.class, unknown);
        } catch (ConfigException e) {
            return html(messages(e.errors()));
        }
        // validating 10,000 models takes a while: callers run this off the event loop
        SwitchboardConfig config = head.config();
        List<VirtualModel> vms = new ArrayList<>(config.virtualModels());
        int index = 0;
        while (index < vms.size() && !vms.get(index).name().equals(vm.name())) {
            index++;
        }
        if (index < vms.size()) {
            vms.set(index, vm);
        } else {
            vms.add(vm);
        }
        // the validator the admin API's changes go through says what is wrong, as Save would; given only what a
        // virtual model can name (the accounts and their models), so that keys, users and rules, however many,
        // cost the preview nothing. Save validates the whole config.
        SwitchboardConfig next = SwitchboardConfig.builder().providerAccounts(config.providerAccounts())
                .virtualModels(vms).healthPolicy(config.healthPolicy()).build();
        List<ConfigError> errors = new ArrayList<>(ConfigValidator.validate(next));
        errors.addAll(ControlPlaneRules.validate(next));
        List<String> problems = new ArrayList<>(messages(unknown).problems());
        if (!errors.isEmpty()) {
            problems.addAll(messages(ApiProblem.forInvalidConfig(errors, "virtual_models[" + index + "]")
                    .errors()).problems());
        }
        RoutePreview.Preview preview = RoutePreview.of(vm, config.healthPolicy());
        return html(new RoutePreview.Preview(preview.model(), preview.strategy(), preview.reason(),
                preview.sticky(), preview.health(), preview.targets(), problems));
    }

    private static RoutePreview.Preview messages(List<ConfigError> errors) {
        return new RoutePreview.Preview(null, null, null, null, null, List.of(), errors.stream()
                .map(e -> (e.path().isEmpty() ? "" : e.path() + ": ") + e.message()).toList());
    }

    private Response html(RoutePreview.Preview preview) {
        return Response.ok(fragment.data("preview", preview).render(), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .build();
    }
}
