package dev.switchboard.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Attributes put in slots come out as the SDK's own attributes of the same values do, and encode to the same bytes. */
class SpanAttributesTest {

    private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
    private static final AttributeKey<Long> TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    private static final AttributeKey<Double> COST = AttributeKey.doubleKey("switchboard.cost_usd");
    private static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("switchboard.stream");
    private static final AttributeKey<List<String>> REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    private static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");
    private static final SpanAttributes.Keys KEYS = new SpanAttributes.Keys(STREAM, COST, TOKENS, MODEL, REASONS, ERROR);

    private static List<String> names(Attributes attributes) {
        List<String> names = new ArrayList<>();
        attributes.forEach((k, v) -> names.add(k.getKey()));
        return names;
    }

    private static SpanData span(Attributes attributes) {
        return new FinishedSpan("chat m", SpanKind.SERVER, FinishedSpan.context(1, 2, 3), FinishedSpan.remoteParent(1, 2,
                0), StatusData.unset(), 10, 20, attributes, Resource.empty(), InstrumentationScopeInfo.create("t"), null);
    }

    @Test
    void theSdksOrderTheSdksValuesTheSdksBytes() {
        SpanAttributes slots = KEYS.attributes().put(STREAM, true).put(COST, 0.25).put(MODEL, "gpt-4o")
                .put(TOKENS, 12L).put(ERROR, "first").put(ERROR, "last").put(REASONS, List.of("stop"))
                .put(MODEL, (String) null);
        Attributes sdk = Attributes.builder().put(STREAM, true).put(COST, 0.25).put(MODEL, "gpt-4o").put(TOKENS, 12L)
                .put(ERROR, "first").put(ERROR, "last").put(REASONS, List.of("stop")).build();
        assertEquals(names(sdk), names(slots), "sorted by name, as the SDK sorts");
        assertEquals(sdk.asMap(), slots.asMap());
        assertEquals(sdk.size(), slots.size());
        assertEquals("last", slots.get(ERROR), "a key put twice keeps its last value");
        assertEquals(12L, slots.get(AttributeKey.longKey("gen_ai.usage.input_tokens")), "any instance of the key");
        assertNull(slots.get(AttributeKey.stringKey("switchboard.team")));
        assertEquals(sdk, slots.toBuilder().build());
        assertArrayEquals(SpanEncoding.encode(List.of(span(sdk))), SpanEncoding.encode(List.of(span(slots))));
        assertEquals(0, KEYS.attributes().size());
        assertEquals(true, KEYS.attributes().isEmpty());
    }

    @Test
    void onlyTheKeysItWasMadeWith() {
        assertThrows(IllegalArgumentException.class,
                () -> KEYS.attributes().put(AttributeKey.stringKey("switchboard.team"), "ml"));
        assertThrows(IllegalArgumentException.class,
                () -> new SpanAttributes.Keys(MODEL, AttributeKey.longKey("gen_ai.request.model")));
    }
}
