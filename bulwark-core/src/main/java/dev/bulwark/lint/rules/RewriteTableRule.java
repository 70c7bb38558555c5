package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Name;

/** VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED, SET TABLESPACE, SET ACCESS METHOD. See docs/rules/rewrite-table.md. */
public final class RewriteTableRule extends StatementRule {
    @Override
    public String id() {
        return "rewrite-table";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED, SET TABLESPACE, SET ACCESS METHOD";
    }

    @Override
    public String help() {
        return "avoid on live tables; use pg_repack or a new table filled in batches";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!s.effect().rewrite()) {
            return;
        }
        if (s.what() instanceof Recognized.Maintenance m) {
            String what = m.verb().equals("vacuum") ? "VACUUM FULL" : "CLUSTER";
            if (m.tables().isEmpty()) {
                ctx.report(s, what + " without a table rewrites every table of the database, each under ACCESS EXCLUSIVE", null);
            }
            for (Name n : m.tables()) {
                if (s.existing(n.name())) {
                    ctx.report(s, n.token(), what + " " + n.name() + " rewrites the whole table under ACCESS EXCLUSIVE,"
                            + " blocking reads and writes until it is done", null);
                }
            }
        } else if (s.what() instanceof Recognized.AlterTable at && s.existing(at.table().name())) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.RewriteAction r) {
                    ctx.report(s, a.at(), r.what().toUpperCase(java.util.Locale.ROOT) + " rewrites all of " + at.table().name()
                            + " under ACCESS EXCLUSIVE, blocking reads and writes until it is done", null);
                }
            }
        }
    }

}
