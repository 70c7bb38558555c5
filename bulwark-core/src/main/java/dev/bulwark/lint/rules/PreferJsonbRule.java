package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;

import java.util.Map;

/** Json column instead of jsonb. See docs/rules/prefer-jsonb.md. */
public final class PreferJsonbRule extends StatementRule {
    @Override
    public String id() {
        return "prefer-jsonb";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.INFO;
    }

    @Override
    public String summary() {
        return "json column instead of jsonb";
    }

    @Override
    public String help() {
        return "use jsonb: it is indexable, compares by value and is faster to query";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        for (Map.Entry<String, ColumnDef> e : Columns.defined(s).entrySet()) {
            ColumnDef c = e.getValue();
            if (c.type().equals("json")) {
                ctx.report(s, c.typeToken(), "column " + e.getKey() + " is json; jsonb is indexable and faster to query", null);
            }
        }
    }

}
