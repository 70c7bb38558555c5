package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;

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
        return "add the column without a default, set the default separately, backfill in batches";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !ctx.existing(at.table().name())) {
            return;
        }
        for (Recognized.Action a : at.actions()) {
            if (!(a instanceof Recognized.AddColumn ac)) {
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
            } else if (c.defaultExpr() != null && volatileCall(c.defaultExpr()) != null) {
                why = "DEFAULT " + volatileCall(c.defaultExpr()) + "() is volatile, so it is evaluated for every existing row";
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

    /** Functions PostgreSQL marks volatile that show up in defaults. */
    private static final java.util.Set<String> VOLATILE = java.util.Set.of("random", "gen_random_uuid", "uuid_generate_v1",
            "uuid_generate_v1mc", "uuid_generate_v4", "clock_timestamp", "timeofday", "nextval", "txid_current",
            "statement_timestamp", "setseed", "uuidv7", "uuidv4");

    public static String volatileCall(String expr) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z_][a-z0-9_]*)\\s*\\(").matcher(expr);
        while (m.find()) {
            if (VOLATILE.contains(m.group(1))) {
                return m.group(1);
            }
        }
        return null;
    }
}
