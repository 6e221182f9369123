package dev.switchboard.gateway.provider.azure;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.openai.OpenAiAdapter;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Azure OpenAI. Two URL shapes: a resource URL ({@code https://<resource>.openai.azure.com}) with an
 * {@code api_version} calls the deployment paths {@code /openai/deployments/<deployment>/chat/completions?api-version=}
 * (the URL names the deployment; the body goes without {@code model}); a base URL ending in {@code /openai/v1} calls
 * Azure's v1 API, OpenAI's paths with the deployment as {@code model}. Auth is the {@code api-key} header or a Microsoft
 * Entra ID token ({@link EntraTokens}). Answers are OpenAI-shaped and pass on, except Azure's content-filter refusals
 * and its error bodies, which {@link AzureResponses} turns into clear OpenAI errors.
 */
public final class AzureOpenAiAdapter implements ProviderAdapter {

    private final EntraTokens tokens;

    public AzureOpenAiAdapter(EntraTokens tokens) {
        this.tokens = tokens;
    }

    /**
     * Chat and embeddings, the Responses API, which {@link #prepare} refuses on the deployment paths with a fix, and
     * audio transcriptions and translations (Whisper and gpt-4o-transcribe deployments), on both URL shapes.
     */
    @Override
    public boolean serves(Endpoint endpoint) {
        return ProviderAdapter.super.serves(endpoint) || endpoint == Endpoint.RESPONSES || endpoint.takesUpload();
    }

    /** Whether the account calls Azure's v1 API rather than the deployment paths. */
    static boolean v1(Upstream upstream) {
        return upstream.basePath().endsWith("/openai/v1");
    }

    @Override
    public Future<UpstreamCall> prepare(LlmRequest request, ModelRef target, Upstream upstream) {
        String deployment = target.model().effectiveDeployment();
        boolean v1 = v1(upstream);
        if (request.endpoint() == Endpoint.MESSAGES
                || (request.endpoint() == Endpoint.RESPONSES && !v1)) {
            return Future.failedFuture(GatewayError.invalidRequest("The model '" + request.model()
                    + "' is served by Azure OpenAI through its deployment paths, which this gateway calls for "
                    + "/v1/chat/completions, /v1/embeddings and /v1/audio only; give the account a base_url ending in "
                    + "/openai/v1 for " + request.endpoint().path() + ".", "model"));
        }
        String path;
        if (v1) {
            path = upstream.basePath() + request.endpoint().path();
        } else {
            ProviderAccount account = upstream.account();
            path = upstream.basePath() + "/openai/deployments/" + URLEncoder.encode(deployment, StandardCharsets.UTF_8)
                    + request.endpoint().path() + "?api-version="
                    + URLEncoder.encode(account.apiVersion(), StandardCharsets.UTF_8);
        }
        return credentialHeader(upstream).map(auth -> {
            MultiMap headers = OpenAiAdapter.headers(request).add(auth[0], auth[1]);
            if (request.upload() != null) {
                // the form's model names the deployment on both shapes (the deployment path ignores it); a transcript
                // has no content filter verdict, and its text, subtitles or JSON pass back as Azure sends them
                return UpstreamCall.upload(upstream, path, headers, request.upload().withModel(deployment),
                        ResponseTranslator.PASSTHROUGH);
            }
            Buffer body = v1 ? request.bodyWithModel(deployment) : request.bodyWithoutModel();
            return new UpstreamCall(upstream, path, headers, body, AzureResponses.TRANSLATOR);
        });
    }

    /** The auth header's name and value. */
    private Future<String[]> credentialHeader(Upstream upstream) {
        ProviderAuth auth = upstream.account().auth();
        if (auth.type() == ProviderAuth.Type.AZURE_ENTRA_ID) {
            return tokens.token(auth.entraTokenUrl(), auth.clientId(), upstream.credential())
                    .map(token -> new String[] {"authorization", "Bearer " + token});
        }
        return Future.succeededFuture(new String[] {"api-key", upstream.credential()});
    }

    @Override
    public boolean credentialRefused(Upstream upstream, UpstreamCall call) {
        ProviderAuth auth = upstream.account().auth();
        if (auth.type() != ProviderAuth.Type.AZURE_ENTRA_ID) {
            return false;
        }
        String sent = call.headers().get("authorization").substring("Bearer ".length());
        tokens.refused(auth.entraTokenUrl(), auth.clientId(), upstream.credential(), sent);
        return true;
    }
}
