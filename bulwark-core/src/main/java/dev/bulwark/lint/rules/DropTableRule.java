package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;

/** DROP TABLE / SCHEMA / DATABASE (data loss). See docs/rules/drop-table.md. */
public final class DropTableRule extends StatementRule {
    @Override
    public String id() {
        return "drop-table";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "DROP TABLE / SCHEMA / DATABASE (data loss)";
    }

    @Override
    public String help() {
        return "stop using the object first; Bulwark snapshots the data before dropping it";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.Drop d && (d.objectKind().equals("table") || d.objectKind().equals("schema")
                || d.objectKind().equals("database"))) {
            for (Name n : d.names()) {
                // the model's DROP_TABLE row of an existing table: what deploy snapshots
                if (d.objectKind().equals("table") && s.effect().loss(RowKind.DROP_TABLE, n.name()) == null) {
                    continue;
                }
                long fks = d.objectKind().equals("table") ? s.before().foreignKeys().stream()
                        .filter(fk -> fk.parent().equals(n.name()) && !fk.child().equals(n.name())).count() : 0;
                ctx.report(s, n.token(), "DROP " + d.objectKind().toUpperCase(java.util.Locale.ROOT) + " " + n.name()
                        + " deletes all of its data" + (recreatedLater(ctx, s, n.name())
                        ? ", and the CREATE TABLE " + n.name() + " later in this migration makes a new, empty table under the same"
                        + " name: every row is lost unless it is copied back" : "") + (fks > 0 ? " and takes locks on the " + fks
                        + " table(s) whose foreign keys reference it" : ""),
                        d.objectKind().equals("table") ? "stop using " + n.name() + " in the application first"
                                + (fks > 0 ? ", drop the foreign keys that reference it in earlier migrations" : "")
                                + "; keep a copy of the data (bulwark snapshots it before dropping)" : null);
            }
        }
    }

    /** True when a later statement of this migration creates a table of the same name again. */
    private static boolean recreatedLater(MigrationContext ctx, Analyzed s, String table) {
        boolean after = false;
        for (Analyzed a : ctx.statements()) {
            if (a == s) {
                after = true;
            } else if (after && a.what() instanceof Recognized.CreateTable ct && ct.table() != null
                    && ct.table().name().equals(table)) {
                return true;
            }
        }
        return false;
    }
}
