package dev.switchboard.gateway.provider;

import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.Timeouts;
import java.net.URI;

/**
 * A provider account made ready for calls: its base URL split for the HTTP client and its credential resolved.
 * Built once per snapshot, off the request path. {@code credential} is null when the account needs none, and
 * {@code credentialError} says why it is missing when it needs one that could not be resolved. {@code awsKeys} holds
 * the static AWS keys of an {@code aws-access-key} account (null otherwise).
 */
public record Upstream(ProviderAccount account, boolean ssl, String host, int port, String basePath,
                       String credential, String credentialError, AwsKeys awsKeys) {

    /** Static AWS keys, resolved from their secret references; {@code sessionToken} may be null. */
    public record AwsKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "AwsKeys[***]";
        }
    }

    public static Upstream of(ProviderAccount account, String credential, String credentialError) {
        return of(account, credential, credentialError, null);
    }

    public static Upstream of(ProviderAccount account, String credential, String credentialError, AwsKeys awsKeys) {
        URI uri = URI.create(account.effectiveBaseUrl());
        boolean ssl = "https".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Upstream(account, ssl, uri.getHost(), port, path, credential, credentialError, awsKeys);
    }

    public Timeouts timeouts() {
        return account.effectiveTimeouts();
    }

    /** The value of the {@code Host} header for this upstream. */
    public String authority() {
        boolean defaultPort = (ssl && port == 443) || (!ssl && port == 80);
        return defaultPort ? host : host + ":" + port;
    }

    @Override
    public String toString() {
        // the credential never prints
        return "Upstream[" + account.name() + " " + (ssl ? "https" : "http") + "://" + authority() + basePath + "]";
    }
}
