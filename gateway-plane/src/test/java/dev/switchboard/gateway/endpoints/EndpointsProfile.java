package dev.switchboard.gateway.endpoints;

import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A gateway of its own for the endpoints beyond chat: a fake OpenAI-compatible upstream, an Anthropic account whose
 * base URL nothing listens on (any call to it would fail, so a test passing proves none was made), a virtual model
 * whose first target is that Anthropic model (and {@code transcriber}, whose second is Whisper), an Azure OpenAI account
 * whose deployment paths the media upstream serves too, models priced per token, per image, per second of audio and per
 * character, the default body limits (10 MiB for JSON, 25 MiB for uploads, so that a 20 MB upload is between the two),
 * and a spool directory of its own for uploads.
 */
public class EndpointsProfile implements QuarkusTestProfile {

    public static final String KEY = "sk-sb-endpoints-alice-0000000";
    /** {@code switchboard.max-body-size}'s default: the JSON bodies' limit. */
    public static final long MAX_BODY_SIZE = 10L * 1024 * 1024;
    /** {@code switchboard.upload.max-body-size}'s default: the uploads' limit, OpenAI's own for audio files. */
    public static final long UPLOAD_MAX_BODY_SIZE = 25L * 1024 * 1024;

    public static FakeOpenAi openAi;
    static MediaUpstream media;
    /** Where the gateway spools uploads: empty whenever no upload is under way. */
    static Path spoolDir;

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    public static class Resource implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            openAi = FakeOpenAi.start();
            media = MediaUpstream.start();
            try {
                Path config = Files.createTempFile("switchboard-endpoints-test", ".yaml");
                Files.writeString(config, config(openAi.baseUrl(), media.baseUrl(), GatewayTestResource.closedPort()));
                spoolDir = Files.createTempDirectory("switchboard-endpoints-spool");
                return Map.of("switchboard.config", config.toString(), "switchboard.config-poll-interval", "100ms",
                        "switchboard.upload.spool-dir", spoolDir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (openAi != null) {
                openAi.close();
            }
            if (media != null) {
                media.close();
            }
        }
    }

    static String config(String openAiBaseUrl, String mediaBaseUrl, int closedPort) {
        return """
                provider_accounts:
                  - name: fake
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-upstream-secret-value}
                    models:
                      - id: gpt-4o-mini
                        price: {input_per_million_usd: 1.0, output_per_million_usd: 2.0}
                      - id: bge-reranker-v2-m3
                        price: {input_per_million_usd: 0.5}
                      - id: dall-e-3
                        price: {per_image_usd: 0.04}
                      - id: gpt-image-1
                        price: {input_per_million_usd: 5.0, output_per_million_usd: 40.0}
                  - name: media
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-media-secret-value}
                    models:
                      - id: tts-1
                        price: {per_million_characters_usd: 15}
                      - id: whisper-1
                        price: {per_audio_second_usd: 0.0001}
                      - id: gpt-4o-transcribe
                        price: {input_per_million_usd: 6.0, output_per_million_usd: 10.0}
                  - name: azure
                    type: azure-openai
                    base_url: %s
                    api_version: 2024-10-21
                    auth: {type: api-key, api_key: sk-azure-secret-value}
                    models: [{id: whisper, deployment: whisper-eu}]
                  - name: claude
                    type: anthropic
                    base_url: http://127.0.0.1:%d
                    auth: {type: api-key, api_key: sk-ant-never-used}
                    models: [{id: claude-sonnet}]
                virtual_models:
                  - name: mixed
                    routing_config:
                      type: priority-based-routing
                      load_balance_targets:
                        - {target: claude/claude-sonnet, priority: 0}
                        - {target: fake/gpt-4o-mini, priority: 1}
                  - name: transcriber
                    routing_config:
                      type: priority-based-routing
                      load_balance_targets:
                        - {target: claude/claude-sonnet, priority: 0}
                        - {target: media/whisper-1, priority: 1}
                users:
                  - {name: alice, email: alice@example.com}
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                access_rules:
                  - {subjects: [user:alice], models: ["*"]}
                """.formatted(openAiBaseUrl, mediaBaseUrl, mediaBaseUrl.substring(0, mediaBaseUrl.length() - 3),
                closedPort, ApiKey.hashOf(KEY));
    }

}
