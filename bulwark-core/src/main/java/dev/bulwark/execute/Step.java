package dev.bulwark.execute;

import dev.bulwark.sql.Statement;

import java.util.List;

/**
 * Statements that run together: in one transaction, or one statement alone in autocommit.
 *
 * @param first         0-based index of the first statement within the script
 * @param transactional run inside BEGIN … COMMIT
 */
public record Step(int first, List<Statement> statements, boolean transactional) {
    public Step {
        statements = List.copyOf(statements);
    }

    /** Index after the last statement: where a run resumes once this step is done. */
    public int end() {
        return first + statements.size();
    }
}
