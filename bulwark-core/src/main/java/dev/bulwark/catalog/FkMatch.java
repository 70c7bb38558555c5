package dev.bulwark.catalog;

/**
 * How a multi-column foreign key treats NULLs. {@code SIMPLE} (the default): a row with any NULL
 * in its key is not checked at all. {@code FULL}: all key columns NULL, or none; a partly NULL key
 * is a violation. ({@code PARTIAL} is not implemented by PostgreSQL.)
 */
public enum FkMatch {
    SIMPLE("s"), FULL("f"), PARTIAL("p");

    private final String code;

    FkMatch(String code) {
        this.code = code;
    }

    static FkMatch fromCode(String code) {
        if (code == null) {
            return null;
        }
        for (FkMatch m : values()) {
            if (m.code.equals(code)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown foreign key match type '" + code + "'");
    }
}
