package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;
import dev.bulwark.sql.analysis.Volatility;

/** ADD COLUMN that rewrites the table (volatile default, stored generated, serial, identity). See docs/rules/volatile-default.md. */
public final class VolatileDefaultRule extends StatementRule {
    @Override
    public String id() {
        return "volatile-default";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "ADD COLUMN that rewrites the table (volatile default, stored generated, serial, identity)";
    }

    @Override
    public String help() {
        return "add the column without a default, set the default separately, backfill in batches; bulwark plan <migration> writes these phases";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !s.existing(at.table().name())) {
            return;
        }
        // the model's rewrite, per column: which ADD COLUMN writes every existing row
        java.util.List<String> rewrites = s.effect().rewriteColumns();
        for (Recognized.Action a : at.actions()) {
            if (!(a instanceof Recognized.AddColumn ac) || !rewrites.contains(ac.column().name())) {
                continue;
            }
            ColumnDef c = ac.column();
            String why = null;
            if (c.generatedStored()) {
                why = "GENERATED … STORED computes every existing row";
            } else if (c.identity()) {
                why = "an identity column fills every existing row";
            } else if (c.type().endsWith("serial")) {
                why = c.type() + " fills every existing row from a sequence";
            } else if (c.defaultExpr() != null && ctx.pgVersion() < 11) {
                why = "before PostgreSQL 11 any DEFAULT writes every existing row";
            } else if (c.defaultExpr() != null && Volatility.volatileCall(c.defaultExpr()) != null) {
                why = "DEFAULT " + Volatility.volatileCall(c.defaultExpr()) + "() is volatile, so it is evaluated for every existing row";
            } else if (c.defaultExpr() != null && Volatility.userCall(c.defaultExpr(), s.before()) != null) {
                String f = Volatility.userCall(c.defaultExpr(), s.before());
                String declared = s.before().functionVolatility(f);
                why = declared == null
                        ? "DEFAULT " + f + "() calls a function whose volatility Bulwark cannot see (no migration read creates it),"
                        + " so it is assumed volatile and evaluated for every existing row; declare it STABLE or IMMUTABLE if it is"
                        : "DEFAULT " + f + "() calls a function declared VOLATILE (PostgreSQL's default when CREATE FUNCTION names"
                        + " none), so it is evaluated for every existing row";
            }
            if (why != null) {
                ctx.report(s, a.at(), "ADD COLUMN " + c.name() + " rewrites all of " + at.table().name()
                        + " under ACCESS EXCLUSIVE: " + why,
                        "ADD COLUMN " + c.name() + " " + switch (c.type()) {
                            case "serial" -> "int";
                            case "bigserial" -> "bigint";
                            case "smallserial" -> "smallint";
                            default -> c.type();
                        }
                                + " without the default; then ALTER COLUMN " + c.name() + " SET DEFAULT …; then backfill in batches");
            }
        }
    }
}
