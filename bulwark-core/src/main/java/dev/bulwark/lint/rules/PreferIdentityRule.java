package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;

import java.util.Map;

/** Serial columns. See docs/rules/prefer-identity.md. */
public final class PreferIdentityRule extends StatementRule {
    @Override
    public String id() {
        return "prefer-identity";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.INFO;
    }

    @Override
    public String summary() {
        return "serial columns";
    }

    @Override
    public String help() {
        return "use bigint GENERATED ALWAYS AS IDENTITY: the sequence belongs to the column and permissions follow";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        for (Map.Entry<String, ColumnDef> e : Columns.defined(s).entrySet()) {
            ColumnDef c = e.getValue();
            if (c.type().endsWith("serial")) {
                ctx.report(s, c.typeToken(), "column " + e.getKey() + " is " + c.type() + (c.type().equals("bigserial") ? "" : ", a 32-bit counter that overflows at " + (c.type().equals("smallserial") ? "32767" : "2147483647")) + "; use bigint GENERATED ALWAYS AS IDENTITY", null);
            }
        }
    }

}
