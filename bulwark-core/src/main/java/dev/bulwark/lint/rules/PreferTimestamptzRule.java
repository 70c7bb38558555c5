package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;

import java.util.Map;

/** Timestamp without time zone. See docs/rules/prefer-timestamptz.md. */
public final class PreferTimestamptzRule extends StatementRule {
    @Override
    public String id() {
        return "prefer-timestamptz";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.INFO;
    }

    @Override
    public String summary() {
        return "timestamp without time zone";
    }

    @Override
    public String help() {
        return "use timestamptz: it stores an instant, not a wall-clock reading";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        for (Map.Entry<String, ColumnDef> e : Columns.defined(s).entrySet()) {
            ColumnDef c = e.getValue();
            if (c.type().matches("timestamp(\\(\\d+\\))?")) {
                ctx.report(s, c.typeToken(), "column " + e.getKey() + " is timestamp without time zone, which loses the offset; use timestamptz", null);
            }
        }
    }

}
