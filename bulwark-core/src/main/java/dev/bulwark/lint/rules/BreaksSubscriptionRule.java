package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.analysis.StatementEffect;

/**
 * A change to a table the target receives through logical replication that stops the
 * subscription's apply: the publisher goes on sending rows in the old shape. Fires only when lint
 * knows the target subscribes ({@code --url} on a subscriber, {@code bulwark deploy}'s preflight).
 * See docs/rules/breaks-subscription.md.
 */
public final class BreaksSubscriptionRule extends StatementRule {
    @Override
    public String id() {
        return "breaks-subscription";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "a change to a replicated table that stops the subscription's apply (the target subscribes)";
    }

    @Override
    public String help() {
        return "change the subscriber only in ways the rows the publisher sends still fit: make the change after the"
                + " switchover, once this side is the publisher, or on the publisher first where that is safe";
    }

    /** A migration the subscriber already applied changed it before it subscribed, or while it was the publisher. */
    private static boolean appliedOnTheTarget(MigrationContext ctx) {
        return ctx.options().history().stream().anyMatch(h -> h.state().isApplied() && h.migration() != null
                && h.migration().id().equals(ctx.migration().id()));
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (ctx.options().subscribedTables().isEmpty() || appliedOnTheTarget(ctx)) {
            return;
        }
        if (s.what() instanceof Recognized.Drop d && d.objectKind().equals("table")) {
            d.names().stream().filter(n -> ctx.options().subscribedTables().contains(n.name())).forEach(n -> ctx.report(s,
                    "DROP TABLE " + n.name() + " on a subscriber: the publisher goes on sending its rows and the subscription's"
                            + " apply stops (\"logical replication target relation does not exist\")",
                    "take it out of the publication first (ALTER PUBLICATION … DROP TABLE, then ALTER SUBSCRIPTION … REFRESH"
                            + " PUBLICATION), then drop it"));
            return;
        }
        if (!(s.what() instanceof Recognized.AlterTable at) || !ctx.options().subscribedTables().contains(at.table().name())) {
            return;
        }
        String table = at.table().name();
        String stops = "; the subscription's apply stops at the first row the publisher sends and its slot keeps WAL on the publisher";
        for (Recognized.Action a : at.actions()) {
            if (a instanceof Recognized.DropColumn dc) {
                ctx.report(s, a.at(), "DROP COLUMN " + table + "." + dc.column() + " on a subscriber: the publisher still sends "
                        + dc.column() + stops, "drop it on the publisher first (then it is no longer sent), or after the switchover");
            } else if (a instanceof Recognized.RenameAction ra && !ra.what().equals("constraint")) {
                ctx.report(s, a.at(), (ra.what().equals("schema") ? "SET SCHEMA " + ra.to() + " of " + table
                        : ra.what().equals("table") ? "RENAME of " + table : "RENAME COLUMN " + table + "." + ra.from())
                        + " on a subscriber: the publisher still sends " + (ra.renamesTable() ? "rows of " + table : ra.from()) + stops,
                        "rename after the switchover, once this side is the publisher; or add the new name beside the old one on both"
                                + " sides and move over (bulwark plan)");
            } else if (a instanceof Recognized.AddColumn ac && ac.column().notNull() && ac.column().defaultExpr() == null
                    && !ac.column().identity() && !ac.column().generatedStored()) {
                ctx.report(s, a.at(), "ADD COLUMN " + table + "." + ac.column().name() + " NOT NULL without a default on a subscriber:"
                        + " the rows the publisher sends have no value for it" + stops,
                        "add it nullable or with a DEFAULT, and SET NOT NULL after the switchover");
            } else if (a instanceof Recognized.AlterColumnType act) {
                // the statement model's TYPE_CHANGE: a conversion that can fail or lose data (a widening one cannot). A USING
                // that computes new values is one too, but the publisher sends old-type values, which a wider type takes
                var old = s.before().table(table) == null ? null : s.before().table(table).column(act.column());
                boolean takesOldValues = old != null && StatementAnalysis.holdsEveryValue(old.type(), act.type());
                boolean narrows = !takesOldValues && s.effect().rows().stream().anyMatch(r -> r.kind() == StatementEffect.RowKind.TYPE_CHANGE
                        && r.columns().contains(act.column()));
                if (narrows) {
                    ctx.report(s, a.at(), "ALTER COLUMN " + table + "." + act.column() + " TYPE " + act.type() + " on a subscriber:"
                            + " the subscription's apply stops at the first value the publisher sends that " + act.type()
                            + " cannot take, and its slot keeps WAL on the publisher",
                            "change the type after the switchover, or on the publisher first");
                }
            }
        }
    }
}
