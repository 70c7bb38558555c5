package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.Locks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
            List<Locks.Lock> locks = Locks.of(s.what(), s.before());
            if (h != null && !reported.contains(s.transaction()) && slowOrElsewhere(s, locks, ctx)) {
                String held = lockedTable(h);
                ctx.report(s, "this statement runs while ACCESS EXCLUSIVE on " + held + " (taken at line "
                        + h.statement().line() + ") is still held: every read and write of " + held + " waits for it too", null);
                reported.add(s.transaction());
            }
            if (h == null) {
                for (Locks.Lock l : locks) {
                    if (l.mode() == Locks.Mode.ACCESS_EXCLUSIVE && Existing.at(ctx, s, l.table())) {
                        holder.put(s.transaction(), s);
                    }
                }
            }
        }
    }

    private static String lockedTable(Analyzed h) {
        return Locks.of(h.what(), h.before()).stream().filter(l -> l.mode() == Locks.Mode.ACCESS_EXCLUSIVE)
                .map(Locks.Lock::table).findFirst().orElse("?");
    }

    /** Work that takes time (scans, builds, row changes) or locks another existing table. */
    private static boolean slowOrElsewhere(Analyzed s, List<Locks.Lock> locks, MigrationContext ctx) {
        if (s.what() instanceof Recognized.CreateIndex ci && ci.concurrently()) {
            // It cannot run in a transaction at all: concurrently-in-transaction's finding, not a long wait.
            return false;
        }
        if (s.what() instanceof Recognized.Dml || s.what() instanceof Recognized.CreateIndex) {
            return true;
        }
        if (s.what() instanceof Recognized.AlterTable at) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.ValidateConstraint v) {
                    // Validating a constraint this migration added is validate-in-same-transaction's finding.
                    var before = ctx.atStart().table(at.table().name());
                    if (before != null && before.constraint(v.name()) != null) {
                        return true;
                    }
                } else if (a instanceof Recognized.AlterColumnType
                        || (a instanceof Recognized.AddConstraint ac && !ac.constraint().notValid())) {
                    return true;
                }
            }
        }
        return false;
    }
}
