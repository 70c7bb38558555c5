package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Name;

import java.util.List;

/** DROP … CASCADE silently drops dependent objects. See docs/rules/drop-cascade.md. */
public final class DropCascadeRule extends StatementRule {
    @Override
    public String id() {
        return "drop-cascade";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "DROP … CASCADE silently drops dependent objects";
    }

    @Override
    public String help() {
        return "drop with RESTRICT (the default) and drop each dependent object explicitly first";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        String what = null;
        String dependents = "";
        if (s.what() instanceof Recognized.Drop d && d.cascade()) {
            what = "DROP " + d.objectKind().toUpperCase(java.util.Locale.ROOT) + " "
                    + String.join(", ", d.names().stream().map(Name::name).toList()) + " CASCADE";
            if (d.objectKind().equals("table")) {
                List<String> fks = s.before().foreignKeys().stream()
                        .filter(fk -> d.names().stream().anyMatch(n -> n.name().equals(fk.parent())))
                        .map(fk -> fk.describe()).toList();
                if (!fks.isEmpty()) {
                    dependents = " (here: the foreign keys " + String.join(", ", fks) + ")";
                }
            }
        } else if (s.what() instanceof Recognized.DropIndex di && di.cascade()) {
            what = "DROP INDEX … CASCADE";
        } else if (s.what() instanceof Recognized.AlterTable at) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.DropColumn dc && dc.cascade()) {
                    what = "DROP COLUMN " + at.table().name() + "." + dc.column() + " CASCADE";
                } else if (a instanceof Recognized.DropConstraint dc && dc.cascade()) {
                    what = "DROP CONSTRAINT " + dc.name() + " CASCADE";
                }
            }
        }
        if (what != null) {
            ctx.report(s, what + " also drops, without naming them, every view, foreign key and default that depends on it"
                    + dependents, null);
        }
    }

}
