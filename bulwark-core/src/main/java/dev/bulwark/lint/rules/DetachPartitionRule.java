package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** DETACH PARTITION without CONCURRENTLY (PostgreSQL 14+). See docs/rules/detach-partition.md. */
public final class DetachPartitionRule extends StatementRule {
    @Override
    public String id() {
        return "detach-partition";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "DETACH PARTITION without CONCURRENTLY (PostgreSQL 14+)";
    }

    @Override
    public String help() {
        return "ALTER TABLE … DETACH PARTITION … CONCURRENTLY, outside a transaction";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.AlterTable at && ctx.pgVersion() >= 14 && s.existing(at.table().name())) {
            for (Recognized.Action a : at.actions()) {
                // decided by the effect: the detach locks the partition ACCESS EXCLUSIVE (CONCURRENTLY does not)
                if (a instanceof Recognized.DetachPartition dp && (dp.partition() == null ? !dp.concurrently()
                        : s.effect().lockOn(dp.partition().name()) == Locks.Mode.ACCESS_EXCLUSIVE)) {
                    String p = dp.partition() == null ? "the partition" : dp.partition().name();
                    ctx.report(s, a.at(), "DETACH PARTITION " + p + " takes ACCESS EXCLUSIVE on " + at.table().name()
                            + ", blocking reads and writes of every partition",
                            "ALTER TABLE " + at.table().name() + " DETACH PARTITION " + p + " CONCURRENTLY, outside a transaction");
                }
            }
        }
    }

}
