package dev.bulwark.lint.recognize;

import dev.bulwark.lint.recognize.Recognized.Action;
import dev.bulwark.sql.Token;

import java.util.ArrayList;
import java.util.List;

/** {@code ALTER TABLE [IF EXISTS] [ONLY] name action [, action …]} and {@code ALTER TABLE name RENAME …}. */
final class AlterTableRecognizer {
    private AlterTableRecognizer() {
    }

    /** The cursor stands just after {@code ALTER TABLE}. */
    static Recognized recognize(Cursor c) {
        boolean ifExists = c.accept("if", "exists");
        c.accept("only");
        Name table = c.name();
        if (table == null) {
            return new Recognized.Opaque();
        }
        List<Action> actions = new ArrayList<>();
        while (!c.atEnd()) {
            List<Token> item = c.untilComma();
            if (!item.isEmpty()) {
                actions.add(action(new Cursor(item, 0)));
            }
        }
        return new Recognized.AlterTable(table, ifExists, actions);
    }

    static Action action(Cursor c) {
        Token at = c.peek();
        if (c.accept("add")) {
            if (Definitions.startsTableConstraint(c)) {
                return new Recognized.AddConstraint(Definitions.tableConstraint(c), at);
            }
            c.accept("column");
            boolean ifNotExists = c.accept("if", "not", "exists");
            return new Recognized.AddColumn(Definitions.column(c), ifNotExists, at);
        }
        if (c.accept("drop", "constraint")) {
            c.accept("if", "exists");
            String name = Cursor.part(c.next());
            return new Recognized.DropConstraint(name, c.hasTopLevelWord("cascade"), at);
        }
        if (c.accept("drop")) {
            c.accept("column");
            boolean ifExists = c.accept("if", "exists");
            Token n = c.next();
            return new Recognized.DropColumn(n == null ? "?" : Cursor.part(n), ifExists, c.hasTopLevelWord("cascade"), at);
        }
        if (c.accept("alter")) {
            c.accept("column");
            Token n = c.next();
            String column = n == null ? "?" : Cursor.part(n);
            if (c.accept("set", "data", "type") || c.accept("type")) {
                Token typeToken = c.peek();
                int start = c.i;
                while (!c.atEnd() && !c.isWord("using") && !c.isWord("collate")) {
                    if (c.isPunct('(')) {
                        c.group();
                    } else {
                        c.i++;
                    }
                }
                String type = Definitions.normalizeType(Cursor.text(c.tokens.subList(start, c.i)));
                while (!c.atEnd() && !c.isWord("using")) {
                    c.i++; // COLLATE …
                }
                String using = c.accept("using") ? Cursor.text(c.tokens.subList(c.i, c.tokens.size())).trim() : null;
                return new Recognized.AlterColumnType(column, type, typeToken, using, at);
            }
            if (c.accept("set", "not", "null")) {
                return new Recognized.SetNotNull(column, at);
            }
            if (c.accept("drop", "not", "null")) {
                return new Recognized.DropNotNull(column, at);
            }
            if (c.accept("set", "default")) {
                return new Recognized.SetDefault(column, Cursor.text(c.tokens.subList(c.i, c.tokens.size())), at);
            }
            return new Recognized.OtherAction("alter column " + Cursor.text(c.tokens.subList(c.i, c.tokens.size())), at);
        }
        if (c.accept("validate", "constraint")) {
            return new Recognized.ValidateConstraint(Cursor.part(c.next()), at);
        }
        if (c.accept("rename")) {
            if (c.accept("to")) {
                return new Recognized.RenameAction("table", null, Cursor.part(c.next()), at);
            }
            String what = c.accept("constraint") ? "constraint" : "column";
            if (what.equals("column")) {
                c.accept("column");
            }
            String from = Cursor.part(c.next());
            c.accept("to");
            Token to = c.next();
            return new Recognized.RenameAction(what, from, to == null ? "?" : Cursor.part(to), at);
        }
        if (c.accept("set", "schema")) {
            Token to = c.next();
            return new Recognized.RenameAction("schema", null, to == null ? "?" : Cursor.part(to), at);
        }
        if (c.accept("set", "logged") || c.accept("set", "unlogged") || c.accept("set", "tablespace")
                || c.accept("set", "access", "method")) {
            return new Recognized.RewriteAction(Cursor.text(c.tokens.subList(0, Math.min(c.i, c.tokens.size()))), at);
        }
        if (c.accept("attach", "partition")) {
            return new Recognized.AttachPartition(c.name(), at);
        }
        if (c.accept("detach", "partition")) {
            Name p = c.name();
            return new Recognized.DetachPartition(p, c.isWord("concurrently") || c.isWord("finalize"), at);
        }
        return new Recognized.OtherAction(Cursor.text(c.tokens), at);
    }
}
