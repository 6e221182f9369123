package dev.switchboard.gateway.provider.it;

import dev.switchboard.model.config.ApiKey;
import dev.switchboard.testsupport.fakes.FakeAnthropic;
import dev.switchboard.testsupport.fakes.FakeAwsSts;
import dev.switchboard.testsupport.fakes.FakeAzureOpenAi;
import dev.switchboard.testsupport.fakes.FakeBedrock;
import dev.switchboard.testsupport.fakes.FakeDatabricks;
import dev.switchboard.testsupport.fakes.FakeGoogle;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a fake Anthropic API, a fake Databricks workspace, a fake Azure OpenAI resource with its Entra ID tenant, a
 * fake of Google's Gemini API and Vertex AI with its token endpoint, and a fake Bedrock Runtime with a fake STS (real
 * HTTP servers speaking the real wire formats),
 * writes the standalone config naming them (from {@code provider-it/config.yaml}), and captures the gateway's log to a
 * file for the secrets scan.
 */
public class ProviderItResource implements QuarkusTestResourceLifecycleManager {

    /** The gateway key of the tests' caller. */
    public static final String CALLER_KEY = "sk-sb-provider-it-caller-7d41e0c2";

    public static final String ANTHROPIC_KEY = "sk-ant-provider-it-3f9c2e7a51d04b8e";
    public static final String WRONG_ANTHROPIC_KEY = "sk-ant-provider-it-wrong-77aa01bc9e";

    public static final String SP_MAIN_ID = "4b1c6f2e-0000-4000-8000-00000000a001";
    public static final String SP_MAIN_SECRET = "dose-provider-it-main-9b1f0c44e2d7";
    public static final String SP_BURST_ID = "4b1c6f2e-0000-4000-8000-00000000a002";
    public static final String SP_BURST_SECRET = "dose-provider-it-burst-51e8a9c3f0b2";
    public static final String SP_EXPIRY_ID = "4b1c6f2e-0000-4000-8000-00000000a003";
    public static final String SP_EXPIRY_SECRET = "dose-provider-it-expiry-0c7d3e96a4f1";
    public static final String SP_STALE_ID = "4b1c6f2e-0000-4000-8000-00000000a004";
    public static final String SP_STALE_SECRET = "dose-provider-it-stale-6a2f9b0e18c5";
    /** Configured for {@link #SP_MAIN_ID} on the account {@code dbx-wrong-secret}; the workspace refuses it. */
    public static final String WRONG_SP_SECRET = "dose-provider-it-wrong-e4b7a1c09d36";
    public static final String PAT = "dapi-provider-it-5c0e9d1a7b3f8e24";
    public static final String AZURE_KEY = "azk-provider-it-0a8e4c2f7b19d356";
    public static final String ENTRA_APP_ID = "7f3e2a10-0000-4000-8000-0000000000e1";
    public static final String ENTRA_SECRET = "entra-provider-it-main-5d2c8b7e91af";
    public static final String ENTRA_BURST_ID = "7f3e2a10-0000-4000-8000-0000000000e2";
    public static final String ENTRA_BURST_SECRET = "entra-provider-it-burst-c41a7e09b3d2";
    public static final String GEMINI_KEY = "AIza-provider-it-6b1f9e3c2d7a0e58";
    public static final String VERTEX_PROJECT = "switchboard-it";
    public static final String VERTEX_LOCATION = "europe-west4";
    /** Made in {@link #start()}: real RSA keys, their public halves known to the fake token endpoint. */
    public static String vertexKey;
    public static String vertexBurstKey;

    public static final String BEDROCK_REGION = "us-east-1";
    /** Temporary keys (with a session token), as an assumed role has; the account bedrock signs with them. */
    public static final String AWS_KEY_ID = "ASIAPROVIDERITSTATIC1";
    public static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/provider-it-static-4c1e9a";
    public static final String AWS_SESSION_TOKEN = "IQoJb3JpZ2luX2VjProviderItSessionToken0f6e2d1c9b8a";
    /** The same key id with a secret the fake does not know: every signature is wrong. */
    public static final String WRONG_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/provider-it-wrong-77b3d2";
    /** Long-term keys that the account bedrock-env finds in the JVM's aws.* system properties. */
    public static final String ENV_AWS_KEY_ID = "AKIAPROVIDERITENVKEY1";
    public static final String ENV_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/provider-it-env-5a0f7e";

