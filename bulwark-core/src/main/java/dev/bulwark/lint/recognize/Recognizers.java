package dev.bulwark.lint.recognize;

import dev.bulwark.sql.Statement;
import dev.bulwark.sql.StatementClassifier;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import java.util.List;
import java.util.Set;

/**
 * Recognizes what a statement does. Never throws: a statement it cannot follow is
 * {@link Recognized.Unreadable} (with the exception when the reader itself failed), so lint can
 * report it rather than skip it; a PostgreSQL command the model has no use for is
 * {@link Recognized.Opaque}. Errors (OutOfMemoryError, StackOverflowError) are not caught.
 */
public final class Recognizers {
    private static final Set<String> DROPPABLE = Set.of("table", "schema", "database", "view", "type", "sequence",
            "function", "procedure", "domain", "extension", "trigger", "policy", "rule", "aggregate", "collation");

    private Recognizers() {
    }

    /** Every PostgreSQL command's first word (the SQL Commands chapter of the manual), and "(" for a parenthesized query. */
    private static final Set<String> COMMANDS = Set.of("abort", "alter", "analyze", "analyse", "begin", "call", "checkpoint",
            "close", "cluster", "comment", "commit", "copy", "create", "deallocate", "declare", "delete", "discard", "do",
            "drop", "end", "execute", "explain", "fetch", "grant", "import", "insert", "listen", "load", "lock", "merge",
            "move", "notify", "prepare", "reassign", "refresh", "reindex", "release", "reset", "revoke", "rollback",
            "savepoint", "security", "select", "set", "show", "start", "table", "truncate", "unlisten", "update", "vacuum",
            "values", "with");
    /** Object kinds CREATE, ALTER and DROP take (first word; "default" for ALTER DEFAULT PRIVILEGES and CREATE DEFAULT CONVERSION). */
    private static final Set<String> KINDS = Set.of("access", "aggregate", "cast", "collation", "conversion", "database",
            "default", "domain", "event", "extension", "foreign", "function", "group", "index", "language", "large",
            "materialized", "operator", "owned", "policy", "procedure", "publication", "role", "routine", "rule", "schema",
            "sequence", "server", "statistics", "subscription", "system", "table", "tablespace", "text", "transform",
            "trigger", "type", "user", "view");
    /** Words that may come between CREATE and the object kind. */
    private static final Set<String> CREATE_MODIFIERS = Set.of("or", "replace", "global", "local", "temporary", "temp",
            "unlogged", "unique", "constraint", "trusted", "procedural", "recursive");

    /** A type name in the one spelling the recognized statements use ({@code character varying(20)} → {@code varchar(20)}). */
    public static String normalizeType(String type) {
        return Definitions.normalizeType(type);
    }

    public static Recognized recognize(Statement s) {
        try {
            Recognized r = dispatch(s.tokens());
            if (r instanceof Recognized.Opaque) {
                String why = unreadable(s.tokens());
                if (why != null) {
                    return new Recognized.Unreadable(why, null);
                }
            }
            return r;
        } catch (RuntimeException e) {
            // A reader bug must not hide the rest of the file's findings, nor pass for "nothing to see".
            return new Recognized.Unreadable("the statement reader failed (" + e + ")", e);
        }
    }

