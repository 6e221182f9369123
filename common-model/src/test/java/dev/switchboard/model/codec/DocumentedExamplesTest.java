package dev.switchboard.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.config.Counting;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.Price;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.config.RoutingType;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.validation.ConfigValidator;
import dev.switchboard.testsupport.DocExamples;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The YAML that users copy from docs/ parses and validates as it stands. */
class DocumentedExamplesTest {

    @Test
    void routingGuideExampleIsValid() {
        ConfigSnapshot s = ConfigCodec.loadYaml(DocExamples.completeExample("routing.md"), 1, Instant.EPOCH);
        assertEquals(List.of(RoutingType.PRIORITY, RoutingType.WEIGHT, RoutingType.LATENCY),
                s.config().virtualModels().stream().map(vm -> vm.routingConfig().type()).toList());
        assertEquals("conversation_id", s.config().virtualModels().get(1).routingConfig().sticky().metadataKey());
    }

    @Test
    void everyYamlFragmentOfTheRoutingGuideParses() {
        List<String> blocks = DocExamples.yamlBlocks("routing.md");
        assertFalse(blocks.isEmpty());
        for (String block : blocks) {
            ConfigCodec.readYaml(block);
        }
    }

    @Test
    void limitsExampleOfTheConfigurationGuideIsValidAgainstItsCompleteExample() {
        List<String> blocks = DocExamples.yamlBlocks("configuration.md");
        SwitchboardConfig limits = blocks.stream().map(ConfigCodec::readYaml)
                .filter(c -> !c.rateLimits().isEmpty() && c.providerAccounts().isEmpty()).findFirst().orElseThrow();
        SwitchboardConfig complete = ConfigCodec.readYaml(DocExamples.completeExample("configuration.md"));
        SwitchboardConfig both = complete.toBuilder().rateLimits(limits.rateLimits()).budgets(limits.budgets()).build();
        assertEquals(List.of(), ConfigValidator.validate(both));
        assertEquals(Counting.PER_MEMBER, both.rateLimits().get(0).counting());
        assertTrue(both.rateLimits().get(1).mcp());
    }

    @Test
    void everyProviderExampleIsAValidConfig() {
        List<String> blocks = DocExamples.yamlBlocks("providers.md");
        assertEquals(6, blocks.size());
        for (String block : blocks) {
            ConfigCodec.loadYaml(block, 1, Instant.EPOCH);
        }
        Map<String, Price> openAi = ConfigCodec.readYaml(blocks.get(0)).providerAccounts().get(0).models().stream()
                .collect(Collectors.toMap(Model::id, Model::price));
        assertEquals(new BigDecimal("0.04"), openAi.get("dall-e-3").perImageUsd());
        assertEquals(new BigDecimal("0.0001"), openAi.get("whisper-1").perAudioSecondUsd());
        assertEquals(new BigDecimal("15.00"), openAi.get("tts-1").perMillionCharactersUsd());
        assertNull(openAi.get("gpt-image-1").perImageUsd());
        SwitchboardConfig azure = ConfigCodec.readYaml(blocks.get(3));
        assertEquals(ProviderType.AZURE_OPENAI, azure.providerAccounts().get(0).type());
        assertEquals("gpt-4o-prod", azure.providerAccounts().get(0).models().get(0).effectiveDeployment());
        assertEquals("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
                azure.providerAccounts().get(1).auth().entraTokenUrl());
        SwitchboardConfig google = ConfigCodec.readYaml(blocks.get(4));
        assertEquals(List.of(ProviderType.GEMINI, ProviderType.VERTEX_AI),
                google.providerAccounts().stream().map(a -> a.type()).toList());
        assertEquals("https://generativelanguage.googleapis.com/v1beta",
                google.providerAccounts().get(0).effectiveBaseUrl());
    }

    @Test
    void theBedrockExampleHasEachCredentialSource() {
        String block = DocExamples.yamlBlocks("providers.md").stream().filter(b -> b.contains("type: bedrock"))
                .findFirst().orElseThrow();
        var accounts = ConfigCodec.loadYaml(block, 1, Instant.EPOCH).config().providerAccounts();
        assertEquals(List.of(ProviderAuth.Type.AWS_ACCESS_KEY, ProviderAuth.Type.AWS_WEB_IDENTITY,
                ProviderAuth.Type.AWS_ENVIRONMENT), accounts.stream().map(a -> a.auth().type()).toList());
        assertEquals("https://bedrock-runtime.us-east-1.amazonaws.com", accounts.get(0).effectiveBaseUrl());
        assertEquals(Secret.fromEnv("AWS_SESSION_TOKEN"), accounts.get(0).auth().sessionToken());
        assertEquals("eu-central-1", accounts.get(1).region());
        assertTrue(accounts.get(2).effectiveBaseUrl().contains("vpce"), "base_url overrides the regional endpoint");
    }

    @Test
    void exampleConfigOfSwitchboardUpIsValid() throws Exception {
        String yaml = java.nio.file.Files.readString(DocExamples.repoRoot().resolve("deploy/examples/switchboard.yaml"));
        ConfigCodec.loadYaml(yaml, 1, Instant.EPOCH);
    }
}
