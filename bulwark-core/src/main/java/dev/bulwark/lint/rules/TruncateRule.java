package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.sql.analysis.StatementEffect;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;

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
            List<String> named = t.tables().stream().map(Name::name).toList();
            for (Name n : t.tables()) {
                // the model's TRUNCATE row of an existing table: what deploy snapshots
                if (s.effect().loss(RowKind.TRUNCATE, n.name()) == null) {
                    continue;
                }
                String reached = "";
                if (t.cascade()) {
                    // the tables the model's TRUNCATE … CASCADE empties besides the named ones (transitively)
                    List<String> children = s.effect().rows().stream().filter(r -> r.kind() == RowKind.TRUNCATE)
                            .map(StatementEffect.RowChange::table).filter(table -> !named.contains(table)).toList();
                    reached = children.isEmpty() ? " and, with CASCADE, every table referencing it"
                            : " and, with CASCADE, also empties " + String.join(", ", children);
                }
                ctx.report(s, n.token(), "TRUNCATE " + n.name() + " deletes every row under ACCESS EXCLUSIVE" + reached, null);
            }
        }
    }

}
