package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;

import java.util.Map;

/** Varchar(n) / char(n) columns. See docs/rules/prefer-text.md. */
public final class PreferTextRule extends StatementRule {
    @Override
    public String id() {
        return "prefer-text";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.INFO;
    }

    @Override
    public String summary() {
        return "varchar(n) / char(n) columns";
    }

    @Override
    public String help() {
        return "use text (with a CHECK on length if a limit is really needed): changing a CHECK needs no rewrite";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        for (Map.Entry<String, ColumnDef> e : Columns.defined(s).entrySet()) {
            ColumnDef c = e.getValue();
            if (c.type().matches("(varchar|char)\\(\\d+\\)")) {
                ctx.report(s, c.typeToken(), "column " + e.getKey() + " is " + c.type() + "; use text, with a CHECK (length(" + c.name() + ") <= n) if the limit matters", null);
            }
        }
    }

}
