package dev.bulwark.verify;

import java.util.Locale;

/** Every check {@code verify} runs, by stable id. */
public enum Check {
    MISSING_PRIMARY_KEY(Category.SCHEMA),
    NOT_VALID_CONSTRAINT(Category.SCHEMA),
    INVALID_INDEX(Category.SCHEMA),
    SEQUENCE_BEHIND(Category.SCHEMA),
    UNINDEXED_FOREIGN_KEY(Category.SCHEMA),
    DUPLICATE_INDEX(Category.SCHEMA),
    ORPHAN_ROWS(Category.DATA),
    CHECK_VIOLATION(Category.DATA),
    DUPLICATE_KEYS(Category.DATA),
    INVARIANT(Category.INVARIANT),
    DATA_CHANGED(Category.COMPARISON);

    public enum Category { SCHEMA, DATA, INVARIANT, COMPARISON }

    private final Category category;

    Check(Category category) {
        this.category = category;
    }

    public Category category() {
        return category;
    }

    /** Kebab-case id, as in reports and {@code --skip}: {@code orphan-rows}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Check fromId(String id) {
        for (Check c : values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        throw dev.bulwark.BulwarkException.usage("unknown check '" + id + "'", "known checks: "
                + String.join(", ", java.util.Arrays.stream(values()).map(Check::id).toList()));
    }
}
