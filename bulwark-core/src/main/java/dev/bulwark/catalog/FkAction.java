package dev.bulwark.catalog;

/** What a foreign key does to referencing rows when the referenced row is deleted or its key updated. */
public enum FkAction {
    NO_ACTION("a", "NO ACTION"),
    RESTRICT("r", "RESTRICT"),
    CASCADE("c", "CASCADE"),
    SET_NULL("n", "SET NULL"),
    SET_DEFAULT("d", "SET DEFAULT");

    private final String code;
    private final String sql;

    FkAction(String code, String sql) {
        this.code = code;
        this.sql = sql;
    }

    /** As written in SQL: {@code SET NULL}. */
    public String sql() {
        return sql;
    }

    static FkAction fromCode(String code) {
        if (code == null) {
            return null;
        }
        for (FkAction a : values()) {
            if (a.code.equals(code)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown foreign key action '" + code + "'");
    }
}
