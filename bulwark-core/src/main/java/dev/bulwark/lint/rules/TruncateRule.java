package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Name;

import java.util.List;

/** TRUNCATE (and TRUNCATE … CASCADE). See docs/rules/truncate.md. */
public final class TruncateRule extends StatementRule {
    @Override
    public String id() {
        return "truncate";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "TRUNCATE (and TRUNCATE … CASCADE)";
    }

    @Override
    public String help() {
        return "delete the rows in batches with DELETE … WHERE, naming every table";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.Truncate t) {
            for (Name n : t.tables()) {
                if (!Existing.at(ctx, s, n.name())) {
                    continue;
                }
                String reached = "";
                if (t.cascade()) {
                    List<String> children = s.before().foreignKeys().stream().filter(fk -> fk.parent().equals(n.name()))
                            .map(fk -> fk.child()).distinct().toList();
                    reached = children.isEmpty() ? " and, with CASCADE, every table referencing it"
                            : " and, with CASCADE, also empties " + String.join(", ", children);
                }
                ctx.report(s, n.token(), "TRUNCATE " + n.name() + " deletes every row under ACCESS EXCLUSIVE" + reached, null);
            }
        }
    }

}
