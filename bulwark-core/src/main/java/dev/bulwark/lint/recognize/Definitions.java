package dev.bulwark.lint.recognize;

import dev.bulwark.lint.recognize.Recognized.ColumnDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintKind;
import dev.bulwark.lint.recognize.Recognized.FkAction;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Column definitions and constraints, shared by CREATE TABLE and ALTER TABLE. */
final class Definitions {
    /** Words that end a column's type and start its constraints. */
    private static final Set<String> AFTER_TYPE = Set.of("constraint", "not", "null", "default", "primary", "unique",
            "check", "references", "generated", "collate", "deferrable", "initially", "compression", "storage");
    private static final Set<String> TABLE_CONSTRAINT_START = Set.of("constraint", "primary", "unique", "check",
            "foreign", "exclude");

    private Definitions() {
    }

    static boolean startsTableConstraint(Cursor c) {
        return c.peek() != null && c.peek().kind() == TokenKind.WORD && TABLE_CONSTRAINT_START.contains(c.peek().value());
    }

    /** {@code name type [constraints…]}; the cursor covers exactly one definition. */
    static ColumnDef column(Cursor c) {
        Token at = c.peek();
        String name = Cursor.part(c.next());
        Token typeToken = c.peek();
        int typeStart = c.i;
        int depth = 0;
        while (!c.atEnd()) {
            Token t = c.peek();
            if (t.isPunctuation('(')) {
                depth++;
            } else if (t.isPunctuation(')')) {
                depth--;
            } else if (depth == 0 && t.kind() == TokenKind.WORD && AFTER_TYPE.contains(t.value())) {
                break;
            }
            c.i++;
        }
        String type = normalizeType(Cursor.text(c.tokens.subList(typeStart, c.i)));
        boolean notNull = false;
        String defaultExpr = null;
        boolean stored = false;
        boolean identity = false;
        List<ConstraintDef> constraints = new ArrayList<>();
        String constraintName = null;
        while (!c.atEnd()) {
            Token t = c.peek();
            if (c.accept("constraint")) {
                Token n = c.next();
                constraintName = n == null ? null : Cursor.part(n);
            } else if (c.accept("not", "null")) {
                notNull = true;
            } else if (c.accept("null")) {
                notNull = false;
            } else if (c.accept("default")) {
                int start = c.i;
                skipExpression(c);
                defaultExpr = Cursor.text(c.tokens.subList(start, c.i));
            } else if (c.accept("generated")) {
                if (c.accept("always") || c.accept("by", "default")) {
                    if (c.accept("as", "identity")) {
                        identity = true;
                        c.group();
                    } else if (c.accept("as")) {
                        c.group();
                        stored = c.accept("stored") || stored;
                    }
                }
            } else if (c.isWord("primary") || c.isWord("unique") || c.isWord("check") || c.isWord("references")) {
                ConstraintDef d = constraintBody(c, constraintName, List.of(name), t);
                constraints.add(d);
                if (d.kind() == ConstraintKind.PRIMARY_KEY) {
                    notNull = true;
                }
                constraintName = null;
            } else {
                c.i++;
            }
        }
        if (type.endsWith("serial")) {
            defaultExpr = "nextval()";
        }
        return new ColumnDef(name, type, typeToken, notNull, defaultExpr, stored, identity, constraints, at);
    }

    /** A table constraint: {@code [CONSTRAINT name] PRIMARY KEY (…) | UNIQUE … | CHECK … | FOREIGN KEY … | EXCLUDE …}. */
    static ConstraintDef tableConstraint(Cursor c) {
        Token at = c.peek();
        String name = null;
        if (c.accept("constraint")) {
            name = Cursor.part(c.next());
        }
        return constraintBody(c, name, List.of(), at);
    }

