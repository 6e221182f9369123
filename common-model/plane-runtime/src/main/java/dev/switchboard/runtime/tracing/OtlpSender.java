package dev.switchboard.runtime.tracing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Sends encoded OTLP trace requests ({@code ExportTraceServiceRequest} bytes, as {@link SpanEncoding} made them) to a
 * collector, over HTTP/protobuf ({@code POST <endpoint>/v1/traces}) or gRPC ({@code TraceService/Export}). The bytes
 * go as they are: both transports carry the same message. Blocking, for a background thread.
 */
public final class OtlpSender implements AutoCloseable {

    static final String GRPC_METHOD = "opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The two OTLP transports. */
    public enum Protocol {
        HTTP_PROTOBUF, GRPC;

        public static Protocol of(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "grpc" -> GRPC;
                case "http/protobuf", "http" -> HTTP_PROTOBUF;
                default -> throw new IllegalArgumentException("OTLP protocol must be grpc or http/protobuf, not " + text);
            };
        }
    }

    /** A collector refused or could not be reached; {@code retryable} false for a refusal no retry changes. */
    public static final class ExportFailure extends Exception {
        private final boolean retryable;

        ExportFailure(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Protocol protocol;
    private final URI endpoint;
    private final HttpClient http;
    private final Vertx vertx;
    private final GrpcClient grpc;

    private OtlpSender(Protocol protocol, URI endpoint, Vertx vertx) {
        this.protocol = protocol;
        this.endpoint = endpoint;
        if (protocol == Protocol.GRPC) {
            this.vertx = vertx == null ? Vertx.vertx() : null;
            this.grpc = GrpcClient.client(vertx == null ? this.vertx : vertx,
                    new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            this.http = null;
        } else {
            this.vertx = null;
            this.grpc = null;
            this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
    }

    /**
     * A sender to {@code endpoint}: for HTTP the base URL ({@code /v1/traces} is added unless it ends with it), for
     * gRPC {@code http://host:port}. {@code vertx} is used for gRPC (null: one of its own).
     */
    public static OtlpSender create(Protocol protocol, String endpoint, Vertx vertx) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        if (protocol == Protocol.HTTP_PROTOBUF && !base.endsWith("/v1/traces")) {
            base = base + "/v1/traces";
        }
        return new OtlpSender(protocol, URI.create(base), vertx);
    }

    public String describe() {
        return (protocol == Protocol.GRPC ? "grpc " : "http/protobuf ") + endpoint;
    }

    /** Sends one request; returns when the collector accepted it. */
    public void send(byte[] request) throws ExportFailure, InterruptedException {
        if (protocol == Protocol.GRPC) {
            sendGrpc(request);
        } else {
            sendHttp(request);
        }
    }

    private void sendHttp(byte[] request) throws ExportFailure, InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build();
        HttpResponse<Void> response;
        try {
            response = http.send(post, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new ExportFailure("cannot reach " + endpoint + " (" + e + ")", true);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            // OTLP/HTTP: 429, 502, 503, 504 may succeed later; any other refusal will not
            boolean retryable = status == 429 || status == 502 || status == 503 || status == 504;
            throw new ExportFailure(endpoint + " answered " + status, retryable);
        }
    }

    private void sendGrpc(byte[] request) throws ExportFailure, InterruptedException {
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : 4317;
        try {
            GrpcStatus status = grpc.request(SocketAddress.inetSocketAddress(port, endpoint.getHost()))
                    .compose(call -> {
                        call.fullMethodName(GRPC_METHOD);
                        call.end(Buffer.buffer(request));
                        return call.response();
                    })
                    // a refusal may fail the end: the status says what it was either way
                    .compose(response -> response.end().map(v -> response.status())
                            .recover(err -> response.status() == null ? Future.failedFuture(err)
                                    : Future.succeededFuture(response.status())))
                    .toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (status != GrpcStatus.OK) {
                throw new ExportFailure(endpoint + " answered gRPC status " + status, retryable(status));
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ExportFailure("cannot reach " + endpoint + " (" + cause + ")", true);
        }
    }

    /** OTLP/gRPC's retryable codes. */
    private static boolean retryable(GrpcStatus status) {
        return switch (status) {
            case CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS -> true;
            default -> false;
        };
    }

    @Override
    public void close() {
        if (grpc != null) {
            grpc.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }
}
