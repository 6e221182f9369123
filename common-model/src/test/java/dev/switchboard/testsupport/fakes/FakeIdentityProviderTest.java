package dev.switchboard.testsupport.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FakeIdentityProviderTest {

    private static final String AUDIENCE = "switchboard";
    private static final List<String> GROUPS = List.of("eng", "admins");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** Shared because RSA key generation is the slow part; the rotation test starts its own. */
    private static FakeIdentityProvider idp;

    @BeforeAll
    static void start() {
        idp = FakeIdentityProvider.start();
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void servesJwksAndAMintedTokenVerifiesAgainstIt() throws Exception {
        assertEquals("http://127.0.0.1:" + URI.create(idp.jwksUrl()).getPort() + "/", idp.issuer());
        int fetchesBefore = idp.jwksFetchCount();
        HttpResponse<String> response = get(idp.jwksUrl());
        assertEquals(200, response.statusCode());
        assertEquals(fetchesBefore + 1, idp.jwksFetchCount());
        JsonNode key = JSON.readTree(response.body()).path("keys").get(0);
        assertEquals("RSA", key.path("kty").asText());
        assertEquals(idp.currentKid(), key.path("kid").asText());
        assertFalse(key.has("d"), "the JWKS must not leak the private key");

        String token = idp.tokenFor("ada@example.com", GROUPS, AUDIENCE);
        JwtClaims claims = consumer(idp, response.body()).processToClaims(token);
        assertEquals(idp.issuer(), claims.getIssuer());
        assertEquals(List.of(AUDIENCE), claims.getAudience());
        assertEquals("ada@example.com", claims.getSubject());
        assertEquals("ada@example.com", claims.getStringClaimValue("email"));
        assertEquals(GROUPS, claims.getStringListClaimValue("groups"));
        assertTrue(claims.getExpirationTime().getValue() > claims.getIssuedAt().getValue());

        JsonWebSignature header = new JsonWebSignature();
        header.setCompactSerialization(token);
        assertEquals(AlgorithmIdentifiers.RSA_USING_SHA256, header.getAlgorithmHeaderValue());
        assertEquals(idp.currentKid(), header.getKeyIdHeaderValue());
    }

    @Test
    void expiredUnknownKeyAndWrongAudienceTokensFail() throws Exception {
        JwtConsumer consumer = consumer(idp, get(idp.jwksUrl()).body());

        InvalidJwtException expired = assertThrows(InvalidJwtException.class,
                () -> consumer.processToClaims(idp.expiredToken("ada@example.com", GROUPS, AUDIENCE)));
        assertTrue(expired.hasExpired());

        assertThrows(InvalidJwtException.class,
                () -> consumer.processToClaims(idp.tokenSignedByUnknownKey("ada@example.com", GROUPS, AUDIENCE)));
        assertThrows(InvalidJwtException.class,
                () -> consumer.processToClaims(idp.tokenWithAudience("ada@example.com", GROUPS, List.of("other"))));
        assertEquals(List.of("other", AUDIENCE), consumer.processToClaims(
                idp.tokenWithAudience("ada@example.com", GROUPS, List.of("other", AUDIENCE))).getAudience());
    }

    @Test
    void customClaimsOverrideDefaults() throws Exception {
        String token = idp.token(Map.of("iss", "https://elsewhere/", "aud", AUDIENCE, "tier", "gold"),
                Duration.ofMinutes(1));
        JwtConsumer anyIssuer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(
                        new JsonWebKeySet(idp.jwksJson()).getJsonWebKeys()))
                .setExpectedAudience(AUDIENCE).build();
        JwtClaims claims = anyIssuer.processToClaims(token);
        assertEquals("https://elsewhere/", claims.getIssuer());
        assertEquals("gold", claims.getStringClaimValue("tier"));
    }

    @Test
    void rotationPublishesTheNewKeyAndCanRetireTheOld() throws Exception {
        try (FakeIdentityProvider rotating = FakeIdentityProvider.start("https://idp.test/")) {
            assertEquals("https://idp.test/", rotating.issuer());
            String oldKid = rotating.currentKid();
            String oldToken = rotating.tokenFor("bob@example.com", GROUPS, AUDIENCE);

            String newKid = rotating.rotate();
            assertEquals(List.of(oldKid, newKid), rotating.publishedKids());
            JwtConsumer bothKeys = consumer(rotating, get(rotating.jwksUrl()).body());
            bothKeys.processToClaims(oldToken);
            bothKeys.processToClaims(rotating.tokenFor("bob@example.com", GROUPS, AUDIENCE));

            rotating.rotate(false);
            assertEquals(1, rotating.publishedKids().size());
            JwtConsumer newestKeyOnly = consumer(rotating, get(rotating.jwksUrl()).body());
            assertThrows(InvalidJwtException.class, () -> newestKeyOnly.processToClaims(oldToken));
            assertEquals(2, rotating.jwksFetchCount());
        }
    }

    @Test
    void discoveryPointsAtTheJwks() throws Exception {
        JsonNode discovery = JSON.readTree(get(idp.discoveryUrl()).body());
        assertEquals(idp.issuer(), discovery.path("issuer").asText());
        assertEquals(idp.jwksUrl(), discovery.path("jwks_uri").asText());
    }

    private static JwtConsumer consumer(FakeIdentityProvider provider, String jwksJson) throws Exception {
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(
                        new JsonWebKeySet(jwksJson).getJsonWebKeys()))
                .setExpectedIssuer(provider.issuer())
                .setExpectedAudience(AUDIENCE)
                .setRequireExpirationTime()
                .setRequireSubject()
                .build();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
