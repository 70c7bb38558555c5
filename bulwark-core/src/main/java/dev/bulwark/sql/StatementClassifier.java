package dev.bulwark.sql;

/** API placeholder: lands on the {@code sql} branch. */
public final class StatementClassifier {
    private StatementClassifier() {
    }

    /**
     * True when PostgreSQL refuses to run the statement inside a transaction block:
     * CREATE/DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY, ALTER TABLE … DETACH PARTITION …
     * CONCURRENTLY, VACUUM, ALTER SYSTEM, CREATE/DROP DATABASE, CREATE/DROP TABLESPACE,
     * and ALTER TYPE … ADD VALUE when {@code pgMajor < 12}.
     */
    public static boolean requiresAutocommit(Statement statement, int pgMajor) {
        throw new UnsupportedOperationException("not yet merged");
    }

    /** True for BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK (not ROLLBACK TO), SAVEPOINT, RELEASE, PREPARE TRANSACTION. */
    public static boolean isTransactionControl(Statement statement) {
        throw new UnsupportedOperationException("not yet merged");
    }

    /** True for CREATE INDEX … CONCURRENTLY and REINDEX … CONCURRENTLY: a failure can leave an INVALID index. */
    public static boolean buildsIndexConcurrently(Statement statement) {
        throw new UnsupportedOperationException("not yet merged");
    }
}
