package dev.bulwark.execute;

import dev.bulwark.backfill.BackfillStatement;
import dev.bulwark.sql.Statement;

import java.util.List;

/**
 * Statements that run together: in one transaction, or one statement alone in autocommit, or one
 * UPDATE marked {@code -- bulwark:backfill} that runs in batches, each its own transaction committed
 * with its progress.
 *
 * @param first         0-based index of the first statement within the script
 * @param transactional run inside BEGIN … COMMIT
 * @param backfill      the batched UPDATE of a backfill step (its one statement), or null
 */
public record Step(int first, List<Statement> statements, boolean transactional, BackfillStatement backfill) {
    public Step {
        statements = List.copyOf(statements);
        if (backfill != null && (transactional || statements.size() != 1)) {
            throw new IllegalArgumentException("a backfill step is one statement outside a transaction");
        }
    }

    public Step(int first, List<Statement> statements, boolean transactional) {
        this(first, statements, transactional, null);
    }

    /** Index after the last statement: where a run resumes once this step is done. */
    public int end() {
        return first + statements.size();
    }

    public boolean isBackfill() {
        return backfill != null;
    }
}
