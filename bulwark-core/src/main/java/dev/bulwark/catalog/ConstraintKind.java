package dev.bulwark.catalog;

/** {@code pg_constraint.contype}. */
public enum ConstraintKind {
    PRIMARY_KEY("p", "primary key"),
    UNIQUE("u", "unique"),
    FOREIGN_KEY("f", "foreign key"),
    CHECK("c", "check"),
    EXCLUSION("x", "exclusion"),
    TRIGGER("t", "constraint trigger"),
    NOT_NULL("n", "not null");

    private final String code;
    private final String label;

    ConstraintKind(String code, String label) {
        this.code = code;
        this.label = label;
    }

    public String label() {
        return label;
    }

    static ConstraintKind fromCode(String code) {
        for (ConstraintKind k : values()) {
            if (k.code.equals(code)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown pg_constraint.contype '" + code + "'");
    }
}
