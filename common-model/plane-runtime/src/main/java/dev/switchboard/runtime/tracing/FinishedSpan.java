package dev.switchboard.runtime.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * A span built after the fact from what the request path recorded (its ids and timestamps were taken on the way), as
 * the SDK's own {@link SpanData}, so that OpenTelemetry's marshalers and exporters take it as any other.
 */
public record FinishedSpan(String name, SpanKind kind, SpanContext context, SpanContext parent, StatusData status,
                           long startEpochNanos, long endEpochNanos, Attributes attributes, Resource resource,
                           InstrumentationScopeInfo scope, List<EventData> events) implements SpanData {

    public FinishedSpan {
        events = events == null ? List.of() : events;
    }

    /** A sampled span context of ids from {@link TraceParent}. */
    public static SpanContext context(long traceHigh, long traceLow, long spanId) {
        return context(TraceParent.traceId(traceHigh, traceLow), spanId);
    }

    /** The same, for a trace id already in hex ({@link TraceParent#traceId}): the spans of a request share it. */
    public static SpanContext context(String traceId, long spanId) {
        return SpanContext.create(traceId, TraceParent.spanId(spanId), TraceFlags.getSampled(), TraceState.getDefault());
    }

    /** The context of a remote parent (the caller's {@code traceparent}), or the invalid one for a root span. */
    public static SpanContext remoteParent(long traceHigh, long traceLow, long spanId) {
        return spanId == 0 ? SpanContext.getInvalid() : remoteParent(TraceParent.traceId(traceHigh, traceLow), spanId);
    }

    /** The same, for a trace id already in hex. */
    public static SpanContext remoteParent(String traceId, long spanId) {
        if (spanId == 0) {
            return SpanContext.getInvalid();
        }
        return SpanContext.createFromRemoteParent(traceId, TraceParent.spanId(spanId), TraceFlags.getSampled(),
                TraceState.getDefault());
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public SpanKind getKind() {
        return kind;
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public StatusData getStatus() {
        return status;
    }

    @Override
    public long getStartEpochNanos() {
        return startEpochNanos;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public List<EventData> getEvents() {
        return events;
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public long getEndEpochNanos() {
        return endEpochNanos;
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public int getTotalRecordedEvents() {
        return events.size();
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    @SuppressWarnings("deprecation") // still abstract in SpanData
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public Resource getResource() {
        return resource;
    }
}
