package dev.bulwark.expand;

import dev.bulwark.migration.MigrationOptions.Phase;

import java.util.List;

/**
 * One migration of an expand/contract plan.
 *
 * @param phase      expand or contract ({@code -- bulwark:phase})
 * @param name       what it does, as it goes into the file name (snake_case)
 * @param purpose    one line for the user: what it does and what locks it takes
 * @param directives directive lines written above the up section, without the {@code -- bulwark:} prefix
 *                   (the phase is added by the writer)
 * @param up         the SQL that applies it, statements ending in {@code ;}, one per line or block
 * @param down       the SQL that reverts it; "" when there is nothing to revert; null when it cannot be reverted
 */
public record PlannedMigration(Phase phase, String name, String purpose, List<String> directives, String up, String down) {
    public PlannedMigration {
        directives = List.copyOf(directives);
    }

    public boolean reversible() {
        return down != null;
    }
}
