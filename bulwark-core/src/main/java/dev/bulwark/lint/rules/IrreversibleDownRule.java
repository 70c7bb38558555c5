package dev.bulwark.lint.rules;

import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.Token;

import java.nio.file.Path;
import java.util.HashSet;
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

    @Override
    public void checkSet(SetContext ctx) {
        for (MigrationContext c : ctx.migrations()) {
            Set<String> createdTables = new HashSet<>(c.createdHere());
            Set<String> addedColumns = new HashSet<>();
            Set<String> createdIndexes = new HashSet<>();
            Set<String> seeded = new HashSet<>();
            for (Analyzed s : c.statements()) {
                if (s.what() instanceof Recognized.AlterTable at) {
                    for (Recognized.Action a : at.actions()) {
                        if (a instanceof Recognized.AddColumn ac) {
                            addedColumns.add(at.table().name() + "." + ac.column().name());
                        } else if (a instanceof Recognized.RenameAction r && r.what().equals("column")) {
                            addedColumns.add(at.table().name() + "." + r.to());
                        } else if (a instanceof Recognized.RenameAction r && r.renamesTable()) {
                            createdTables.add(r.tableAfter(at.table().name()));
                        }
                    }
                } else if (s.what() instanceof Recognized.CreateIndex ci && ci.name() != null) {
                    createdIndexes.add(ci.name().name());
                } else if (s.what() instanceof Recognized.Dml d && d.verb().equals("insert") && d.table() != null) {
                    seeded.add(d.table().name());
                }
            }
            for (Analyzed s : c.down()) {
                String what = null;
                if (s.what() instanceof Recognized.Drop d && d.objectKind().equals("table")) {
                    for (Name n : d.names()) {
                        if (!createdTables.contains(n.name())) {
                            what = "drops table " + n.name() + ", which the up did not create";
                        }
                    }
                } else if (s.what() instanceof Recognized.AlterTable at) {
                    for (Recognized.Action a : at.actions()) {
                        if (a instanceof Recognized.DropColumn dc && !addedColumns.contains(at.table().name() + "." + dc.column())
                                && !createdTables.contains(at.table().name())) {
                            what = "drops column " + at.table().name() + "." + dc.column() + ", which the up did not add";
                        }
                    }
                } else if (s.what() instanceof Recognized.DropIndex di) {
                    for (Name n : di.names()) {
                        if (!createdIndexes.contains(n.name())) {
                            what = "drops index " + n.name() + ", which the up did not create";
                        }
                    }
                } else if (s.what() instanceof Recognized.Dml d && d.verb().equals("delete") && !d.hasWhere()
                        && d.table() != null && seeded.contains(d.table().name())) {
                    what = "deletes every row of " + d.table().name() + ", not only the rows the up inserted";
                } else if (s.what() instanceof Recognized.Truncate t) {
                    what = "truncates " + String.join(", ", t.tables().stream().map(Name::name).toList());
                }
                if (what != null) {
                    Token at = s.statement().tokens().get(0);
                    ctx.report(Path.of(s.statement().source()), at.line(), at.column(), 1,
                            "the down of migration " + Revisions.label(c.migration()) + " " + what
                                    + ": rolling back destroys data that existed before", null, c.migration().id());
                }
            }
        }
    }

}
