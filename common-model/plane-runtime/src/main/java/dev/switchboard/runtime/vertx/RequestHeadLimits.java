package dev.switchboard.runtime.vertx;

import dev.switchboard.runtime.Settings;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The limits on a request's head, its request line and its headers, checked by each plane's first route so that a
 * request over them is refused in the plane's own error shape (OpenAI's, JSON-RPC's). Vert.x's HTTP server checks its
 * own limits while it parses, before any route runs, and answers a bare 414 or 431 no client can read, with no hook in
 * Quarkus to change that answer: so its limits are set well above these (this class is also the config source that
 * says so, for HTTP/1.1 and HTTP/2), and only a head no client sends (over 256 KB of headers or a 64 KB request
 * line) still meets them.
 * Each plane registers it in its {@code META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource}.
 */
public final class RequestHeadLimits implements ConfigSource {

    public static final String MAX_REQUEST_LINE = "switchboard.http.max-request-line";
    public static final String MAX_HEADER_SIZE = "switchboard.http.max-header-size";
    static final int DEFAULT_MAX_REQUEST_LINE = 4096;
    static final int DEFAULT_MAX_HEADER_SIZE = 20 * 1024;

    /** The HTTP server's own limits: the backstop, at the lowest precedence so that an explicit setting still wins. */
    private static final Map<String, String> SERVER_LIMITS = Map.of(
            "quarkus.http.limits.max-header-size", "256K",
            // HTTP/2's own (SETTINGS_MAX_HEADER_LIST_SIZE; Netty's default of 8 KB would end the connection first)
            "quarkus.http.limits.max-header-list-size", Integer.toString(256 * 1024),
            "quarkus.http.limits.max-initial-line-length", Integer.toString(64 * 1024));

    /** Why a request was refused: 414 or 431, and a message that names sizes only, never a header's value. */
    public record Refusal(int status, String message) {
    }

    /** The limits as the planes read them ({@link #MAX_REQUEST_LINE}, {@link #MAX_HEADER_SIZE}). */
    public record Limits(long maxRequestLine, long maxHeaderSize) {

        public static Limits from(Config config) {
            Settings settings = new Settings(config);
            return new Limits(settings.number(MAX_REQUEST_LINE, Integer.toString(DEFAULT_MAX_REQUEST_LINE)),
                    settings.number(MAX_HEADER_SIZE, Integer.toString(DEFAULT_MAX_HEADER_SIZE)));
        }

        /**
         * The request line is measured as sent ({@code METHOD SP target SP version}), the headers as the sum of their
         * lines ({@code name: value}), as the HTTP server measures them.
         */
        public Optional<Refusal> check(HttpServerRequest request) {
            long line = request.method().name().length() + 1 + request.uri().length() + 1 + version(request.version())
                    .length();
            if (line > maxRequestLine) {
                return Optional.of(new Refusal(414, "The request line is " + line + " bytes, over the limit of "
                        + maxRequestLine + " bytes; send long parameters in the body."));
            }
            long headers = 0;
            for (Map.Entry<String, String> h : request.headers()) {
                headers += h.getKey().length() + 2 + h.getValue().length();
            }
            if (headers > maxHeaderSize) {
                return Optional.of(new Refusal(431, "The request headers are " + headers + " bytes, over the limit of "
                        + maxHeaderSize + " bytes."));
            }
            return Optional.empty();
        }

        private static String version(HttpVersion version) {
            return switch (version == null ? HttpVersion.HTTP_1_1 : version) {
                case HTTP_1_0 -> "HTTP/1.0";
                case HTTP_1_1 -> "HTTP/1.1";
                case HTTP_2 -> "HTTP/2";
            };
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return SERVER_LIMITS.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return SERVER_LIMITS.get(propertyName);
    }

    @Override
    public String getName() {
        return "switchboard-request-head-limits";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
