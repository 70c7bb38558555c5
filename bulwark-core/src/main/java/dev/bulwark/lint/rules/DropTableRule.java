package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Name;

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
                if (d.objectKind().equals("table") && !ctx.existing(n.name())) {
                    continue;
                }
                long fks = d.objectKind().equals("table") ? s.before().foreignKeys().stream()
                        .filter(fk -> fk.parent().equals(n.name()) && !fk.child().equals(n.name())).count() : 0;
                ctx.report(s, n.token(), "DROP " + d.objectKind().toUpperCase(java.util.Locale.ROOT) + " " + n.name()
                        + " deletes all of its data" + (fks > 0 ? " and takes locks on the " + fks
                        + " table(s) whose foreign keys reference it" : ""),
                        d.objectKind().equals("table") ? "stop using " + n.name() + " in the application first"
                                + (fks > 0 ? ", drop the foreign keys that reference it in earlier migrations" : "")
                                + "; keep a copy of the data (bulwark snapshots it before dropping)" : null);
            }
        }
    }

}
