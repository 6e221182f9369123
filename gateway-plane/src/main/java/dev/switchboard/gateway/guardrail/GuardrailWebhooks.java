package dev.switchboard.gateway.guardrail;

import dev.switchboard.model.guardrail.WebhookClient;

/**
 * The webhook guardrails' client as every snapshot sees it. Guardrails are compiled per snapshot in
 * {@code GatewayState}, by code that knows no Vert.x instance; they are compiled with {@link #SHARED}, which hands each
 * call to the runtime's client {@link #install installed} at startup.
 */
public final class GuardrailWebhooks {

    /** The installed client's connect timeout; the guardrail's own timeout applies to the whole call. */
    public static final int CONNECT_TIMEOUT_MS = 10_000;

    private static volatile WebhookClient installed;

    /** What the guardrails of every snapshot call: the installed client, or a failure before there is one. */
    public static final WebhookClient SHARED = (url, headers, body) -> {
        WebhookClient client = installed;
        return client == null
                ? WebhookClient.UNAVAILABLE.post(url, headers, body) : client.post(url, headers, body);
    };

    private GuardrailWebhooks() {
    }

    /** Makes {@code client} the one {@link #SHARED} calls. */
    public static void install(WebhookClient client) {
        installed = client;
    }
}
