package dev.switchboard.model.secret;

import java.util.Objects;

/**
 * A credential in the config. It is held as one of: a clear value (only as read from a file or an API request), the
 * name of an environment variable, or a value sealed with the master key. It never prints its value, and its JSON form
 * is never the clear value (see {@link SecretJson}). Use {@link SecretResolver} to get the value at the point of use.
 */
public final class Secret {

    public enum Source { CLEAR, ENV, SEALED }

    private final Source source;
    private final String text;

    private Secret(Source source, String text) {
        this.source = Objects.requireNonNull(source);
        this.text = Objects.requireNonNull(text);
    }

    public static Secret clear(String value) {
        return new Secret(Source.CLEAR, value);
    }

    public static Secret fromEnv(String variable) {
        return new Secret(Source.ENV, variable);
    }

    public static Secret sealed(String sealedValue) {
        return new Secret(Source.SEALED, sealedValue);
    }

    public Source source() {
        return source;
    }

    /** The environment variable's name; only for {@link Source#ENV}. */
    public String envVariable() {
        requireSource(Source.ENV);
        return text;
    }

    /** The sealed form; only for {@link Source#SEALED}. */
    public String sealedValue() {
        requireSource(Source.SEALED);
        return text;
    }

    /** The clear value; only for {@link Source#CLEAR}, and only for {@link SecretResolver} and sealing. */
    String clearValue() {
        requireSource(Source.CLEAR);
        return text;
    }

    /** This secret with a clear value sealed; other sources are returned as they are. */
    public Secret sealWith(SecretSealer sealer) {
        return source == Source.CLEAR ? sealed(sealer.seal(text)) : this;
    }

    private void requireSource(Source expected) {
        if (source != expected) {
            throw new IllegalStateException("secret is " + source + ", not " + expected);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && source == other.source && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, text);
    }

    @Override
    public String toString() {
        return switch (source) {
            case CLEAR -> "Secret[***]";
            case ENV -> "Secret[env:" + text + "]";
            case SEALED -> "Secret[sealed]";
        };
    }
}
