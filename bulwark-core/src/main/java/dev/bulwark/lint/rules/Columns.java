package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;

import java.util.LinkedHashMap;
import java.util.Map;

/** Columns a statement defines (CREATE TABLE, ADD COLUMN), keyed {@code table.column}. */
final class Columns {
    private Columns() {
    }

    static Map<String, ColumnDef> defined(Analyzed s) {
        Map<String, ColumnDef> out = new LinkedHashMap<>();
        if (s.what() instanceof Recognized.CreateTable ct) {
            ct.columns().forEach(c -> out.put(ct.table().name() + "." + c.name(), c));
        } else if (s.what() instanceof Recognized.AlterTable at) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.AddColumn ac) {
                    out.put(at.table().name() + "." + ac.column().name(), ac.column());
                }
            }
        }
        return out;
    }
}
