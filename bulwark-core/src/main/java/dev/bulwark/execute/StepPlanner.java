package dev.bulwark.execute;

import dev.bulwark.BulwarkException;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.StatementClassifier;

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
                steps.add(new Step(i, List.of(s), !StatementClassifier.requiresAutocommit(s, pgMajor)));
            }
            return steps;
        }
        List<Statement> group = new ArrayList<>();
        int groupStart = 0;
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            if (StatementClassifier.requiresAutocommit(s, pgMajor)) {
                if (!group.isEmpty()) {
                    steps.add(new Step(groupStart, group, true));
                    group = new ArrayList<>();
                }
                steps.add(new Step(i, List.of(s), false));
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

    private static String firstWord(Statement s) {
        return s.tokens().isEmpty() ? "" : s.tokens().get(0).text().toUpperCase(java.util.Locale.ROOT);
    }
}
