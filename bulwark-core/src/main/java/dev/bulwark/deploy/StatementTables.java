package dev.bulwark.deploy;

import dev.bulwark.sql.Statement;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import static dev.bulwark.sql.TokenWalk.isName;
import static dev.bulwark.sql.TokenWalk.skip;
import static dev.bulwark.sql.TokenWalk.word;

import java.util.ArrayList;
import java.util.List;

/**
 * The tables a statement touches, and whether it destroys data (drops a table or a column,
 * deletes, updates or truncates rows), from its tokens.
 *
 * <p>A deliberately small token check: lint's statement recognizers (being built on the lint
 * branch) know these statements fully; once they land, preflight and snapshots should ask them
 * instead, and this class goes away.
 */
public final class StatementTables {
    private StatementTables() {
    }

    /** A name as written: [schema, table] or [table]. */
    public record Name(String schema, String table) {
        @Override
        public String toString() {
            return schema == null ? table : schema + "." + table;
        }
    }

    public enum Kind {
        DROP_TABLE("DROP TABLE"), DROP_COLUMN("DROP COLUMN"), DELETE("DELETE"), UPDATE("UPDATE"), TRUNCATE("TRUNCATE");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A destructive statement.
     *
     * @param columns for DROP COLUMN, the columns dropped; else empty
     */
    public record Destructive(Kind kind, Name table, List<String> columns, Statement statement) {
    }

    /** Every table the statement reads or changes under a lock worth checking (target, FK parents, index tables). */
    public static List<Name> touched(List<Token> t) {
        List<Name> out = new ArrayList<>();
        int i = targetStart(t);
        if (i >= 0) {
            boolean list = word(t, 0, "drop") || word(t, 0, "truncate");
            names(t, i, list, out);
        }
        for (int j = 0; j + 1 < t.size(); j++) {
            if (t.get(j).isWord("references")) {
                names(t, j + 1, false, out);
            }
        }
        return out;
    }

    /** The destructive operations in a statement (several for {@code ALTER TABLE t DROP a, DROP b} or a multi-table drop). */
    public static List<Destructive> destructive(Statement s) {
        List<Token> t = s.tokens();
        List<Destructive> out = new ArrayList<>();
        if (t.isEmpty()) {
            return out;
        }
        if (word(t, 0, "drop") && word(t, 1, "table")) {
            List<Name> names = new ArrayList<>();
            names(t, skip(t, 2, "if", "exists"), true, names);
            names.forEach(n -> out.add(new Destructive(Kind.DROP_TABLE, n, List.of(), s)));
        } else if (word(t, 0, "truncate")) {
            List<Name> names = new ArrayList<>();
            names(t, skip(t, skip(t, 1, "table"), "only"), true, names);
            names.forEach(n -> out.add(new Destructive(Kind.TRUNCATE, n, List.of(), s)));
        } else if (word(t, 0, "delete") && word(t, 1, "from")) {
            single(t, skip(t, 2, "only"), Kind.DELETE, s, out);
        } else if (word(t, 0, "update")) {
            single(t, skip(t, 1, "only"), Kind.UPDATE, s, out);
        } else if (word(t, 0, "alter") && word(t, 1, "table")) {
            List<Name> names = new ArrayList<>();
            int after = names(t, skip(t, skip(t, 2, "if", "exists"), "only"), false, names);
            if (names.isEmpty()) {
                return out;
            }
            List<String> columns = new ArrayList<>();
            int depth = 0;
            for (int j = after; j < t.size(); j++) {
                Token k = t.get(j);
                if (k.isPunctuation('(')) depth++;
                if (k.isPunctuation(')')) depth--;
                if (depth == 0 && k.isWord("drop") && (j == after || t.get(j - 1).isPunctuation(','))) {
                    int c = j + 1;
                    if (word(t, c, "constraint") || word(t, c, "default") || word(t, c, "not") || word(t, c, "expression")
                            || word(t, c, "identity")) {
                        continue;
                    }
                    c = skip(t, c, "column");
                    c = skip(t, c, "if", "exists");
                    if (c < t.size() && isName(t.get(c))) {
                        columns.add(t.get(c).value());
                    }
                }
            }
            if (!columns.isEmpty()) {
                out.add(new Destructive(Kind.DROP_COLUMN, names.get(0), columns, s));
            }
        }
        return out;
    }

    private static void single(List<Token> t, int i, Kind kind, Statement s, List<Destructive> out) {
        List<Name> names = new ArrayList<>();
        names(t, i, false, names);
        names.forEach(n -> out.add(new Destructive(kind, n, List.of(), s)));
    }

    /** Where the statement's target table name starts, or -1. */
    private static int targetStart(List<Token> t) {
        if (t.isEmpty()) return -1;
        if (word(t, 0, "alter") && word(t, 1, "table")) return skip(t, skip(t, 2, "if", "exists"), "only");
        if (word(t, 0, "drop") && word(t, 1, "table")) return skip(t, 2, "if", "exists");
        if (word(t, 0, "truncate")) return skip(t, skip(t, 1, "table"), "only");
        if (word(t, 0, "update")) return skip(t, 1, "only");
        if (word(t, 0, "delete") && word(t, 1, "from")) return skip(t, 2, "only");
        if (word(t, 0, "insert") && word(t, 1, "into")) return 2;
        if (word(t, 0, "create")) {
            for (int j = 1; j < t.size() && j < 12; j++) {
                if (t.get(j).isWord("index")) {
                    for (int k = j + 1; k < t.size(); k++) {
                        if (t.get(k).isWord("on")) {
                            return skip(t, k + 1, "only");
                        }
                        if (t.get(k).isPunctuation('(')) {
                            return -1;
                        }
                    }
                }
                if (t.get(j).isWord("trigger")) {
                    for (int k = j + 1; k < t.size(); k++) {
                        if (t.get(k).isWord("on")) {
                            return k + 1;
                        }
                    }
                }
            }
        }
        return -1;
    }

    /** Reads names from {@code i}; returns the index after the last one. */
    private static int names(List<Token> t, int i, boolean list, List<Name> out) {
        while (i < t.size()) {
            List<String> parts = new ArrayList<>();
            while (i < t.size() && isName(t.get(i))) {
                parts.add(t.get(i).value());
                if (i + 1 < t.size() && t.get(i + 1).isPunctuation('.')) {
                    i += 2;
                } else {
                    i++;
                    break;
                }
            }
            if (parts.isEmpty() || parts.size() > 2) {
                return i;
            }
            out.add(parts.size() == 2 ? new Name(parts.get(0), parts.get(1)) : new Name(null, parts.get(0)));
            if (!list || i >= t.size() || !t.get(i).isPunctuation(',')) {
                return i;
            }
            i = skip(t, i + 1, "only");
        }
        return i;
    }



}
