package dev.bulwark.lint;

import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.analysis.StatementEffect;

/**
 * One statement of a migration as lint sees it: its {@link #effect()} (what it does, the one
 * description deploy, verify and the rehearsal read too), the recognizers' reading of it
 * ({@link #what()}, the syntax part of that description: names, tokens for finding positions), and
 * where it stands in the migration.
 */
public final class Analyzed {
    private final Statement statement;
    private final Recognized what;
    private final int index;
    private final int transaction;
    private final SchemaModel before;
    private final SchemaModel after;
    private final String migrationId;
    private final int pgMajor;
    /** Computed on first use: most statements meet no rule that asks. */
    private StatementEffect effect;

    /**
     * A statement analysed with no migration (every table it names counts as existing) for lint's
     * default PostgreSQL version.
     */
    public Analyzed(Statement statement, Recognized what, int index, int transaction, SchemaModel before,
                    SchemaModel after) {
        this(statement, what, index, transaction, before, after, null, LintOptions.DEFAULT_PG_VERSION);
    }

    /**
     * @param index       0-based position in the migration
     * @param transaction the transaction it runs in (statements with the same number share one), or
     *                    -1 when it runs on its own in autocommit
     * @param before      the schema just before it
     * @param after       the schema just after it
     * @param migrationId the migration it belongs to, as {@link StatementAnalysis#analyze} takes it:
     *                    a table that migration created holds no rows anyone else owns yet
     * @param pgMajor     the PostgreSQL major version its locks, rewrites and transaction needs are read for
     */
    public Analyzed(Statement statement, Recognized what, int index, int transaction, SchemaModel before,
                    SchemaModel after, String migrationId, int pgMajor) {
        this.statement = statement;
        this.what = what;
        this.index = index;
        this.transaction = transaction;
        this.before = before;
        this.after = after;
        this.migrationId = migrationId;
        this.pgMajor = pgMajor;
    }

    public Statement statement() {
        return statement;
    }

    /** The recognizers' reading of the statement (also {@code effect().recognized()}). */
    public Recognized what() {
        return what;
    }

    public int index() {
        return index;
    }

    public int transaction() {
        return transaction;
    }

    public SchemaModel before() {
        return before;
    }

    public SchemaModel after() {
        return after;
    }

    public boolean inTransaction() {
        return transaction >= 0;
    }

    /** What the statement does, in the schema before it: computed once, on first use. */
    public StatementEffect effect() {
        StatementEffect e = effect;
        if (e == null) {
            e = StatementAnalysis.analyze(statement, what, before, migrationId, pgMajor);
            effect = e;
        }
        return e;
    }

    /**
     * True when {@code relation} holds rows other sessions use while this statement runs: it was not
     * created earlier in this migration ({@link StatementAnalysis#existing}). In a down, which is
     * analysed under its migration's id, what the up created counts as new too: removing it is the
     * expected inverse of the up (data-losing-down and irreversible-down judge that).
     */
    public boolean existing(String relation) {
        return StatementAnalysis.existing(before, migrationId, relation);
    }

    @Override
    public String toString() {
        return "Analyzed[" + index + ", line " + statement.line() + "]";
    }
}
