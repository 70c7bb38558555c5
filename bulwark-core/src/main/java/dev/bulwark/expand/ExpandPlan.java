package dev.bulwark.expand;

import dev.bulwark.migration.MigrationOptions.Phase;

import java.util.List;

/**
 * A breaking change and the phases that make it without a long lock.
 *
 * @param kind           what kind of change it is
 * @param source         where the change was read ({@code file:line:column})
 * @param statement      the statement as the user wrote it
 * @param table          the table it changes, as the schema model names it
 * @param migrations     the phases' migrations, in the order they run
 * @param notes          what the user must know or do (objects the plan does not carry over, the release in between)
 * @param contractGivesUp what running the contract phase gives up (the way back it closes)
 */
public record ExpandPlan(Kind kind, String source, String statement, String table, List<PlannedMigration> migrations,
                         List<String> notes, String contractGivesUp) {
    public ExpandPlan {
        migrations = List.copyOf(migrations);
        notes = List.copyOf(notes);
    }

    /** The kinds of breaking change a plan is made for. */
    public enum Kind {
        TYPE_CHANGE("column type change"),
        RENAME_COLUMN("column rename"),
        SET_NOT_NULL("SET NOT NULL on an existing table"),
        VOLATILE_DEFAULT("ADD COLUMN with a volatile DEFAULT"),
        ADD_UNIQUE("UNIQUE constraint on a populated table"),
        ADD_FOREIGN_KEY("FOREIGN KEY on a populated table");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public List<PlannedMigration> phase(Phase p) {
        return migrations.stream().filter(m -> m.phase() == p).toList();
    }
}
