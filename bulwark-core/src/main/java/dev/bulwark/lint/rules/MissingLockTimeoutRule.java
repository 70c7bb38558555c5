package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.migration.MigrationFormat;

/** A blocking statement with no lock_timeout, in a file run by another tool. See docs/rules/missing-lock-timeout.md. */
public final class MissingLockTimeoutRule extends Rule {
    @Override
    public String id() {
        return "missing-lock-timeout";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "a blocking statement with no lock_timeout, in a file run by another tool";
    }

    @Override
    public String help() {
        return "SET lock_timeout = '2s' at the top of the migration and retry on failure (bulwark migrate does both)";
    }

    @Override
    public void check(MigrationContext ctx) {
        if (ctx.format() == MigrationFormat.BULWARK || ctx.migration().options().lockTimeout() != null) {
            return;
        }
        for (Analyzed s : ctx.statements()) {
            if (s.what() instanceof Recognized.SetParameter p && p.parameter().equals("lock_timeout")
                    && p.value() != null && !p.value().equals("0")) {
                return;
            }
            for (Locks.Lock l : s.effect().locks()) {
                if (l.mode().blocks() && s.existing(l.table())) {
                    ctx.report(s, "this statement waits for " + l.mode().sql() + " on " + l.table()
                            + " with no lock_timeout: while it waits behind a long transaction, every query on "
                            + l.table() + " queues behind it", null);
                    return;
                }
            }
        }
    }

}
