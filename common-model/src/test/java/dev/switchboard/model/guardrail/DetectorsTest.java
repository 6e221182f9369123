package dev.switchboard.model.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each built-in detector: what it must find (the whole finding) and the near misses it must leave alone. */
class DetectorsTest {

    private static List<String> found(String detector, String text) {
        TextDetector d = Detectors.PII.containsKey(detector) ? Detectors.PII.get(detector) : Detectors.SECRETS.get(detector);
        List<Finding> findings = new ArrayList<>();
        d.find(text, findings);
        return TextCheck.merge(findings).stream().map(f -> text.substring(f.start(), f.end())).toList();
    }

    private static void finds(String detector, String text, String... expected) {
        assertEquals(List.of(expected), found(detector, text), detector + " in: " + text);
    }

    private static void findsNothing(String detector, String text) {
        assertEquals(List.of(), found(detector, text), detector + " in: " + text);
    }

    // ---- email

    @Test
    void emailsInText() {
        finds("email", "write to alice.smith+news@mail.example.co.uk today", "alice.smith+news@mail.example.co.uk");
        finds("email", "<bob@example.com>, carol@example.org.", "bob@example.com", "carol@example.org");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@localhost", "@example.com", "alice at example dot com", "a@b.c", "git@github"})
    void notEmails(String text) {
        findsNothing("email", text);
    }

    // ---- phone

    @ParameterizedTest
    @ValueSource(strings = {"+14155552671", "+1 415 555 2671", "+44 20 7946 0958", "+49 (30) 901820", "+33 1 23 45 67 89",
            "(415) 555-2671", "415-555-2671", "415.555.2671", "415 555 2671", "020 7946 0958", "07700 900123"})
    void phoneNumbers(String phone) {
        finds("phone", "call " + phone + " now", phone);
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345678901234", "2024-01-15", "2024-01-15 10:30", "01-02-2024", "version 1.2.3",
            "192.168.100.200", "v10.20.3040", "order 4155552671", "+123", "123-45-6789", "105-555-2671",
            "build 2024.01.15.1234"})
    void notPhoneNumbers(String text) {
        findsNothing("phone", text);
    }

    // ---- card

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "5500 0000 0000 0004",
            "3782 822463 10005", "6011000990139424", "4222222222222"})
    void cardNumbersPassingLuhn(String card) {
        finds("card", "pay with " + card + ", thanks", card);
    }

    @Test
    void sixteenDigitsFailingLuhnAreNotACard() {
        assertTrue(!Detectors.luhn("4111111111111112"));
        findsNothing("card", "pay with 4111111111111112 thanks");
        findsNothing("card", "pay with 4111 1111 1111 1112 thanks");
    }

    @Test
    void aCardFollowedByMoreDigitsIsStillFound() {
        finds("card", "card 4111 1111 1111 1111 12 25", "4111 1111 1111 1111");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-15 2024-01-16", "12345678901234567890123", "0000 0000 0000 0000", "1234",
            "3.14159265358979323", "+14155552671", "id 41111111111111111111"})
    void notCards(String text) {
        findsNothing("card", text);
    }

    // ---- iban

    @ParameterizedTest
    @ValueSource(strings = {"DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32",
            "FR1420041010050500013M02606", "NL91ABNA0417164300", "CH9300762011623852957"})
    void ibansPassingMod97(String iban) {
        finds("iban", "send to " + iban + " today", iban);
    }

    @Test
    void anIbanRunningIntoTheNextWordIsCutToTheCountryLength() {
        finds("iban", "IBAN DE89 3704 0044 0532 0130 00 SEPA", "DE89 3704 0044 0532 0130 00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE88370400440532013000", "GB83 WEST 1234 5698 7654 32", "DE8937040044053201300",
            "XX00 1234 5678 9012 34", "AB12CDEFGHIJKLMNOP"})
    void ibansWithAWrongCheckDigitOrLength(String text) {
        findsNothing("iban", text);
    }

    // ---- national_id

    @ParameterizedTest
    @ValueSource(strings = {"123-45-6789", "078 05 1120", "AB 12 34 56 C", "AB123456C", "JG103759A"})
    void nationalIds(String id) {
        finds("national_id", "id: " + id + ".", id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000",
            "123-45 6789", "123456789", "1123-45-6789", "BG123456C", "GB123456A", "DA123456C", "AO123456C",
            "AB123456E", "2024-01-15"})
    void notNationalIds(String text) {
        findsNothing("national_id", text);
    }

    // ---- secrets

    @Test
    void cloudKeys() {
        finds("aws_access_key", "key=AKIAIOSFODNN7EXAMPLE;", "AKIAIOSFODNN7EXAMPLE");
        finds("aws_access_key", "ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A");
        findsNothing("aws_access_key", "AKIAIOSFODNN7EXAMPL and AKIAIOSFODNN7EXAMPLEX and akiaiosfodnn7example");
        finds("gcp_api_key", "key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&x", "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI");
        findsNothing("gcp_api_key", "AIzaTooShort123");
    }

    @Test
    void tokens() {
        String ghp = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        finds("github_token", "token " + ghp + " ok", ghp);
        String pat = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV";
        finds("github_token", pat, pat);
        findsNothing("github_token", "ghp_short and ghx_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
        finds("slack_token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx");
        findsNothing("slack_token", "xoxb- and xoxz-1234567890123");
    }

    @Test
    void privateKeyBlocksWholly() {
        String key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----";
        finds("private_key", "here:\n" + key + "\nbye", key);
        String unterminated = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA";
        finds("private_key", unterminated, unterminated);
        findsNothing("private_key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----");
        findsNothing("private_key", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
    }

    @Test
    void jwtsNeedAHeaderWithAlg() {
        String jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        finds("jwt", "Authorization token " + jwt + " end", jwt);
        // header {"typ":"JWT"} has no alg
        findsNothing("jwt", "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N");
        findsNothing("jwt", "www.example-domain.com and archive.tar.gz and com.example.Service.method");
    }

    @Test
    void bearerTokens() {
        finds("bearer_token", "Authorization: Bearer sk-live-0123456789abcdef", "sk-live-0123456789abcdef");
        finds("bearer_token", "authorization: bearer abc123def", "abc123def");
        findsNothing("bearer_token", "Bearer authentication is described in RFC 6750; use Bearer <token>");
    }

    @Test
    void highEntropyStrings() {
        finds("high_entropy", "secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCY9EXAMPLE8KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY9EXAMPLE8KEY");
        finds("high_entropy", "sk=Xq3vT9zLm2Rb7Kc4Wp8Ny1Hd6Gf5Js0A", "Xq3vT9zLm2Rb7Kc4Wp8Ny1Hd6Gf5Js0A");
    }

    @ParameterizedTest
    @ValueSource(strings = {"550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-446655440000",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "src/main/java/dev/switchboard/model/guardrail", "SwitchboardConfigV2BuilderFactory",
            "internationalization_and_localization", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA11", "short1Ab"})
    void obviousNonSecretsAreNotHighEntropy(String text) {
        findsNothing("high_entropy", text);
    }

    @Test
    void aBase64ImageIsTooLongToBeASecret() {
        StringBuilder image = new StringBuilder();
        java.util.Random random = new java.util.Random(1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 4000; i++) {
            image.append(alphabet.charAt(random.nextInt(64)));
        }
        findsNothing("high_entropy", image.toString());
    }
}
