package dev.bulwark.sql;

/** API placeholder: lands on the {@code sql} branch. */
public final class SqlText {
    private SqlText() {
    }

    /** True when the text holds nothing but whitespace and comments. Never throws. */
    public static boolean isBlank(String sql) {
        throw new UnsupportedOperationException("not yet merged");
    }
}