    /** IRSA: the role, the pod's projected token, and the temporary keys STS gives for them. */
    public static final String IRSA_ROLE_ARN = "arn:aws:iam::123456789012:role/switchboard-gateway";
    public static final String IRSA_WEB_IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.provider-it-projected-sa-token.c2ln";
    public static final String IRSA_AWS_KEY_ID = "ASIAPROVIDERITIRSAKEY";
    public static final String IRSA_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/provider-it-irsa-3d7c0b";
    public static final String IRSA_SESSION_TOKEN = "IQoJb3JpZ2luX2VjProviderItIrsaSession9e8d7c6b";

    /** Every configured credential, for the secrets scans. */
    public static final List<String> SECRETS = List.of(ANTHROPIC_KEY, WRONG_ANTHROPIC_KEY, SP_MAIN_SECRET,
            SP_BURST_SECRET, SP_EXPIRY_SECRET, SP_STALE_SECRET, WRONG_SP_SECRET, PAT, CALLER_KEY, AZURE_KEY, ENTRA_SECRET,
            ENTRA_BURST_SECRET, GEMINI_KEY, AWS_SECRET, AWS_SESSION_TOKEN, WRONG_AWS_SECRET, ENV_AWS_SECRET,
            IRSA_WEB_IDENTITY_TOKEN, IRSA_AWS_SECRET, IRSA_SESSION_TOKEN);

    public static final String CHAT_ENDPOINT = "llama-chat";
    public static final String EMBEDDINGS_ENDPOINT = "bge-embed";

    public static FakeAnthropic anthropic;
    public static FakeDatabricks databricks;
    public static FakeBedrock bedrock;
    public static FakeAwsSts sts;
    public static FakeAzureOpenAi azure;
    public static FakeGoogle google;
    public static Path webIdentityTokenFile;
    public static Path configFile;
    /** Everything the gateway logs while these tests run. */
    public static Path logFile;

