package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.Locks;
import dev.bulwark.sql.analysis.StatementEffect;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** More statements after an ACCESS EXCLUSIVE lock in the same transaction. See docs/rules/statements-after-access-exclusive.md. */
public final class StatementsAfterAccessExclusiveRule extends Rule {
    @Override
    public String id() {
        return "statements-after-access-exclusive";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "more statements after an ACCESS EXCLUSIVE lock in the same transaction";
    }

    @Override
    public String help() {
        return "split the migration, or keep the ACCESS EXCLUSIVE work short and last in its transaction";
    }

    @Override
    public void check(MigrationContext ctx) {
        Map<Integer, Analyzed> holder = new HashMap<>();
        Set<Integer> reported = new HashSet<>();
        for (Analyzed s : ctx.statements()) {
            if (!s.inTransaction() || s.what() instanceof Recognized.TransactionControl) {
                continue;
            }
            Analyzed h = holder.get(s.transaction());
            if (h != null && !reported.contains(s.transaction()) && slow(ctx, s)) {
                String held = lockedTable(h);
                ctx.report(s, "this statement runs while ACCESS EXCLUSIVE on " + held + " (taken at line "
                        + h.statement().line() + ") is still held: every read and write of " + held + " waits for it too", null);
                reported.add(s.transaction());
            }
            if (h == null) {
                for (Locks.Lock l : s.effect().locks()) {
                    if (l.mode() == Locks.Mode.ACCESS_EXCLUSIVE && s.existing(l.table())) {
                        holder.put(s.transaction(), s);
                    }
                }
            }
        }
    }

    private static String lockedTable(Analyzed h) {
        return h.effect().locks().stream().filter(l -> l.mode() == Locks.Mode.ACCESS_EXCLUSIVE)
                .map(Locks.Lock::table).findFirst().orElse("?");
    }

    /**
     * Work that takes time while the lock is held, as the statement's effect says: it reads every
     * row of a table, writes a table anew, or inserts, updates or deletes rows.
     */
    private static boolean slow(MigrationContext ctx, Analyzed s) {
        StatementEffect e = s.effect();
        if (!e.transactional()) {
            // It cannot run in a transaction at all: concurrently-in-transaction's finding, not a long wait.
            return false;
        }
        var atStart = s.what() instanceof Recognized.AlterTable at ? ctx.atStart().table(at.table().name()) : null;
        if (s.what() instanceof Recognized.AlterTable at && at.actions().stream().allMatch(a -> a instanceof Recognized.ValidateConstraint v
                && (atStart == null || atStart.constraint(v.name()) == null))) {
            // Validating only constraints this migration added is validate-in-same-transaction's finding.
            return false;
        }
        return e.fullScan() || e.rewrite() || e.rows().stream().anyMatch(r -> r.kind() == RowKind.INSERT
                || r.kind() == RowKind.UPDATE || r.kind() == RowKind.DELETE);
    }
}
