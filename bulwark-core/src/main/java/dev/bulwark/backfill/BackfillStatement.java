package dev.bulwark.backfill;

import dev.bulwark.BulwarkException;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.sql.SqlLexer;
import dev.bulwark.sql.SqlSyntaxException;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;
import dev.bulwark.sql.TokenWalk;

import java.util.ArrayList;
import java.util.List;

/**
 * What a backfill updates: one table, a SET list and an optional WHERE condition, as the user wrote
 * them. It comes from {@code bulwark backfill --table t --set "…" --where "…"} or from the
 * {@code UPDATE} after a {@code -- bulwark:backfill} line; the backfill runs it in key-range batches.
 *
 * @param schema the schema when the name was qualified, else null (then the search path decides)
 * @param table  the table name as PostgreSQL reads it (unquoted names folded to lower case)
 * @param alias  the alias the SET and WHERE may use for the table, or null
 * @param set    the SET list's SQL text, without the SET keyword
 * @param where  the WHERE condition's SQL text, or null for every row
 */
public record BackfillStatement(String schema, String table, String alias, String set, String where) {

    /** The table as SQL, quoted: {@code "schema"."table"} or {@code "table"}. */
    public String tableSql() {
        return Identifiers.qualified(schema, table);
    }

    /** The UPDATE in one line, for messages and the state table. */
    public String describe() {
        return "UPDATE " + tableSql() + (alias != null ? " AS " + Identifiers.quote(alias) : "") + " SET " + oneLine(set)
                + (where != null ? " WHERE " + oneLine(where) : "");
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }

    /**
     * The statement after a {@code -- bulwark:backfill} line: {@code UPDATE [ONLY] table [[AS] alias] SET … [WHERE …]}.
     * Anything the batches cannot reproduce exactly (WITH, FROM, RETURNING, WHERE CURRENT OF) is refused.
     *
     * @throws BulwarkException a usage error naming the statement's position
     */
    public static BackfillStatement parse(Statement s) {
        String where = s.position() + ": ";
        List<Token> t = s.tokens();
        String fix = "write the step as UPDATE <table> SET <column> = <expression> [WHERE <condition>], one table, no FROM,"
                + " RETURNING or WITH";
        if (t.isEmpty() || !t.get(0).isWord("update")) {
            throw BulwarkException.usage(where + "-- bulwark:backfill must be followed by an UPDATE, found "
                    + (t.isEmpty() ? "nothing" : "'" + t.get(0).text() + "'"), fix);
        }
        int i = 1;
        if (i < t.size() && t.get(i).isWord("only")) {
            i++;
        }
        List<String> name = new ArrayList<>();
        while (true) {
            if (i >= t.size() || !isName(t.get(i))) {
                throw BulwarkException.usage(where + "-- bulwark:backfill: the UPDATE names no table", fix);
            }
            name.add(t.get(i).value());
            i++;
            if (i < t.size() && t.get(i).isPunctuation('.')) {
                i++;
                continue;
            }
            break;
        }
        if (name.size() > 2) {
            throw BulwarkException.usage(where + "-- bulwark:backfill: the table name has " + name.size() + " parts", fix);
        }
        String alias = null;
        if (i < t.size() && t.get(i).isWord("as")) {
            i++;
        }
        if (i < t.size() && isName(t.get(i)) && !t.get(i).isWord("set")) {
            alias = t.get(i).value();
            i++;
        }
        if (i >= t.size() || !t.get(i).isWord("set")) {
            throw BulwarkException.usage(where + "-- bulwark:backfill: expected SET after the table name", fix);
        }
        int setStart = i + 1;
        int whereAt = -1;
        int depth = 0;
        for (int k = setStart; k < t.size(); k++) {
            Token x = t.get(k);
            if (x.isPunctuation('(') || x.isPunctuation('[')) {
                depth++;
            } else if (x.isPunctuation(')') || x.isPunctuation(']')) {
                depth--;
            } else if (depth == 0 && x.kind() == TokenKind.WORD) {
                if (TokenWalk.isFromClause(t, k) || x.isWord("returning")) {
                    throw BulwarkException.usage(where + "-- bulwark:backfill: UPDATE … " + x.value().toUpperCase(java.util.Locale.ROOT)
                            + " cannot be split into batches", fix);
                }
                if (x.isWord("where") && whereAt < 0) {
                    whereAt = k;
                }
            }
        }
        if (whereAt >= 0 && whereAt + 1 < t.size() && t.get(whereAt + 1).isWord("current")
                && whereAt + 2 < t.size() && t.get(whereAt + 2).isWord("of")) {
            throw BulwarkException.usage(where + "-- bulwark:backfill: WHERE CURRENT OF cannot be split into batches", fix);
        }
        int setEnd = whereAt >= 0 ? whereAt : t.size();
        if (setEnd <= setStart) {
            throw BulwarkException.usage(where + "-- bulwark:backfill: the SET list is empty", fix);
        }
        String sql = s.sql();
        int base = t.get(0).offset();
        String set = sql.substring(t.get(setStart).offset() - base, t.get(setEnd - 1).endOffset() - base);
        String cond = null;
        if (whereAt >= 0) {
            if (whereAt + 1 >= t.size()) {
                throw BulwarkException.usage(where + "-- bulwark:backfill: WHERE has no condition", fix);
            }
            cond = sql.substring(t.get(whereAt + 1).offset() - base, t.get(t.size() - 1).endOffset() - base);
        }
        return new BackfillStatement(name.size() == 2 ? name.get(0) : null, name.get(name.size() - 1), alias, set, cond);
    }

