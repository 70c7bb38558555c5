package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import java.util.List;

/** ALTER TYPE … ADD VALUE without BEFORE or AFTER. See docs/rules/require-enum-value-ordering.md. */
public final class RequireEnumValueOrderingRule extends StatementRule {
    @Override
    public String id() {
        return "require-enum-value-ordering";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "ALTER TYPE … ADD VALUE without BEFORE or AFTER (the value sorts last)";
    }

    @Override
    public String help() {
        return "say where the value belongs: ADD VALUE 'new' BEFORE 'existing' (or AFTER 'existing')";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterType t) || !t.addValue() || t.type() == null) {
            return;
        }
        List<Token> tokens = s.statement().tokens();
        Token value = null;
        boolean positioned = false;
        for (int i = 0; i < tokens.size(); i++) {
            Token tok = tokens.get(i);
            if (value == null && tok.kind() == TokenKind.STRING && i > 0) {
                value = tok;
            } else if (value != null && (tok.isWord("before") || tok.isWord("after"))) {
                positioned = true;
            }
        }
        if (positioned) {
            return;
        }
        String v = value == null ? "the new value" : "'" + value.value() + "'";
        ctx.report(s, value, "ADD VALUE " + v + " to enum " + t.type().name() + " without BEFORE or AFTER puts it last:"
                        + " ORDER BY, <, > and min()/max() on " + t.type().name() + " sort it after every existing value",
                "ALTER TYPE " + t.type().name() + " ADD VALUE " + (value == null ? "'new'" : value.text())
                        + " BEFORE 'existing' (or AFTER 'existing'); keep it without a position only if it really belongs last");
    }
}
