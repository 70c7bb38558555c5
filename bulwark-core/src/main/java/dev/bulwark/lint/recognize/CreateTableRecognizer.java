package dev.bulwark.lint.recognize;

import dev.bulwark.lint.recognize.Recognized.ColumnDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintDef;
import dev.bulwark.lint.recognize.Recognized.CreateTable;
import dev.bulwark.sql.Token;

import java.util.ArrayList;
import java.util.List;

/** {@code CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] name (columns, constraints) [PARTITION BY …]}, also {@code AS} and {@code PARTITION OF}. */
final class CreateTableRecognizer {
    private CreateTableRecognizer() {
    }

    /** The cursor stands just after {@code TABLE}. */
    static Recognized recognize(Cursor c) {
        boolean ifNotExists = c.accept("if", "not", "exists");
        Name table = c.name();
        if (table == null) {
            return new Recognized.Opaque();
        }
        Name partitionOf = null;
        if (c.accept("partition", "of")) {
            partitionOf = c.name();
        } else if (c.accept("of")) {
            c.name();
        }
        List<ColumnDef> columns = new ArrayList<>();
        List<ConstraintDef> constraints = new ArrayList<>();
        boolean asSelect = false;
        if (c.isPunct('(')) {
            List<Token> inside = c.group();
            Cursor body = new Cursor(inside, 0);
            while (!body.atEnd()) {
                List<Token> item = body.untilComma();
                if (item.isEmpty()) {
                    continue;
                }
                Cursor one = new Cursor(item, 0);
                if (Definitions.startsTableConstraint(one)) {
                    constraints.add(Definitions.tableConstraint(one));
                } else if (one.isWord("like")) {
                    continue;
                } else if (Cursor.isNamePart(one.peek())) {
                    columns.add(Definitions.column(one));
                }
            }
        }
        if (c.hasTopLevelWord("as")) {
            asSelect = true;
        }
        boolean partitioned = c.hasTopLevelWord("partition");
        return new CreateTable(table, ifNotExists, columns, constraints, partitioned, partitionOf, asSelect);
    }
}