    @Override
    public Map<String, String> start() {
        anthropic = FakeAnthropic.start(ANTHROPIC_KEY);
        databricks = FakeDatabricks.start();
        bedrock = FakeBedrock.start(BEDROCK_REGION)
                .addCredentials(AWS_KEY_ID, AWS_SECRET, AWS_SESSION_TOKEN)
                .addCredentials(ENV_AWS_KEY_ID, ENV_AWS_SECRET, null)
                .addCredentials(IRSA_AWS_KEY_ID, IRSA_AWS_SECRET, IRSA_SESSION_TOKEN);
        sts = FakeAwsSts.start(IRSA_ROLE_ARN, IRSA_WEB_IDENTITY_TOKEN, IRSA_AWS_KEY_ID, IRSA_AWS_SECRET,
                IRSA_SESSION_TOKEN, java.time.Duration.ofHours(1));
        // the SDK's STS client honours this as it does AWS_ENDPOINT_URL_STS
        System.setProperty("aws.endpointUrlSts", sts.baseUrl());
        // what aws-environment reads, as system properties: the gateway runs in this JVM
        System.setProperty("aws.accessKeyId", ENV_AWS_KEY_ID);
        System.setProperty("aws.secretAccessKey", ENV_AWS_SECRET);
        databricks.addServicePrincipal(SP_MAIN_ID, SP_MAIN_SECRET);
        databricks.addServicePrincipal(SP_BURST_ID, SP_BURST_SECRET);
        databricks.addServicePrincipal(SP_EXPIRY_ID, SP_EXPIRY_SECRET);
        databricks.addServicePrincipal(SP_STALE_ID, SP_STALE_SECRET);
        databricks.addPat(PAT);
        databricks.addServingEndpoint(CHAT_ENDPOINT, FakeDatabricks.KIND_CHAT);
        databricks.addServingEndpoint(EMBEDDINGS_ENDPOINT, FakeDatabricks.KIND_EMBEDDINGS);
        azure = FakeAzureOpenAi.start(AZURE_KEY);
        azure.addDeployment("gpt-4o-prod", false);
        azure.addDeployment("embed-small", true);
        azure.addApp(ENTRA_APP_ID, ENTRA_SECRET);
        azure.addApp(ENTRA_BURST_ID, ENTRA_BURST_SECRET);
        google = FakeGoogle.start(GEMINI_KEY, VERTEX_PROJECT, VERTEX_LOCATION);
        google.addModel("gemini-2.5-flash", false);
        google.addModel("gemini-embedding-001", true);
        google.addModel("text-embedding-005", true);
        vertexKey = google.newServiceAccountKey("gateway@switchboard-it.iam.gserviceaccount.com");
        vertexBurstKey = google.newServiceAccountKey("burst@switchboard-it.iam.gserviceaccount.com");
        try {
            webIdentityTokenFile = Files.createTempFile("switchboard-provider-it-irsa", ".token");
            Files.writeString(webIdentityTokenFile, IRSA_WEB_IDENTITY_TOKEN);
            configFile = Files.createTempFile("switchboard-provider-it", ".yaml");
            Files.writeString(configFile, config());
            logFile = Files.createTempFile("switchboard-provider-it", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("switchboard.config", configFile.toString());
        props.put("quarkus.log.file.enabled", "true");
        props.put("quarkus.log.file.path", logFile.toString());
        props.put("quarkus.log.file.level", "ALL");
        // the gateway at its most talkative: a secret in a debug line would be a leak too
        props.put("quarkus.log.category.\"dev.switchboard\".level", "DEBUG");
        props.put("quarkus.log.category.\"io.vertx\".level", "DEBUG");
        return props;
    }

    /** After any other resource, so that its config wins should a global resource also be active. */
    @Override
    public int order() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void stop() {
        if (anthropic != null) {
            anthropic.close();
        }
        if (databricks != null) {
            databricks.close();
        }
        if (bedrock != null) {
            bedrock.close();
        }
        if (sts != null) {
            sts.close();
        }
        if (azure != null) {
            azure.close();
        }
        if (google != null) {
            google.close();
        }
        System.clearProperty("aws.endpointUrlSts");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private static String config() throws IOException {
        String template;
        try (InputStream in = ProviderItResource.class.getResourceAsStream("/provider-it/config.yaml")) {
            if (in == null) {
                throw new IllegalStateException("missing provider-it/config.yaml");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("ANTHROPIC_URL", anthropic.baseUrl());
        values.put("ANTHROPIC_KEY", ANTHROPIC_KEY);
        values.put("WRONG_ANTHROPIC_KEY", WRONG_ANTHROPIC_KEY);
        values.put("DATABRICKS_URL", databricks.baseUrl());
        values.put("SP_MAIN_ID", SP_MAIN_ID);
        values.put("SP_MAIN_SECRET", SP_MAIN_SECRET);
        values.put("SP_BURST_ID", SP_BURST_ID);
        values.put("SP_BURST_SECRET", SP_BURST_SECRET);
        values.put("SP_EXPIRY_ID", SP_EXPIRY_ID);
        values.put("SP_EXPIRY_SECRET", SP_EXPIRY_SECRET);
        values.put("SP_STALE_ID", SP_STALE_ID);
        values.put("SP_STALE_SECRET", SP_STALE_SECRET);
        values.put("WRONG_SP_SECRET", WRONG_SP_SECRET);
        values.put("PAT", PAT);
        values.put("BEDROCK_URL", bedrock.baseUrl());
        values.put("BEDROCK_REGION", BEDROCK_REGION);
        values.put("AWS_KEY_ID", AWS_KEY_ID);
        values.put("AWS_SECRET", AWS_SECRET);
        values.put("AWS_SESSION_TOKEN", AWS_SESSION_TOKEN);
        values.put("WRONG_AWS_SECRET", WRONG_AWS_SECRET);
        values.put("IRSA_ROLE_ARN", IRSA_ROLE_ARN);
        values.put("IRSA_TOKEN_FILE", webIdentityTokenFile.toString());
        values.put("CALLER_KEY_HASH", ApiKey.hashOf(CALLER_KEY));
        values.put("AZURE_URL", azure.baseUrl());
        values.put("AZURE_KEY", AZURE_KEY);
        values.put("ENTRA_TOKEN_URL", azure.tokenUrl("contoso.onmicrosoft.com"));
        values.put("ENTRA_APP_ID", ENTRA_APP_ID);
        values.put("ENTRA_SECRET", ENTRA_SECRET);
        values.put("ENTRA_BURST_ID", ENTRA_BURST_ID);
        values.put("ENTRA_BURST_SECRET", ENTRA_BURST_SECRET);
        values.put("GEMINI_URL", google.geminiBaseUrl());
        values.put("GEMINI_KEY", GEMINI_KEY);
        values.put("VERTEX_URL", google.vertexBaseUrl());
        // a JSON document inside a single-quoted YAML scalar (it holds no single quote)
        values.put("VERTEX_KEY", vertexKey);
        values.put("VERTEX_BURST_KEY", vertexBurstKey);
        String config = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            config = config.replace("${" + v.getKey() + "}", v.getValue());
        }
        if (config.contains("${")) {
            throw new IllegalStateException("an unfilled placeholder in provider-it/config.yaml");
        }
        return config;
    }
}
