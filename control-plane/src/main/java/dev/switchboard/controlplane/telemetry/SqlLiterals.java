package dev.switchboard.controlplane.telemetry;

import java.util.regex.Pattern;

/**
 * Values written into ClickHouse SQL text. ClickHouse 18.16 has no server-side query parameters, so every value a
 * caller gives is checked and quoted here, and nowhere else: identifiers must be plain, strings are quoted with every
 * backslash and quote escaped and control characters refused.
 */
public final class SqlLiterals {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private SqlLiterals() {
    }

    /** A database or table name: letters, digits and underscores, not starting with a digit, at most 63 characters. */
    public static boolean isIdentifier(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }

    /** The name itself, after checking it is a plain identifier (so it needs no quoting). */
    public static String identifier(String name) {
        if (!isIdentifier(name)) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
        return name;
    }

    /** Whether {@link #string} takes {@code value}: no control characters (tabs and line breaks included). */
    public static boolean isQuotable(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** {@code value} as a single-quoted ClickHouse string literal: {@code \} and {@code '} are escaped with {@code \}. */
    public static String string(String value) {
        if (!isQuotable(value)) {
            throw new IllegalArgumentException("a value with control characters cannot be quoted");
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\'') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('\'').toString();
    }
}
