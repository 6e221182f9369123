package dev.switchboard.controlplane.console;

import dev.switchboard.controlplane.approval.ApprovalDesk;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.model.approval.ApprovalWire;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The tool calls waiting for approval on the MCP gateways, approved or denied by an admin; and the calls decided
 * recently. Read from and decided through the gateways' NATS contract ({@link ApprovalDesk}); the gateway records the
 * deciding admin ({@code console:<who signed in>}) in the call's audit record. Blocking (NATS): on a worker thread.
 */
@Path(ConsolePaths.APPROVALS)
public class ApprovalsPage {

    static final int MAX_REASON = 500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    @Inject
    ConsoleCaller caller;

    @Inject
    ApprovalDesk desk;

    @Inject
    @Location("console/approvals.html")
    Template page;

    @Inject
    @Location("console/approvals-list.html")
    Template list;

    /** A call as the page shows it; {@code arguments} as the gateway's pre-tool guardrails let them go (redacted). */
    @TemplateData
    public record Row(String id, String subject, String credential, String server, String tool, String arguments,
                      String approvers, String holder, String channel, String created, String expires,
                      String decision, String decidedBy, String decidedAt, String reason) {
    }

    /** The answer to a decision, shown above the list. */
    @TemplateData
    public record Notice(boolean ok, String text) {
    }

    @GET
    public Response approvals() {
        return html(200, fill(page.data("active", "approvals"), null));
    }

    @GET
    @Path("list")
    public Response refresh() {
        return html(200, fill(list.instance(), null));
    }

    @POST
    @Path("{id}/decide")
    public Response decide(@PathParam("id") String id, @FormParam("decision") String decision,
                           @FormParam("reason") String reason) {
        if (!"approve".equals(decision) && !"deny".equals(decision)) {
            return html(400, fill(list.instance(), new Notice(false, "decision: must be approve or deny")));
        }
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why != null && why.length() > MAX_REASON) {
            return html(400, fill(list.instance(), new Notice(false, "reason: must be at most " + MAX_REASON
                    + " characters")));
        }
        Notice notice;
        try {
            var entry = desk.find(id);
            if (entry.isEmpty()) {
                notice = new Notice(false, "Approval " + id + " is not known (any more): it was decided, timed out"
                        + " or its replica stopped.");
            } else if (!entry.get().pending()) {
                notice = new Notice(false, "Approval " + id + " was settled already: " + said(entry.get().settled())
                        + ".");
            } else {
                String by = "console:" + caller.session().caller();
                ApprovalDesk.Outcome outcome = desk.decide(entry.get(), by, "approve".equals(decision), why);
                notice = switch (outcome.result()) {
                    case APPLIED -> new Notice(true, entry.get().tool() + " on " + entry.get().server() + ": "
                            + said(outcome.decision()) + "; the call resumes.");
                    case SETTLED -> new Notice(false, "Approval " + id + " was settled already: "
                            + said(outcome.decision()) + ".");
                    case UNKNOWN -> new Notice(false, "Approval " + id + " is not known to the replica holding it"
                            + " any more.");
                };
            }
        } catch (ApprovalDesk.Unavailable e) {
            notice = new Notice(false, e.getMessage());
        }
        return html(200, fill(list.instance(), notice));
    }

    private TemplateInstance fill(TemplateInstance view, Notice notice) {
        view.data("session", caller.session()).data("notice", notice);
        try {
            ApprovalDesk.Listing listing = desk.list();
            return view.data("pending", listing.pending().stream().map(ApprovalsPage::row).toList())
                    .data("settled", listing.settled().stream().map(ApprovalsPage::row).toList())
                    .data("unavailable", null);
        } catch (ApprovalDesk.Unavailable e) {
            return view.data("pending", List.of()).data("settled", List.of()).data("unavailable", e.getMessage());
        }
    }

    static Row row(ApprovalWire.Entry e) {
        ApprovalWire.Settled s = e.settled();
        return new Row(e.id(), e.subject(), e.credential(), e.server(), e.tool(), arguments(e),
                String.join(", ", e.approvers()), e.holder(), e.channel(), time(e.createdAt()), time(e.expiresAt()),
                s == null ? null : s.decision(), s == null ? null : s.decidedBy(),
                s == null ? null : time(s.decidedAt()), s == null ? null : s.reason());
    }

    private static String arguments(ApprovalWire.Entry e) {
        try {
            return ConfigJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(e.arguments());
        } catch (com.fasterxml.jackson.core.JsonProcessingException bad) {
            return e.arguments().toString();
        }
    }

    private static String said(ApprovalWire.Settled s) {
        if (s == null) {
            return "settled";
        }
        return s.decision() + (s.decidedBy() == null ? "" : " by " + s.decidedBy());
    }

    private static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    private static Response html(int status, TemplateInstance view) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(view.render())
                .build();
    }
}
