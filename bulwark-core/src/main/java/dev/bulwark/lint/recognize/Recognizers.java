package dev.bulwark.lint.recognize;

import dev.bulwark.sql.Statement;
import dev.bulwark.sql.StatementClassifier;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import java.util.List;
import java.util.Set;

/**
 * Recognizes what a statement does. Never throws: a statement it cannot follow is
 * {@link Recognized.Opaque}, because lint must not fail on SQL the server would accept.
 */
public final class Recognizers {
    private static final Set<String> DROPPABLE = Set.of("table", "schema", "database", "view", "type", "sequence",
            "function", "procedure", "domain", "extension", "trigger", "policy", "rule", "aggregate", "collation");

    private Recognizers() {
    }

    public static Recognized recognize(Statement s) {
        try {
            return dispatch(s.tokens());
        } catch (RuntimeException e) {
            // A recognizer bug must not hide the rest of the file's findings.
            return new Recognized.Opaque();
        }
    }

    private static Recognized dispatch(List<Token> t) {
        if (t.isEmpty() || t.get(0).kind() != TokenKind.WORD) {
            return new Recognized.Opaque();
        }
        Cursor c = new Cursor(t, 1);
        switch (t.get(0).value()) {
            case "create":
                return create(c);
            case "alter":
                return alter(c);
            case "drop":
                return drop(c);
            case "truncate":
                c.accept("table");
                c.accept("only");
                List<Name> tables = c.names();
                return new Recognized.Truncate(tables, c.hasTopLevelWord("cascade"));
            case "update":
                c.accept("only");
                return new Recognized.Dml("update", c.name(), c.hasTopLevelWord("where"));
            case "delete":
                c.accept("from");
                c.accept("only");
                return new Recognized.Dml("delete", c.name(), c.hasTopLevelWord("where"));
            case "insert":
                c.accept("into");
                return new Recognized.Dml("insert", c.name(), true);
            case "merge":
                c.accept("into");
                return new Recognized.Dml("merge", c.name(), true);
            case "set":
            case "reset":
                return set(t.get(0).value(), c);
            case "reindex":
                return reindex(c);
            case "vacuum": {
                boolean full = false;
                if (c.isPunct('(')) {
                    for (Token o : c.group()) {
                        full |= o.isWord("full");
                    }
                } else {
                    full = c.accept("full");
                }
                while (c.accept("freeze") || c.accept("verbose") || c.accept("analyze") || c.accept("analyse")) {
                    // options before the table names
                }
                return new Recognized.Maintenance("vacuum", full, c.names());
            }
            case "cluster":
                c.accept("verbose");
                return new Recognized.Maintenance("cluster", true, c.names());
            case "refresh":
                if (c.accept("materialized", "view")) {
                    boolean concurrently = c.accept("concurrently");
                    Name n = c.name();
                    return new Recognized.RefreshMaterializedView(n, concurrently, c.accept("with", "no", "data"));
                }
                return new Recognized.Opaque();
            default:
                break;
        }
        String v = t.get(0).value();
        boolean savepointOrPrepared = t.size() > 1 && (t.get(1).isWord("to") || t.get(1).isWord("prepared")
                || (t.size() > 2 && t.get(2).isWord("to")));
        if ((v.equals("begin") || v.equals("start") || v.equals("commit") || v.equals("end") || v.equals("rollback")
                || v.equals("abort")) && !savepointOrPrepared
                && StatementClassifier.isTransactionControl(new Statement("", t, "", 1, 1))) {
            return new Recognized.TransactionControl(v.equals("begin") || v.equals("start"));
        }
        return new Recognized.Opaque();
    }

    private static Recognized create(Cursor c) {
        c.accept("or", "replace");
        boolean unique = false;
        while (c.accept("global") || c.accept("local") || c.accept("temporary") || c.accept("temp")
                || c.accept("unlogged")) {
            // modifiers before the object kind
        }
        if (c.accept("unique")) {
            unique = true;
        }
        if (c.accept("index")) {
            return createIndex(c, unique);
        }
        if (c.accept("table")) {
            return CreateTableRecognizer.recognize(c);
        }
        if (c.accept("materialized", "view")) {
            c.accept("if", "not", "exists");
            Name n = c.name();
            return new Recognized.CreateMaterializedView(n, c.hasTopLevelWord("no") && lastWordsAre(c, "no", "data"));
        }
        if (c.accept("function")) {
            Name n = c.name();
            String volatility = "volatile";
            for (Token w : c.tokens.subList(c.i, c.tokens.size())) {
                if (w.isWord("stable") || w.isWord("immutable") || w.isWord("volatile")) {
                    volatility = w.value();
                }
            }
            return new Recognized.CreateFunction(n, volatility);
        }
        c.accept("constraint");
        if (c.accept("trigger")) {
            Name name = c.name();
            while (!c.atEnd() && !c.isWord("on")) {
                c.i++;
            }
            c.accept("on");
            return new Recognized.CreateTrigger(name, c.name());
        }
        if (c.accept("type")) {
            Name n = c.name();
            if (c.accept("as", "enum")) {
                return new Recognized.CreateEnum(n);
            }
        }
        return new Recognized.Opaque();
    }

