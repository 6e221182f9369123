package dev.switchboard.runtime.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A span's attributes from a fixed set of keys ({@link Keys}), each value put in the key's slot: the keys are sorted by
 * name once, so the attributes come out in the order the SDK's own {@code Attributes} keep them (and its marshalers
 * write them), without the SDK builder's list, sort and copies per span. A key put twice keeps its last value, as the
 * SDK's builder does.
 */
public final class SpanAttributes implements Attributes {

    private final Keys keys;
    private final Object[] values;
    private int size;

    private SpanAttributes(Keys keys) {
        this.keys = keys;
        this.values = new Object[keys.keys.length];
    }

    /** Puts {@code value} (null: nothing) under {@code key}, one of the {@link Keys}. */
    public <T> SpanAttributes put(AttributeKey<T> key, T value) {
        if (value == null) {
            return this;
        }
        int slot = keys.slot(key);
        if (values[slot] == null) {
            size++;
        }
        values[slot] = value;
        return this;
    }

    public SpanAttributes put(AttributeKey<Long> key, long value) {
        return put(key, (Long) value);
    }

    public SpanAttributes put(AttributeKey<Double> key, double value) {
        return put(key, (Double) value);
    }

    public SpanAttributes put(AttributeKey<Boolean> key, boolean value) {
        return put(key, (Boolean) value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(AttributeKey<T> key) {
        Integer slot = keys.slots.get(key);
        if (slot == null) {
            // another instance of the same key (a caller's own AttributeKey): matched by name and type
            for (int i = 0; i < keys.keys.length; i++) {
                if (keys.keys[i].equals(key)) {
                    return (T) values[i];
                }
            }
            return null;
        }
        return (T) values[slot];
    }

    @Override
    public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                consumer.accept(keys.keys[i], values[i]);
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Map<AttributeKey<?>, Object> asMap() {
        Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
        forEach(map::put);
        return java.util.Collections.unmodifiableMap(map);
    }

    @Override
    public AttributesBuilder toBuilder() {
        AttributesBuilder builder = Attributes.builder();
        builder.putAll(this);
        return builder;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributes other && asMap().equals(other.asMap());
    }

    @Override
    public int hashCode() {
        return asMap().hashCode();
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** The keys a kind of span may have, sorted by name as the SDK sorts them. */
    public static final class Keys {
        private final AttributeKey<?>[] keys;
        private final IdentityHashMap<AttributeKey<?>, Integer> slots = new IdentityHashMap<>();

        public Keys(AttributeKey<?>... keys) {
            this.keys = keys.clone();
            Arrays.sort(this.keys, Comparator.comparing(AttributeKey::getKey));
            for (int i = 0; i < this.keys.length; i++) {
                if (i > 0 && this.keys[i].getKey().equals(this.keys[i - 1].getKey())) {
                    throw new IllegalArgumentException("two keys named " + this.keys[i].getKey());
                }
                slots.put(this.keys[i], i);
            }
        }

        /** A span's attributes, none put yet. */
        public SpanAttributes attributes() {
            return new SpanAttributes(this);
        }

        private int slot(AttributeKey<?> key) {
            Integer slot = slots.get(key);
            if (slot == null) {
                throw new IllegalArgumentException("not one of the keys: " + key.getKey());
            }
            return slot;
        }
    }
}
