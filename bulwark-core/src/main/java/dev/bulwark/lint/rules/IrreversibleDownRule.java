package dev.bulwark.lint.rules;

import dev.bulwark.lint.Finding;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.Analyzed;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.analysis.StatementEffect;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A down that drops objects the up did not create, or deletes all rows of a seeded table. See docs/rules/irreversible-down.md. */
public final class IrreversibleDownRule extends Rule {
    @Override
    public String id() {
        return "irreversible-down";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "a down that drops objects the up did not create, or deletes all rows of a seeded table";
    }

    @Override
    public String help() {
        return "make the down undo exactly what the up did; restore dropped data from a snapshot instead";
    }

    /**
     * What the up made, from its statements' effects: the columns it added (or renamed into), the
     * indexes it built and the tables it inserted rows into. Tables the up created need no list: the
     * down's statements are analysed under the migration's id, so {@link Analyzed#existing} is false
     * for them.
     */
    private record Made(Set<String> columns, Set<String> indexes, Set<String> seeded) {
        static Made by(List<Analyzed> up) {
            Made m = new Made(new HashSet<>(), new HashSet<>(), new HashSet<>());
            for (Analyzed s : up) {
                StatementEffect e = s.effect();
                for (StatementEffect.ObjectChange o : e.objects()) {
                    if (o.action() == StatementEffect.Action.CREATE && o.kind() == StatementEffect.ObjectKind.COLUMN) {
                        m.columns.add(o.name());
                    } else if (o.action() == StatementEffect.Action.CREATE && o.kind() == StatementEffect.ObjectKind.INDEX) {
                        m.indexes.add(o.name());
                    }
                }
                for (StatementEffect.Rename r : e.renames()) {
                    if (r.kind() == StatementEffect.ObjectKind.COLUMN) {
                        m.columns.add(r.table() + "." + r.to());
                    }
                }
                e.rows().stream().filter(r -> r.kind() == RowKind.INSERT).forEach(r -> m.seeded.add(r.table()));
            }
            return m;
        }
    }

    @Override
    public void checkSet(SetContext ctx) {
        for (MigrationContext c : ctx.migrations()) {
            Made made = Made.by(c.statements());
            for (Analyzed s : c.down()) {
                String what = whatItDestroys(s, made);
                if (what != null) {
                    Token at = s.statement().tokens().get(0);
                    ctx.report(Path.of(s.statement().source()), at.line(), at.column(), 1,
                            "the down of migration " + Revisions.label(c.migration()) + " " + what
                                    + ": rolling back destroys data that existed before", null, c.migration().id(), Finding.Part.DOWN);
                }
            }
        }
    }

    /** What down statement {@code s} destroys that the up did not make, or null. */
    private static String whatItDestroys(Analyzed s, Made made) {
        StatementEffect e = s.effect();
        String what = null;
        for (StatementEffect.RowChange r : e.rows()) {
            if (r.kind() == RowKind.DROP_TABLE && s.existing(r.table())) {
                what = "drops table " + r.table() + ", which the up did not create";
            } else if (r.kind() == RowKind.DROP_COLUMN && s.existing(r.table())) {
                for (String column : r.columns()) {
                    if (!made.columns.contains(r.table() + "." + column)) {
                        what = "drops column " + r.table() + "." + column + ", which the up did not add";
                    }
                }
            } else if (r.kind() == RowKind.DELETE && r.table().equals(e.target()) && e.fullScan() && made.seeded.contains(r.table())) {
                what = "deletes every row of " + r.table() + ", not only the rows the up inserted";
            }
        }
        for (StatementEffect.ObjectChange o : e.objects()) {
            if (o.action() == StatementEffect.Action.DROP && o.kind() == StatementEffect.ObjectKind.INDEX
                    && !made.indexes.contains(o.name())) {
                what = "drops index " + o.name() + ", which the up did not create";
            }
        }
        List<String> truncated = e.rows().stream().filter(r -> r.kind() == RowKind.TRUNCATE).map(StatementEffect.RowChange::table).toList();
        if (!truncated.isEmpty()) {
            what = "truncates " + String.join(", ", truncated);
        }
        return what;
    }
}
