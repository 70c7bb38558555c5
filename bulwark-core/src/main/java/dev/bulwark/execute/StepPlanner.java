package dev.bulwark.execute;

import dev.bulwark.BulwarkException;
import dev.bulwark.backfill.BackfillStatement;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.StatementClassifier;
import dev.bulwark.sql.analysis.StatementAnalysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a script into steps. A transactional migration is one step, unless it holds statements
 * PostgreSQL refuses inside a transaction block: each of those runs alone in autocommit, and the
 * statements around them keep their transactions. A {@code no-transaction} migration commits every
 * statement on its own: in a transaction of its own with its progress record, or alone in
 * autocommit where PostgreSQL refuses a transaction.
 */
public final class StepPlanner {
    private StepPlanner() {
    }

    public static List<Step> plan(List<Statement> statements, boolean transactional, int pgMajor) {
        return plan(statements, transactional, pgMajor, java.util.Collections.emptySortedSet());
    }

    /**
     * @param backfillLines file lines of {@code -- bulwark:backfill} directives ({@link dev.bulwark.migration.Directives#backfillLines}):
     *                      the statement starting after each runs as a backfill step of its own, in batches, in either kind of migration
     */
    public static List<Step> plan(List<Statement> statements, boolean transactional, int pgMajor,
                                  java.util.SortedSet<Integer> backfillLines) {
        java.util.Map<Integer, BackfillStatement> backfills = backfills(statements, backfillLines);
        for (Statement s : statements) {
            if (StatementClassifier.isTransactionControl(s)) {
                throw BulwarkException.usage(s.position() + ": explicit transaction control ("
                                + firstWord(s) + ") in a migration",
                        "remove it: Bulwark runs each migration in its own transaction; for statements that must run"
                                + " outside one, add '-- bulwark:no-transaction'");
            }
        }
        List<Step> steps = new ArrayList<>();
        if (!transactional) {
            // each statement commits on its own, but together with its progress record: a statement that can run in
            // a transaction is one; only those PostgreSQL refuses there run alone in autocommit
            for (int i = 0; i < statements.size(); i++) {
                Statement s = statements.get(i);
                steps.add(backfills.containsKey(i) ? new Step(i, List.of(s), false, backfills.get(i))
                        : new Step(i, List.of(s), !StatementAnalysis.requiresAutocommit(s, pgMajor)));
            }
            return steps;
        }
        List<Statement> group = new ArrayList<>();
        int groupStart = 0;
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            if (backfills.containsKey(i) || StatementAnalysis.requiresAutocommit(s, pgMajor)) {
                if (!group.isEmpty()) {
                    steps.add(new Step(groupStart, group, true));
                    group = new ArrayList<>();
                }
                steps.add(new Step(i, List.of(s), false, backfills.get(i)));
                groupStart = i + 1;
            } else {
                if (group.isEmpty()) {
                    groupStart = i;
                }
                group.add(s);
            }
        }
        if (!group.isEmpty()) {
            steps.add(new Step(groupStart, group, true));
        }
        return steps;
    }

    /** The statement each directive marks: the first one that starts after the directive's line, parsed as a backfill. */
    private static java.util.Map<Integer, BackfillStatement> backfills(List<Statement> statements, java.util.SortedSet<Integer> lines) {
        java.util.Map<Integer, BackfillStatement> out = new java.util.HashMap<>();
        for (int line : lines) {
            int target = -1;
            for (int i = 0; i < statements.size(); i++) {
                if (statements.get(i).line() > line) {
                    target = i;
                    break;
                }
            }
            if (target < 0) {
                String file = statements.isEmpty() ? "migration" : statements.get(0).source();
                throw BulwarkException.usage(file + ":" + line + ": -- bulwark:backfill is followed by no statement",
                        "put the line right before the UPDATE to run in batches, or remove it");
            }
            if (out.containsKey(target)) {
                throw BulwarkException.usage(statements.get(target).position() + ": two -- bulwark:backfill lines mark the same statement",
                        "keep one of them");
            }
            out.put(target, BackfillStatement.parse(statements.get(target)));
        }
        return out;
    }

    private static String firstWord(Statement s) {
        return s.tokens().isEmpty() ? "" : s.tokens().get(0).text().toUpperCase(java.util.Locale.ROOT);
    }
}