    private static boolean lastWordsAre(Cursor c, String a, String b) {
        int n = c.tokens.size();
        return n >= 2 && c.tokens.get(n - 2).isWord(a) && c.tokens.get(n - 1).isWord(b);
    }

    /** After {@code CREATE [UNIQUE] INDEX}. */
    private static Recognized createIndex(Cursor c, boolean unique) {
        boolean concurrently = c.accept("concurrently");
        boolean ifNotExists = c.accept("if", "not", "exists");
        Name name = c.isWord("on") ? null : c.name();
        if (!c.accept("on")) {
            return new Recognized.Opaque();
        }
        boolean only = c.accept("only");
        Name table = c.name();
        if (c.accept("using")) {
            c.next();
        }
        List<String> columns = Cursor.columnList(c.group());
        return new Recognized.CreateIndex(name, table, unique, concurrently, ifNotExists, only, columns,
                c.hasTopLevelWord("where"));
    }

    private static Recognized alter(Cursor c) {
        if (c.accept("table")) {
            return AlterTableRecognizer.recognize(c);
        }
        if (c.accept("type")) {
            Name n = c.name();
            return new Recognized.AlterType(n, c.isWord("add") && c.peek(1) != null && c.peek(1).isWord("value"),
                    c.accept("rename", "value"));
        }
        String kind = null;
        for (String k : List.of("sequence", "view", "schema", "index")) {
            if (c.accept(k)) {
                kind = k;
                break;
            }
        }
        if (kind == null && c.accept("materialized", "view")) {
            kind = "materialized view";
        }
        if (kind != null) {
            c.accept("if", "exists");
            Name from = c.name();
            if (c.accept("rename", "to")) {
                Token to = c.next();
                return new Recognized.RenameObject(kind, from, to == null ? "?" : Cursor.part(to));
            }
        }
        return new Recognized.Opaque();
    }

    private static Recognized drop(Cursor c) {
        if (c.accept("index")) {
            boolean concurrently = c.accept("concurrently");
            boolean ifExists = c.accept("if", "exists");
            List<Name> names = c.names();
            return new Recognized.DropIndex(names, concurrently, ifExists, c.accept("cascade"));
        }
        String kind;
        if (c.accept("materialized", "view")) {
            kind = "materialized view";
        } else if (c.accept("foreign", "table")) {
            kind = "foreign table";
        } else if (c.peek() != null && c.peek().kind() == TokenKind.WORD && DROPPABLE.contains(c.peek().value())) {
            kind = c.next().value();
        } else {
            return new Recognized.Opaque();
        }
        boolean ifExists = c.accept("if", "exists");
        List<Name> names = c.names();
        return new Recognized.Drop(kind, names, ifExists, c.hasTopLevelWord("cascade"));
    }

    private static Recognized set(String verb, Cursor c) {
        boolean local = c.accept("local");
        c.accept("session");
        if (verb.equals("reset") || c.isWord("transaction") || c.isWord("constraints") || c.isWord("role")) {
            Token n = c.next();
            return new Recognized.SetParameter(n == null ? "" : n.value(), null, local);
        }
        Token n = c.next();
        if (n == null) {
            return new Recognized.Opaque();
        }
        if (!c.accept("to")) {
            c.acceptPunct('=');
            if (!c.atEnd() && c.peek().text().equals("=")) {
                c.i++;
            }
        }
        Token v = c.next();
        return new Recognized.SetParameter(n.value(), v == null ? null : v.value(), local);
    }

    private static Recognized reindex(Cursor c) {
        boolean concurrently = false;
        if (c.isPunct('(')) {
            for (Token o : c.group()) {
                concurrently |= o.isWord("concurrently");
            }
        }
        Token kind = c.next();
        concurrently |= c.accept("concurrently");
        Name n = c.name();
        return new Recognized.Reindex(kind == null ? "" : kind.value(), n, concurrently);
    }
}
