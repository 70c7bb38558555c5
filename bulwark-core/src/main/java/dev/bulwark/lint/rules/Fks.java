package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ConstraintDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintKind;

import java.util.ArrayList;
import java.util.List;

/** Foreign keys a statement adds: table constraints, inline REFERENCES, ADD COLUMN … REFERENCES, ADD CONSTRAINT. */
final class Fks {
    record Added(String child, List<String> columns, ConstraintDef def) {
    }

    private Fks() {
    }

    static List<Added> added(Analyzed s) {
        List<Added> out = new ArrayList<>();
        if (s.what() instanceof Recognized.CreateTable ct) {
            String t = ct.table().name();
            for (Recognized.ColumnDef c : ct.columns()) {
                c.constraints().stream().filter(d -> d.kind() == ConstraintKind.FOREIGN_KEY)
                        .forEach(d -> out.add(new Added(t, List.of(c.name()), d)));
            }
            ct.constraints().stream().filter(d -> d.kind() == ConstraintKind.FOREIGN_KEY)
                    .forEach(d -> out.add(new Added(t, d.columns(), d)));
        } else if (s.what() instanceof Recognized.AlterTable at) {
            String t = at.table().name();
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.AddColumn ac) {
                    ac.column().constraints().stream().filter(d -> d.kind() == ConstraintKind.FOREIGN_KEY)
                            .forEach(d -> out.add(new Added(t, List.of(ac.column().name()), d)));
                } else if (a instanceof Recognized.AddConstraint ac && ac.constraint().kind() == ConstraintKind.FOREIGN_KEY) {
                    out.add(new Added(t, ac.constraint().columns(), ac.constraint()));
                }
            }
        }
        return out;
    }
}