    /**
     * The backfill of {@code bulwark backfill --table --set --where}: the name read as PostgreSQL would,
     * the SET list and condition checked to be one expression each (no {@code ;}, balanced brackets,
     * no FROM/RETURNING/WHERE smuggled into the SET). The server checks the rest before anything runs.
     */
    public static BackfillStatement of(String table, String set, String where) {
        List<String> name = tableName(table);
        if (name == null) {
            throw BulwarkException.usage("--table '" + table + "' is not a table name",
                    "write --table orders, or --table billing.orders; quote mixed case as --table '\"Orders\"'");
        }
        if (set == null || set.isBlank()) {
            throw BulwarkException.usage("--set is empty", "write --set \"amount_new = amount\"");
        }
        checkFragment("--set", set, true);
        if (where != null) {
            if (where.isBlank()) {
                throw BulwarkException.usage("--where is empty", "leave it out to update every row, or write --where \"amount_new IS NULL\"");
            }
            checkFragment("--where", where, false);
        }
        return new BackfillStatement(name.size() == 2 ? name.get(0) : null, name.get(name.size() - 1), null, set.strip(),
                where == null ? null : where.strip());
    }

    private static void checkFragment(String option, String text, boolean isSet) {
        List<Token> tokens;
        try {
            tokens = SqlLexer.tokenize(text, option, 1);
        } catch (SqlSyntaxException | IllegalArgumentException e) {
            throw BulwarkException.usage(option + " does not parse: " + e.getMessage(), example(option));
        }
        int depth = 0;
        for (int k = 0; k < tokens.size(); k++) {
            Token x = tokens.get(k);
            if (x.isPunctuation(';')) {
                throw BulwarkException.usage(option + " holds a ';': it must be one " + (isSet ? "SET list" : "condition"), example(option));
            }
            if (x.isPunctuation('(') || x.isPunctuation('[')) {
                depth++;
            } else if (x.isPunctuation(')') || x.isPunctuation(']')) {
                depth--;
                if (depth < 0) {
                    throw BulwarkException.usage(option + " does not parse: unbalanced ')'", example(option));
                }
            } else if (depth == 0 && (TokenWalk.isFromClause(tokens, k) || x.isWord("returning") || (isSet && x.isWord("where")))) {
                throw BulwarkException.usage(option + " holds " + x.value().toUpperCase(java.util.Locale.ROOT)
                        + ": give the condition with --where; FROM and RETURNING are not supported", example(option));
            }
        }
        if (depth != 0) {
            throw BulwarkException.usage(option + " does not parse: unbalanced '('", example(option));
        }
        if (isSet && tokens.stream().noneMatch(x -> x.kind() == TokenKind.OPERATOR && x.text().equals("="))) {
            throw BulwarkException.usage("--set '" + text + "' does not parse: it assigns nothing", example(option));
        }
    }

    private static String example(String option) {
        return option.equals("--set") ? "write --set \"amount_new = amount\" (several: \"a = 1, b = c\")"
                : "write --where \"amount_new IS NULL\"";
    }

    private static boolean isName(Token t) {
        return t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_IDENTIFIER;
    }

    /** {@code [schema, table]} or {@code [table]} as PostgreSQL would read the name, or null when it is not one. */
    static List<String> tableName(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        List<Token> tokens;
        try {
            tokens = SqlLexer.tokenize(text, "--table", 1);
        } catch (RuntimeException e) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (i % 2 == 1) {
                if (!t.isPunctuation('.')) {
                    return null;
                }
            } else if (isName(t)) {
                parts.add(t.value());
            } else {
                return null;
            }
        }
        return tokens.size() % 2 == 1 && parts.size() <= 2 ? parts : null;
    }
}
