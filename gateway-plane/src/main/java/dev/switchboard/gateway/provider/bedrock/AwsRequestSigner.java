package dev.switchboard.gateway.provider.bedrock;

import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.model.config.ProviderAuth;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * Signs Bedrock calls with SigV4, by the AWS SDK's own {@link AwsV4HttpSigner}, with credentials from the SDK's
 * providers: the account's static keys, the process's {@code AWS_*} environment, or a web identity (IRSA on EKS)
 * exchanged at STS. The SDK's providers cache and refresh what they fetch; one provider per account config lives here
 * across snapshots, so that a new snapshot does not throw the cached credentials away. Resolving may block (an STS
 * call) only when nothing fresh is cached: that is done on a worker thread, never on the event loop.
 */
final class AwsRequestSigner {

    static final String SIGNING_NAME = "bedrock";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    /** Credentials closer than this to their expiry are resolved off the event loop, where a refresh may block. */
    private static final Duration FRESH_FOR = Duration.ofMinutes(2);
    private static final String DEFAULT_SESSION_NAME = "switchboard-gateway";

    private final Clock clock;
    private final Map<ProviderKey, CachingSource> sources = new ConcurrentHashMap<>();

    AwsRequestSigner(Clock clock) {
        this.clock = clock;
    }

    /** What identifies an account's credential source; a changed auth or region starts a new one. */
    private record ProviderKey(String account, String region, ProviderAuth auth) {
    }

    /**
     * The headers of a signed {@code POST} of {@code body} to {@code path} at {@code upstream}: {@code headers} plus
     * {@code Host}, {@code X-Amz-Date}, {@code Authorization} and, for temporary credentials,
     * {@code X-Amz-Security-Token}.
     */
    Future<MultiMap> sign(Upstream upstream, String path, MultiMap headers, Buffer body) {
        return credentials(upstream).map(identity -> {
            SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                    .method(SdkHttpMethod.POST)
                    .protocol(upstream.ssl() ? "https" : "http")
                    .host(upstream.host())
                    .port(upstream.port())
                    .encodedPath(path);
            headers.forEach(h -> request.appendHeader(h.getKey(), h.getValue()));
            SignedRequest signed = SIGNER.sign(r -> r.identity(identity)
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArrayUnsafe(body.getBytes()))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, upstream.account().region())
                    .putProperty(HttpSigner.SIGNING_CLOCK, clock));
            MultiMap out = MultiMap.caseInsensitiveMultiMap();
            for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
                out.add(h.getKey(), h.getValue());
            }
            return out;
        });
    }

    private Future<AwsCredentialsIdentity> credentials(Upstream upstream) {
        ProviderAuth auth = upstream.account().auth();
        if (auth.type() == ProviderAuth.Type.AWS_ACCESS_KEY) {
            Upstream.AwsKeys keys = upstream.awsKeys();
            return Future.succeededFuture(keys.sessionToken() == null
                    ? AwsCredentialsIdentity.create(keys.accessKeyId(), keys.secretAccessKey())
                    : AwsSessionCredentialsIdentity.create(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken()));
        }
        ProviderKey key = new ProviderKey(upstream.account().name(), upstream.account().region(), auth);
        try {
            return sources.computeIfAbsent(key, k -> new CachingSource(provider(k))).resolve();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static AwsCredentialsProvider provider(ProviderKey key) {
        ProviderAuth auth = key.auth();
        return switch (auth.type()) {
            // system properties first, so that a JVM-wide setting can stand in for the environment (tests do)
            case AWS_ENVIRONMENT -> AwsCredentialsProviderChain.of(SystemPropertyCredentialsProvider.create(),
                    EnvironmentVariableCredentialsProvider.create());
            case AWS_WEB_IDENTITY -> webIdentity(key.region(), auth);
            default -> throw new IllegalStateException("no AWS credentials for auth type " + auth.type());
        };
    }

    /**
     * IRSA: the pod's projected service-account token, exchanged at STS ({@code AssumeRoleWithWebIdentity}, which
     * needs no AWS credentials) for the role's temporary keys, refreshed in the background before they expire. The role
     * and token file default to the {@code AWS_ROLE_ARN} and {@code AWS_WEB_IDENTITY_TOKEN_FILE} that EKS sets; STS is
     * the region's (or {@code AWS_ENDPOINT_URL_STS}).
     */
    private static AwsCredentialsProvider webIdentity(String region, ProviderAuth auth) {
        String roleArn = auth.roleArn() != null ? auth.roleArn() : System.getenv("AWS_ROLE_ARN");
        String tokenFile = auth.webIdentityTokenFile() != null ? auth.webIdentityTokenFile()
                : System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (roleArn == null || tokenFile == null) {
            throw new IllegalStateException("web identity needs role_arn and web_identity_token_file "
                    + "(or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE in the environment)");
        }
        String sessionName = auth.roleSessionName() != null ? auth.roleSessionName()
                : System.getenv().getOrDefault("AWS_ROLE_SESSION_NAME", DEFAULT_SESSION_NAME);
        StsClient sts = StsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        return StsWebIdentityTokenFileCredentialsProvider.builder()
                .stsClient(sts)
                .roleArn(roleArn)
                .webIdentityTokenFile(Path.of(tokenFile))
                .roleSessionName(sessionName)
                .asyncCredentialUpdateEnabled(true)
                .build();
    }

    /**
     * One account's provider, with the identity it last gave: while that is fresh the provider is asked on the event
     * loop (it answers from its cache); otherwise on a worker thread, where its refresh may call STS.
     */
    private final class CachingSource {
        private final AwsCredentialsProvider provider;
        private volatile AwsCredentialsIdentity last;

        CachingSource(AwsCredentialsProvider provider) {
            this.provider = provider;
        }

        Future<AwsCredentialsIdentity> resolve() {
            AwsCredentialsIdentity known = last;
            boolean fresh = known != null && known.expirationTime()
                    .map(expiry -> expiry.isAfter(clock.instant().plus(FRESH_FOR))).orElse(true);
            Context context = Vertx.currentContext();
            if (fresh || context == null) {
                try {
                    return Future.succeededFuture(remember(provider.resolveCredentials()));
                } catch (RuntimeException e) {
                    return Future.failedFuture(e);
                }
            }
            return context.executeBlocking(() -> remember(provider.resolveCredentials()), false);
        }

        private AwsCredentialsIdentity remember(AwsCredentialsIdentity identity) {
            last = identity;
            return identity;
        }
    }
}
