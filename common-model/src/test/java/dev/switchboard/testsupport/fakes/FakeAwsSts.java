package dev.switchboard.testsupport.fakes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake AWS STS that answers {@code AssumeRoleWithWebIdentity} (the query protocol: a form POST, an XML answer) the
 * way STS does for IRSA: it checks the role ARN and the web identity token it was set up with and issues the temporary
 * keys it was given, valid for {@code validity}; anything else gets STS's XML error. Records every call's form.
 */
public final class FakeAwsSts implements AutoCloseable {

    private final HttpServer server;
    private final String roleArn;
    private final String webIdentityToken;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final Duration validity;
    private final List<Map<String, String>> calls = new CopyOnWriteArrayList<>();

    private FakeAwsSts(HttpServer server, String roleArn, String webIdentityToken, String accessKeyId,
                       String secretAccessKey, String sessionToken, Duration validity) {
        this.server = server;
        this.roleArn = roleArn;
        this.webIdentityToken = webIdentityToken;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.sessionToken = sessionToken;
        this.validity = validity;
    }

    /** Issues the given keys to a caller presenting {@code webIdentityToken} for {@code roleArn}. */
    public static FakeAwsSts start(String roleArn, String webIdentityToken, String accessKeyId, String secretAccessKey,
                                   String sessionToken, Duration validity) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            FakeAwsSts fake = new FakeAwsSts(server, roleArn, webIdentityToken, accessKeyId, secretAccessKey,
                    sessionToken, validity);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start fake STS", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The form of every call, oldest first. */
    public List<Map<String, String>> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = new HashMap<>();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            calls.add(Map.copyOf(form));
            if (!"AssumeRoleWithWebIdentity".equals(form.get("Action"))) {
                error(exchange, 400, "InvalidAction", "Could not find operation " + form.get("Action"));
            } else if (!roleArn.equals(form.get("RoleArn"))) {
                error(exchange, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
            } else if (!webIdentityToken.equals(form.get("WebIdentityToken"))) {
                error(exchange, 400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider");
            } else {
                Instant expiry = Instant.now().plus(validity).truncatedTo(ChronoUnit.SECONDS);
                String xml = """
                        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                          <AssumeRoleWithWebIdentityResult>
                            <Credentials>
                              <AccessKeyId>%s</AccessKeyId>
                              <SecretAccessKey>%s</SecretAccessKey>
                              <SessionToken>%s</SessionToken>
                              <Expiration>%s</Expiration>
                            </Credentials>
                            <SubjectFromWebIdentityToken>system:serviceaccount:switchboard:gateway</SubjectFromWebIdentityToken>
                            <AssumedRoleUser>
                              <Arn>%s/%s</Arn>
                              <AssumedRoleId>AROAFAKEROLEID:%s</AssumedRoleId>
                            </AssumedRoleUser>
                          </AssumeRoleWithWebIdentityResult>
                          <ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>
                        </AssumeRoleWithWebIdentityResponse>
                        """.formatted(accessKeyId, secretAccessKey, sessionToken, expiry, roleArn,
                        form.get("RoleSessionName"), form.get("RoleSessionName"), UUID.randomUUID());
                send(exchange, 200, xml);
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
                  <RequestId>%s</RequestId>
                </ErrorResponse>
                """.formatted(code, message, UUID.randomUUID()));
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "text/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
