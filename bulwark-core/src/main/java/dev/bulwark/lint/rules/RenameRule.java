package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** RENAME of a table, column, sequence, view or schema. See docs/rules/rename.md. */
public final class RenameRule extends StatementRule {
    @Override
    public String id() {
        return "rename";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "RENAME of a table, column, sequence, view or schema";
    }

    @Override
    public String help() {
        return "expand/contract: add the new name, keep both in sync (or a view with the old name) until no code uses the old one; bulwark plan <migration> writes these phases";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.AlterTable at && s.existing(at.table().name())) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.RenameAction r && r.what().equals("schema")) {
                    ctx.report(s, a.at(), "moving table " + at.table().name() + " to schema " + r.to()
                            + " breaks every running query that names it by its old schema or finds it through search_path", null);
                } else if (a instanceof Recognized.RenameAction r && !r.what().equals("constraint")) {
                    String what = r.what().equals("table") ? "table " + at.table().name()
                            : "column " + at.table().name() + "." + r.from();
                    ctx.report(s, a.at(), "renaming " + what + " to " + r.to()
                            + " breaks every running query that uses the old name", null);
                }
            }
        } else if (s.what() instanceof Recognized.RenameObject ro && !ro.objectKind().equals("index") && ro.from() != null) {
            ctx.report(s, "renaming " + ro.objectKind() + " " + ro.from().name() + " to " + ro.to()
                    + " breaks every running query that uses the old name", null);
        }
    }

}