    private static ConstraintDef constraintBody(Cursor c, String name, List<String> columnOf, Token at) {
        ConstraintKind kind;
        List<String> columns = columnOf;
        String refTable = null;
        List<String> refColumns = List.of();
        FkAction onDelete = FkAction.NO_ACTION;
        FkAction onUpdate = FkAction.NO_ACTION;
        String checkExpr = null;
        boolean usingIndex = false;
        if (c.accept("primary", "key") || c.accept("unique")) {
            kind = c.tokens.get(c.i - 1).isWord("key") ? ConstraintKind.PRIMARY_KEY : ConstraintKind.UNIQUE;
            c.accept("nulls", "not", "distinct");
            c.accept("nulls", "distinct");
            if (c.isPunct('(')) {
                columns = Cursor.columnList(c.group());
            }
            if (c.accept("using", "index")) {
                usingIndex = !c.isWord("tablespace");
            }
        } else if (c.accept("check")) {
            kind = ConstraintKind.CHECK;
            checkExpr = Cursor.text(c.group());
        } else if (c.accept("exclude")) {
            kind = ConstraintKind.EXCLUDE;
        } else if (c.accept("not", "null")) {
            kind = ConstraintKind.NOT_NULL;
        } else {
            kind = ConstraintKind.FOREIGN_KEY;
            if (c.accept("foreign", "key")) {
                columns = Cursor.columnList(c.group());
            }
            if (c.accept("references")) {
                Name t = c.name();
                refTable = t == null ? null : t.name();
                if (c.isPunct('(')) {
                    refColumns = Cursor.columnList(c.group());
                }
            }
        }
        boolean notValid = false;
        // Options after the body, up to the next constraint of a column (the cursor covers one definition).
        while (!c.atEnd()) {
            if (c.accept("on", "delete")) {
                onDelete = action(c);
            } else if (c.accept("on", "update")) {
                onUpdate = action(c);
            } else if (c.accept("not", "valid")) {
                notValid = true;
            } else if (c.isWord("primary") || c.isWord("unique") || c.isWord("check") || c.isWord("references")
                    || c.isWord("constraint") || c.isWord("default") || c.isWord("generated")
                    || (c.isWord("not") && c.peek(1) != null && c.peek(1).isWord("null")) || c.isWord("null")) {
                break;
            } else {
                c.i++;
            }
        }
        return new ConstraintDef(name, kind, columns, refTable, refColumns, onDelete, onUpdate, notValid, usingIndex,
                checkExpr, at);
    }

    private static FkAction action(Cursor c) {
        if (c.accept("cascade")) {
            return FkAction.CASCADE;
        }
        if (c.accept("restrict")) {
            return FkAction.RESTRICT;
        }
        if (c.accept("set", "null")) {
            c.group();
            return FkAction.SET_NULL;
        }
        if (c.accept("set", "default")) {
            c.group();
            return FkAction.SET_DEFAULT;
        }
        c.accept("no", "action");
        return FkAction.NO_ACTION;
    }

    /** Skips an expression up to the next column-constraint keyword at depth 0. */
    private static void skipExpression(Cursor c) {
        int depth = 0;
        while (!c.atEnd()) {
            Token t = c.peek();
            if (t.isPunctuation('(')) {
                depth++;
            } else if (t.isPunctuation(')')) {
                depth--;
            } else if (depth == 0 && t.kind() == TokenKind.WORD && AFTER_TYPE.contains(t.value())
                    && !t.isWord("null") && !t.isWord("collate")) {
                return;
            }
            c.i++;
        }
    }

    /** One spelling per type, so rules compare {@code character varying(20)} with {@code varchar(20)}. */
    static String normalizeType(String t) {
        String s = t.trim();
        s = s.replace("character varying", "varchar").replace("double precision", "float8");
        s = s.replaceAll("^timestamp\\s*(\\(\\d+\\))?\\s*with time zone$", "timestamptz$1");
        s = s.replaceAll("^timestamp\\s*(\\(\\d+\\))?\\s*without time zone$", "timestamp$1");
        s = s.replaceAll("^time\\s*(\\(\\d+\\))?\\s*with time zone$", "timetz$1");
        s = s.replaceAll("\\s+", " ").replace(" (", "(");
        switch (s) {
            case "integer":
            case "int4":
                return "int";
            case "int8":
                return "bigint";
            case "int2":
                return "smallint";
            case "serial4":
                return "serial";
            case "serial8":
                return "bigserial";
            case "bool":
                return "boolean";
            case "decimal":
                return "numeric";
            default:
                break;
        }
        if (s.startsWith("character(") || s.equals("character")) {
            return s.replace("character", "char");
        }
        if (s.startsWith("decimal(")) {
            return s.replace("decimal", "numeric");
        }
        return s;
    }
}
