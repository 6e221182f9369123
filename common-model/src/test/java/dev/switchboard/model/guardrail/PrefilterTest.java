package dev.switchboard.model.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.config.Guardrail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The features that let a built-in detector skip its patterns ({@link TextFeatures}) never hide a finding: on every
 * positive example, in many surroundings, mutated and mixed at random, each detector finds exactly what its patterns
 * alone find.
 */
class PrefilterTest {

    /** Each detector's positive examples (those of DetectorsTest and the guide), and some more. */
    static final Map<String, List<String>> POSITIVES = new LinkedHashMap<>();

    static {
        POSITIVES.put("email", List.of("alice.smith+news@mail.example.co.uk", "bob@example.com", "carol@example.org",
                "x_y%z@a-b.io"));
        POSITIVES.put("phone", List.of("+14155552671", "+1 415 555 2671", "+44 20 7946 0958", "+49 (30) 901820",
                "+33 1 23 45 67 89", "(415) 555-2671", "415-555-2671", "415.555.2671", "415 555 2671", "020 7946 0958",
                "07700 900123", "030-1234-5678", "+1-415-555-2671", "+44 (20) 7946-0958", "(415)555-2671",
                "(415) 555 2671"));
        POSITIVES.put("card", List.of("4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",
                "5500 0000 0000 0004", "3782 822463 10005", "6011000990139424", "4222222222222",
                "4111 1111 1111 1111 12 25"));
        POSITIVES.put("iban", List.of("DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32",
                "FR1420041010050500013M02606", "NL91ABNA0417164300", "CH9300762011623852957",
                "IBAN DE89 3704 0044 0532 0130 00 SEPA"));
        POSITIVES.put("national_id", List.of("123-45-6789", "078 05 1120", "AB 12 34 56 C", "AB123456C", "JG103759A",
                "AB 123456 C", "AB12 34 56C"));
        POSITIVES.put("aws_access_key", List.of("AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "AROA1234567890ABCDEF"));
        POSITIVES.put("gcp_api_key", List.of("AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
                "AIza_yDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsH-"));
        POSITIVES.put("github_token", List.of("ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
                "gho_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
                "github_pat_1234567890123456789012"));
        POSITIVES.put("slack_token", List.of("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                "xoxp-123456789", "xapp-1-ABCDEF1234"));
        POSITIVES.put("private_key", List.of(
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA", "-----BEGIN PRIVATE KEY-----"));
        POSITIVES.put("jwt", List.of(
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                // {"alg":"none"} with a leading space: a header that does not start with eyJ
                "IHsiYWxnIjoibm9uZSJ9.eyJzdWIiOiIxIn0.", "eyJhbGciOiJub25lIn0.ab."));
        POSITIVES.put("bearer_token", List.of("Authorization: Bearer sk-live-0123456789abcdef",
                "authorization: bearer abc123def", "BEARER\tabcdefgh1", "BeArEr abcdefghijklmnopq"));
        POSITIVES.put("high_entropy", List.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCY9EXAMPLE8KEY",
                "Xq3vT9zLm2Rb7Kc4Wp8Ny1Hd6Gf5Js0A", "Xq3vT9zLm2Rb7Kc4Wp8Ny1Hd6Gf5Js0A=="));
    }

    private static final String[] SURROUNDINGS = {"%s", "x %s y", "see: %s.", "(%s)", "\"%s\"", "a\n%s\nb",
            "Order 4711: 3 items, shipped on 2026-11-20; %s, total 129.90 EUR", "%s, %s", "é %s ü", "[%s]"};

    private static Map<String, TextDetector> all() {
        Map<String, TextDetector> all = new LinkedHashMap<>(Detectors.PII);
        all.putAll(Detectors.SECRETS);
        return all;
    }

    /** The detector without its gate: its patterns alone. */
    private static TextDetector raw(TextDetector d) {
        if (d instanceof Detectors.Gated g) {
            return g.raw;
        }
        if (d instanceof Detectors.PhoneDetector p) {
            return p.raw;
        }
        if (d instanceof Detectors.NationalIdDetector n) {
            return n.raw;
        }
        throw new AssertionError("a built-in detector without a gate: " + d);
    }

    private static List<Finding> run(TextDetector d, String text, boolean gated) {
        List<Finding> out = new ArrayList<>();
        if (gated) {
            d.find(text, TextFeatures.of(text), out);
        } else {
            raw(d).find(text, out);
        }
        return TextCheck.merge(out);
    }

    private static void sameFindings(String name, TextDetector d, String text) {
        assertEquals(run(d, text, false), run(d, text, true), name + " in: " + text);
        List<Finding> plain = new ArrayList<>();
        d.find(text, plain);
        assertEquals(run(d, text, false), TextCheck.merge(plain), name + " (features of its own) in: " + text);
    }

    @Test
    void everyBuiltInDetectorIsGated() {
        for (TextDetector d : all().values()) {
            raw(d);
        }
        assertEquals(all().keySet(), POSITIVES.keySet());
    }

    @Test
    void everyPositiveExampleIsStillFound() {
        all().forEach((name, d) -> {
            for (String positive : POSITIVES.get(name)) {
                String plain = "x " + positive + " y";
                assertFalse(run(d, plain, false).isEmpty(), name + " patterns find nothing in: " + plain);
                assertFalse(run(d, plain, true).isEmpty(), name + " finds nothing in: " + plain);
                for (String around : SURROUNDINGS) {
                    String text = around.replace("%s", positive);
                    sameFindings(name, d, text);
                }
            }
        });
    }

    @Test
    void mutatedAndMixedTextsFindTheSame() {
        Random random = new Random(19);
        List<String> pieces = new ArrayList<>();
        POSITIVES.values().forEach(pieces::addAll);
        pieces.addAll(List.of("2024-01-15", "192.168.100.200", "v10.20.3040", "+123", "123-45 6789", "www.example.com",
                "Bearer <token>", "550e8400-e29b-41d4-a716-446655440000", "src/main/java/dev", "-----BEGIN PUBLIC KEY-----",
                "a@b.c", "Say something short.", "project falcon", "ü", "\r\n", " ", "-", ".", "(", ")", "+", "@", "_"));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .-+()/_=@:\t\n";
        Map<String, TextDetector> all = all();
        int withFindings = 0;
        for (int round = 0; round < 4000; round++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(4);
            for (int p = 0; p < parts; p++) {
                if (random.nextBoolean()) {
                    text.append(pieces.get(random.nextInt(pieces.size())));
                } else {
                    for (int i = random.nextInt(12); i > 0; i--) {
                        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                }
            }
            // mutate: drop, double or replace a few characters, so near misses on both sides of each gate are tried
            for (int m = random.nextInt(3); m > 0 && text.length() > 0; m--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, text.charAt(at));
                    default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String s = text.toString();
            for (Map.Entry<String, TextDetector> e : all.entrySet()) {
                List<Finding> raw = run(e.getValue(), s, false);
                assertEquals(raw, run(e.getValue(), s, true), e.getKey() + " in: " + s);
                if (!raw.isEmpty()) {
                    withFindings++;
                }
            }
        }
        assertTrue(withFindings > 1000, "the corpus must exercise the detectors: " + withFindings);
    }

    @Test
    void featuresOfCleanBenchTextRuleEveryDetectorOut() {
        String[] clean = {"Say something short.",
                "Sure! Here is a short answer from the benchmark mock: every byte of it is fixed.",
                "Order 4711: 3 items, shipped on 2026-11-20 to the warehouse in Lyon; carrier tracking is available in "
                        + "the customer portal. Total 129.90 EUR, paid by invoice.", "4711", "text"};
        for (String text : clean) {
            TextFeatures f = TextFeatures.of(text);
            all().forEach((name, d) -> {
                List<Finding> out = new ArrayList<>();
                TextDetector never = (t, o) -> {
                    throw new AssertionError(name + " ran its patterns on clean text: " + text);
                };
                if (d instanceof Detectors.Gated g) {
                    new Detectors.Gated(g.gate, never).find(text, f, out);
                } else {
                    d.find(text, f, out);
                }
                assertTrue(out.isEmpty());
            });
        }
    }

    @Test
    void theFeaturesThemselves() {
        TextFeatures f = TextFeatures.of("a@b +1 (415) 555-2671 x 4111 1111-1111 x AB 12 XY99 AKIA0123456789ABCDEF9 "
                + "abcdefghij.k.l bEaReR -----BEGIN x");
        assertTrue(f.at);
        assertTrue(f.plusDigit);
        assertEquals(12, f.phoneDigits); // 4111 1111-1111
        assertEquals(12, f.cardDigits);
        assertTrue(f.upperPairDigit);
        assertEquals(21, f.upperDigitRun);
        assertTrue(f.jwtHead);
        assertEquals(2, f.dots);
        assertTrue(f.bearer);
        assertTrue(f.pemBegin);
        TextFeatures none = TextFeatures.of("plain +0 words. a-b_c/d+e");
        assertFalse(none.at || none.plusDigit || none.upperPairDigit || none.jwtHead || none.bearer || none.pemBegin);
        assertEquals(1, none.phoneDigits);
        assertEquals(9, none.base64Run);
        assertEquals(5, none.wordRun);
    }

    @Test
    void checksOfTextWithFindingsGiveTheSameReasonsAsBefore() {
        Guardrails g = Fixtures.compile("""
                - name: no-pii
                  type: pii
                  hooks: [llm_input]
                  pii: {}
                - name: no-secrets
                  type: secrets
                  hooks: [llm_input]
                  secrets: {redact: replace}
                """);
        GuardrailResult r = Fixtures.run(g, Guardrail.Hook.LLM_INPUT, Fixtures.llm("openai-main/gpt-4o-mini"),
                Fixtures.json("{\"messages\":[{\"role\":\"user\",\"content\":\"key AKIAIOSFODNN7EXAMPLE\"},"
                        + "{\"role\":\"user\",\"content\":\"mail bob@example.com\"}]}"));
        assertTrue(r.blocked());
        assertEquals("email at $.messages[1].content", r.verdicts().get(0).reason());
    }
}
