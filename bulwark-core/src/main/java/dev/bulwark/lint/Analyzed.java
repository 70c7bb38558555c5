package dev.bulwark.lint;

import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.Statement;

/**
 * One statement of a migration as lint sees it.
 *
 * @param index         0-based position in the migration
 * @param transaction   the transaction it runs in (statements with the same number share one), or
 *                      -1 when it runs on its own in autocommit
 * @param before        the schema just before it
 * @param after         the schema just after it
 */
public record Analyzed(Statement statement, Recognized what, int index, int transaction, SchemaModel before,
                       SchemaModel after) {
    public boolean inTransaction() {
        return transaction >= 0;
    }
}