    /** Why a statement the recognizers passed over is not one PostgreSQL would read either, or null. */
    private static String unreadable(List<Token> t) {
        if (t.isEmpty()) {
            return null;
        }
        Token first = t.get(0);
        if (first.kind() != TokenKind.WORD) {
            return first.isPunctuation('(') ? null : "it starts with \"" + first.text() + "\", not a PostgreSQL command";
        }
        String verb = first.value();
        if (!COMMANDS.contains(verb)) {
            return "\"" + first.text() + "\" is not a PostgreSQL command";
        }
        if (verb.equals("create") || verb.equals("alter") || verb.equals("drop")) {
            int k = 1;
            while (verb.equals("create") && k < t.size() && t.get(k).kind() == TokenKind.WORD
                    && CREATE_MODIFIERS.contains(t.get(k).value())) {
                k++;
            }
            if (k >= t.size()) {
                return first.text().toUpperCase(java.util.Locale.ROOT) + " without an object to act on";
            }
            Token kind = t.get(k);
            if (kind.kind() != TokenKind.WORD || !KINDS.contains(kind.value())) {
                return "\"" + kind.text() + "\" is not an object kind " + first.text().toUpperCase(java.util.Locale.ROOT) + " takes";
            }
            if (kind.value().equals("table") && !verb.equals("drop") || kind.value().equals("index") && verb.equals("create")) {
                // the reader follows these forms: passing over one means it could not find the table or the index
                return first.text().toUpperCase(java.util.Locale.ROOT) + " " + kind.text().toUpperCase(java.util.Locale.ROOT)
                        + " without a table name the reader could find";
            }
        }
        return null;
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
                List<Name> tables = new java.util.ArrayList<>();
                do { // TRUNCATE [TABLE] [ONLY] a [*], [ONLY] b …
                    c.accept("only");
                    Name n = c.name();
                    if (n == null) {
                        break;
                    }
                    tables.add(n);
                    if (!c.atEnd() && c.peek().text().equals("*")) {
                        c.i++;
                    }
                } while (c.acceptPunct(','));
                return new Recognized.Truncate(tables, c.hasTopLevelWord("cascade"));
            case "update":
                c.accept("only");
                Name updated = c.name();
                return new Recognized.Dml("update", updated, c.hasTopLevelWord("where"), updated == null ? List.of() : setColumns(c));
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

    /**
     * The columns an UPDATE's SET assigns, the cursor just after the table's name: {@code [*] [[AS]
     * alias] SET a = …, (b, c) = (…), d.f = …, e[1] = …} gives a, b, c, d, e. Empty when the list
     * cannot be followed: the caller then takes every column to change.
     */
    private static List<String> setColumns(Cursor at) {
        Cursor c = new Cursor(at.tokens, at.i);
        if (!c.atEnd() && c.peek().text().equals("*")) {
            c.i++;
        }
        if (!c.isWord("set")) {
            c.accept("as");
            c.next(); // the alias
        }
        if (!c.accept("set")) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        while (!c.atEnd()) {
            if (c.isPunct('(')) {
                out.addAll(Cursor.columnList(c.group()));
            } else if (Cursor.isNamePart(c.peek())) {
                out.add(Cursor.part(c.next()));
            } else {
                return List.of();
            }
            // the rest of the item: to the next top-level comma, or the end of the list (FROM, WHERE, RETURNING)
            int depth = 0;
            boolean more = false;
            while (!c.atEnd() && !more) {
                Token t = c.peek();
                if (t.isPunctuation('(') || t.isPunctuation('[')) {
                    depth++;
                } else if (t.isPunctuation(')') || t.isPunctuation(']')) {
                    depth--;
                } else if (depth == 0 && t.isPunctuation(',')) {
                    more = true;
                } else if (depth == 0 && (t.isWord("where") || t.isWord("returning")
                        || dev.bulwark.sql.TokenWalk.isFromClause(c.tokens, c.i))) {
                    return out;
                }
                c.i++;
            }
            if (!more) {
                break;
            }
        }
        return out;
    }

    private static Recognized reindex(Cursor c) {
        boolean concurrently = false;
        if (c.isPunct('(')) {
            // REINDEX (VERBOSE, CONCURRENTLY [true|false|on|off|1|0]) …
            List<Token> options = c.group();
            for (int k = 0; k < options.size(); k++) {
                if (options.get(k).isWord("concurrently") && (k == 0 || options.get(k - 1).isPunctuation(','))) {
                    Token value = k + 1 < options.size() && !options.get(k + 1).isPunctuation(',') ? options.get(k + 1) : null;
                    String v = value == null ? "true" : value.value().toLowerCase(java.util.Locale.ROOT);
                    concurrently = v.equals("true") || v.equals("on") || v.equals("1");
                }
            }
        }
        Token kind = c.next();
        concurrently |= c.accept("concurrently");
        Name n = c.name();
        return new Recognized.Reindex(kind == null ? "" : kind.value(), n, concurrently);
    }
}
