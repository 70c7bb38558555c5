package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.Locks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** ACCESS EXCLUSIVE locks or foreign keys on several existing tables in one transaction. See docs/rules/several-hot-tables.md. */
public final class SeveralHotTablesRule extends Rule {
    @Override
    public String id() {
        return "several-hot-tables";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "ACCESS EXCLUSIVE locks or foreign keys on several existing tables in one transaction";
    }

    @Override
    public String help() {
        return "one existing table per migration: split the migration so each transaction locks one table";
    }

    @Override
    public void check(MigrationContext ctx) {
        Map<Integer, Set<String>> locked = new HashMap<>();
        Map<Integer, Integer> fks = new HashMap<>();
        Map<Integer, Set<Integer>> lockers = new HashMap<>();
        Set<Integer> reported = new HashSet<>();
        for (Analyzed s : ctx.statements()) {
            if (!s.inTransaction() || reported.contains(s.transaction())) {
                continue;
            }
            Set<String> tables = locked.computeIfAbsent(s.transaction(), k -> new LinkedHashSet<>());
            boolean locksHere = false;
            for (Locks.Lock l : s.effect().locks()) {
                if (l.mode() == Locks.Mode.ACCESS_EXCLUSIVE && s.existing(l.table())) {
                    tables.add(l.table());
                    locksHere = true;
                }
            }
            if (locksHere) {
                lockers.computeIfAbsent(s.transaction(), k -> new HashSet<>()).add(s.index());
            }
            if (lockers.getOrDefault(s.transaction(), Set.of()).size() < 2) {
                // One statement that locks several tables (DROP TABLE with foreign keys, DETACH PARTITION)
                // cannot be split: only locks taken by separate statements of one transaction pile up.
                tables = Set.of();
            }
            if (s.what() instanceof Recognized.AlterTable at && s.existing(at.table().name())) {
                for (Recognized.Action a : at.actions()) {
                    if (a instanceof Recognized.AddConstraint ac && ac.constraint().kind() == Recognized.ConstraintKind.FOREIGN_KEY) {
                        fks.merge(s.transaction(), 1, Integer::sum);
                    }
                }
            }
            if (tables.size() >= 2 || fks.getOrDefault(s.transaction(), 0) >= 2) {
                ctx.report(s, tables.size() >= 2
                        ? "one transaction takes ACCESS EXCLUSIVE on " + tables.size() + " existing tables ("
                                + String.join(", ", tables) + "): each lock is held until the last statement commits,"
                                + " and sessions locking them in another order deadlock"
                        : "one transaction adds " + fks.get(s.transaction()) + " foreign keys to existing tables, each locking"
                                + " two tables until commit", null);
                reported.add(s.transaction());
            }
        }
    }

}
