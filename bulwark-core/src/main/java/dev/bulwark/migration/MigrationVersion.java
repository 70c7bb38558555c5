package dev.bulwark.migration;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A migration version as written in the file name ({@code 1.2.10}, {@code 20240101120000},
 * {@code 0003}). Ordered part by part: numeric parts numerically, others as text, so that
 * {@code 1.10 > 1.9} and {@code 0010 > 9}. Equality follows the order ({@code 1.0 == 1.0.0}
 * is not assumed: Flyway treats trailing zeros as equal, so {@link #compareTo} does too).
 */
public final class MigrationVersion implements Comparable<MigrationVersion> {
    private final String text;
    private final List<Object> parts;

    private MigrationVersion(String text) {
        this.text = text;
        this.parts = parse(text);
    }

    public static MigrationVersion of(String text) {
        Objects.requireNonNull(text, "version");
        if (text.isBlank()) {
            throw new IllegalArgumentException("empty version");
        }
        return new MigrationVersion(text.trim());
    }

    private static List<Object> parse(String text) {
        List<Object> out = new ArrayList<>();
        for (String p : text.split("[._]")) {
            if (!p.isEmpty() && p.chars().allMatch(Character::isDigit)) {
                out.add(new BigInteger(p));
            } else {
                out.add(p);
            }
        }
        // trailing numeric zeros do not change the order (Flyway: 1 == 1.0)
        while (out.size() > 1 && BigInteger.ZERO.equals(out.get(out.size() - 1))) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    @Override
    public int compareTo(MigrationVersion o) {
        int n = Math.max(parts.size(), o.parts.size());
        for (int i = 0; i < n; i++) {
            Object a = i < parts.size() ? parts.get(i) : null;
            Object b = i < o.parts.size() ? o.parts.get(i) : null;
            if (a == null) return -1;
            if (b == null) return 1;
            int c;
            if (a instanceof BigInteger x && b instanceof BigInteger y) {
                c = x.compareTo(y);
            } else if (a instanceof BigInteger) {
                c = -1;
            } else if (b instanceof BigInteger) {
                c = 1;
            } else {
                c = ((String) a).compareTo((String) b);
            }
            if (c != 0) return c;
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MigrationVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return parts.hashCode();
    }

    /** The version exactly as written in the file name. */
    @Override
    public String toString() {
        return text;
    }
}
