package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;

import java.util.Map;

/** Int or smallint key columns that can overflow. See docs/rules/prefer-bigint.md. */
public final class PreferBigintRule extends StatementRule {
    @Override
    public String id() {
        return "prefer-bigint";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.INFO;
    }

    @Override
    public String summary() {
        return "int or smallint key columns that can overflow";
    }

    @Override
    public String help() {
        return "use bigint for ids and foreign keys";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        for (Map.Entry<String, ColumnDef> e : Columns.defined(s).entrySet()) {
            ColumnDef c = e.getValue();
            if ((c.type().equals("int") || c.type().equals("smallint")) && (c.name().equals("id") || c.name().endsWith("_id") || c.name().endsWith("Id") || c.identity())) {
                ctx.report(s, c.typeToken(), "column " + e.getKey() + " is " + c.type() + ", which overflows at " + (c.type().startsWith("small") ? "32767" : "2147483647") + "; use bigint", null);
            }
        }
    }

}
