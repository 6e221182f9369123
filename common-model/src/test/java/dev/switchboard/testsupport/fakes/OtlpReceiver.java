package dev.switchboard.testsupport.fakes;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OTLP trace receiver for tests: HTTP/protobuf ({@code POST /v1/traces}) or gRPC
 * ({@code opentelemetry.proto.collector.trace.v1.TraceService/Export}), decoding each {@code ExportTraceServiceRequest}
 * with OpenTelemetry's own proto classes. It keeps every span it received with its resource, and can be told to
 * refuse the next requests as unavailable (503, gRPC UNAVAILABLE).
 */
public final class OtlpReceiver implements AutoCloseable {

    static final String GRPC_METHOD = "opentelemetry.proto.collector.trace.v1.TraceService/Export";

    /** One span as received, with its resource's attributes. */
    public record Received(Span span, Resource resource) {

        public String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        public String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        public String parentSpanId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        /** An attribute's value, or null. */
        public AnyValue attribute(String key) {
            for (KeyValue kv : span.getAttributesList()) {
                if (kv.getKey().equals(key)) {
                    return kv.getValue();
                }
            }
            return null;
        }

        public String string(String key) {
            AnyValue v = attribute(key);
            return v == null ? null : v.getStringValue();
        }

        public String resourceString(String key) {
            for (KeyValue kv : resource.getAttributesList()) {
                if (kv.getKey().equals(key)) {
                    return kv.getValue().getStringValue();
                }
            }
            return null;
        }
    }

    private final List<Received> spans = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private final HttpServer http;
    private final Vertx vertx;
    private final io.vertx.core.http.HttpServer grpc;
    private final String endpoint;

    private OtlpReceiver(HttpServer http, Vertx vertx, io.vertx.core.http.HttpServer grpc, String endpoint) {
        this.http = http;
        this.vertx = vertx;
        this.grpc = grpc;
        this.endpoint = endpoint;
    }

    /** An HTTP/protobuf receiver on a free loopback port. */
    public static OtlpReceiver http() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server, null, null,
                    "http://127.0.0.1:" + server.getAddress().getPort());
            server.createContext("/v1/traces", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int status;
                byte[] answer = new byte[0];
                if (!"POST".equals(exchange.getRequestMethod())
                        || !"application/x-protobuf".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                    status = 415;
                } else if (receiver.refuse()) {
                    status = 503;
                } else {
                    status = receiver.take(body) ? 200 : 400;
                    answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                }
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gRPC receiver (Vert.x's gRPC server, HTTP/2 cleartext) on a free loopback port. */
    public static OtlpReceiver grpc() {
        Vertx vertx = Vertx.vertx();
        OtlpReceiver[] self = new OtlpReceiver[1];
        GrpcServer server = GrpcServer.server(vertx).callHandler(call -> {
            if (!GRPC_METHOD.equals(call.fullMethodName())) {
                call.response().status(GrpcStatus.UNIMPLEMENTED).end();
                return;
            }
            call.last().onSuccess(body -> {
                if (self[0].refuse()) {
                    call.response().status(GrpcStatus.UNAVAILABLE).end();
                } else if (self[0].take(body.getBytes())) {
                    call.response().end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
                } else {
                    call.response().status(GrpcStatus.INVALID_ARGUMENT).end();
                }
            });
        });
        try {
            io.vertx.core.http.HttpServer listening = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
                    .requestHandler(server).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            self[0] = new OtlpReceiver(null, vertx, listening, "http://127.0.0.1:" + listening.actualPort());
            return self[0];
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("could not start the gRPC receiver", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: the base URL for HTTP (the path is {@code /v1/traces}) and the gRPC target. */
    public String endpoint() {
        return endpoint;
    }

    /** Answers the next {@code n} requests as unavailable, keeping nothing of them. */
    public void refuseNext(int n) {
        refuseNext.set(n);
    }

    /** Requests received (the refused ones too). */
    public int requests() {
        return requests.get();
    }

    public synchronized List<Received> spans() {
        return List.copyOf(spans);
    }

    public synchronized List<Received> spansOfTrace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private boolean refuse() {
        requests.incrementAndGet();
        return refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private boolean take(byte[] body) {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
        synchronized (this) {
            for (ResourceSpans rs : request.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span span : ss.getSpansList()) {
                        spans.add(new Received(span, rs.getResource()));
                    }
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        if (grpc != null) {
            grpc.close();
            vertx.close();
        }
    }
}
