package dev.bulwark.execute;

import dev.bulwark.pg.Identifiers;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.StatementClassifier;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * For a statement that runs outside a transaction and was executing when a run was killed: did
 * it take effect? Read from the catalog, never guessed. Each verdict may prepare the rerun (an
 * INVALID index a killed build left is dropped first).
 *
 * <ul>
 *   <li>{@code CREATE [UNIQUE] INDEX CONCURRENTLY name ON t …}: exists, valid, same definition
 *       → done; exists INVALID → dropped, run again; absent → run; exists with another definition
 *       → unknown (a human decides).</li>
 *   <li>{@code DROP INDEX CONCURRENTLY name}: gone → done; there → run again.</li>
 *   <li>{@code REINDEX … CONCURRENTLY}: the {@code _ccnew}/{@code _ccold} indexes a killed
 *       rebuild leaves INVALID are dropped, then it runs again (a rebuild is harmless twice).</li>
 *   <li>{@code VACUUM}, {@code ANALYZE}, {@code REINDEX}, {@code CLUSTER}, {@code ALTER SYSTEM}: harmless to run again.</li>
 *   <li>{@code ALTER TYPE … ADD VALUE 'x'}: the label in pg_enum → done.</li>
 *   <li>{@code CREATE/DROP DATABASE}, {@code CREATE/DROP TABLESPACE}: pg_database, pg_tablespace.</li>
 *   <li>{@code ALTER TABLE … DETACH PARTITION p CONCURRENTLY}: detached → done; pending → FINALIZE; attached → run.</li>
 *   <li>anything else: unknown.</li>
 * </ul>
 */
final class StepCheck {
    enum Outcome { DONE, RUN, UNKNOWN }

    record Verdict(Outcome outcome, String reason) {
    }

    private StepCheck() {
    }

    static Verdict check(Connection c, Statement s, int pgMajor) throws SQLException {
        List<Token> t = s.tokens();
        if (t.isEmpty()) {
            return new Verdict(Outcome.RUN, "empty statement");
        }
        if (StatementClassifier.startsWith(s, "create") && StatementAnalysis.buildsIndexConcurrently(s)) {
            return createIndex(c, s);
        }
        if (words(t, 0, "drop", "index", "concurrently")) {
            return dropIndex(c, s);
        }
        if (words(t, 0, "reindex")) {
            if (StatementAnalysis.buildsIndexConcurrently(s)) {
                List<String> dropped = dropReindexLeftovers(c, s);
                return new Verdict(Outcome.RUN, "rebuilding an index again is harmless"
                        + (dropped.isEmpty() ? "" : "; dropped the INVALID " + String.join(", ", dropped) + " the killed rebuild left"));
            }
            return new Verdict(Outcome.RUN, "rebuilding an index again is harmless");
        }
        if (words(t, 0, "vacuum") || words(t, 0, "analyze") || words(t, 0, "analyse") || words(t, 0, "cluster")) {
            return new Verdict(Outcome.RUN, t.get(0).value().toUpperCase(java.util.Locale.ROOT) + " again is harmless");
        }
        if (words(t, 0, "alter", "system")) {
            return new Verdict(Outcome.RUN, "ALTER SYSTEM again writes the same setting");
        }
        if (words(t, 0, "alter", "type")) {
            return enumValue(c, s);
        }
        if (words(t, 0, "create", "database") || words(t, 0, "drop", "database")) {
            return exists(c, t, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?", "database");
        }
        if (words(t, 0, "create", "tablespace") || words(t, 0, "drop", "tablespace")) {
            return exists(c, t, "SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = ?", "tablespace");
        }
        if (words(t, 0, "alter", "table")) {
            Verdict v = detach(c, s);
            if (v != null) {
                return v;
            }
        }
        return new Verdict(Outcome.UNKNOWN, "no catalog check exists for " + StatementClassifier.describe(s).toUpperCase(java.util.Locale.ROOT));
    }

    // ------------------------------------------------------------------ CREATE INDEX CONCURRENTLY

    private static Verdict createIndex(Connection c, Statement s) throws SQLException {
        String name = IndexBuildCleanup.indexName(s);
        String table = IndexBuildCleanup.tableOfCreate(s);
        if (name == null || table == null) {
            return new Verdict(Outcome.UNKNOWN, "the index has no name to look up");
        }
        Long tableOid = regclass(c, table);
        if (tableOid == null) {
            return new Verdict(Outcome.RUN, "table " + table + " does not exist (yet)");
        }
        // an index is in the table's schema
        String[] found = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT i.indisvalid, i.indrelid::bigint, pg_catalog.pg_get_indexdef(i.indexrelid),"
                + " n.nspname, x.relname FROM pg_catalog.pg_class x JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace"
                + " JOIN pg_catalog.pg_index i ON i.indexrelid = x.oid"
                + " WHERE x.relname = ? AND x.relnamespace = (SELECT relnamespace FROM pg_catalog.pg_class WHERE oid = ?::bigint::oid)")) {
            ps.setString(1, name);
            ps.setLong(2, tableOid);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    found = new String[]{String.valueOf(rs.getBoolean(1)), String.valueOf(rs.getLong(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5)};
                }
            }
        }
        if (found == null) {
            return new Verdict(Outcome.RUN, "index " + name + " does not exist");
        }
        String qualified = Identifiers.qualified(found[3], found[4]);
        if (!Boolean.parseBoolean(found[0])) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + qualified);
            }
            return new Verdict(Outcome.RUN, "index " + qualified + " was left INVALID by the killed build; dropped it");
        }
        if (Long.parseLong(found[1]) != tableOid) {
            return new Verdict(Outcome.UNKNOWN, "an index named " + qualified + " exists on another table");
        }
        String expected = probeDefinition(c, s, table);
        if (expected == null) {
            return new Verdict(Outcome.UNKNOWN, "index " + qualified + " exists and is valid, but its definition could not be"
                    + " compared with the statement's");
        }
        if (!shape(found[2]).equals(shape(expected))) {
            return new Verdict(Outcome.UNKNOWN, "index " + qualified + " exists with another definition: " + found[2]);
        }
        return new Verdict(Outcome.DONE, "index " + qualified + " exists, is valid and has the statement's definition");
    }

    /**
     * The definition the statement would give, as pg_get_indexdef writes it: built on an empty
     * temporary copy of the table's columns, in a transaction that is rolled back. Null when that
     * cannot be done.
     */
    private static String probeDefinition(Connection c, Statement s, String table) {
        List<Token> t = s.tokens();
        int base = t.get(0).offset();
        String sql = s.sql();
        StringBuilder b = new StringBuilder();
        int at = 0;
        int on = -1;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (on < 0 && k.isWord("concurrently")) {
                b.append(sql, at, k.offset() - base);
                at = k.endOffset() - base;
                // IF NOT EXISTS and the name go too: the probe names its own index
                int j = i + 1;
                if (j + 2 < t.size() && t.get(j).isWord("if") && t.get(j + 1).isWord("not") && t.get(j + 2).isWord("exists")) {
                    j += 3;
                }
                if (j < t.size() && !t.get(j).isWord("on")) {
                    at = t.get(j).endOffset() - base;
                }
                b.append(" bulwark_probe_index ");
            } else if (on < 0 && k.isWord("on")) {
                on = i;
                b.append(sql, at, k.endOffset() - base);
                int j = i + 1;
                if (j < t.size() && t.get(j).isWord("only")) {
                    j++;
                }
                // skip the possibly qualified table name
                while (j < t.size() && (t.get(j).kind() == TokenKind.WORD || t.get(j).kind() == TokenKind.QUOTED_IDENTIFIER)) {
                    at = t.get(j).endOffset() - base;
                    if (j + 1 < t.size() && t.get(j + 1).isPunctuation('.')) {
                        j += 2;
                    } else {
                        break;
                    }
                }
                b.append(" pg_temp.bulwark_probe ");
            }
        }
        b.append(sql.substring(at));
        boolean auto;
        try {
            auto = c.getAutoCommit();
        } catch (SQLException e) {
            return null;
        }
        try (java.sql.Statement st = c.createStatement()) {
            st.setEscapeProcessing(false);
            c.setAutoCommit(false);
            st.execute("SET LOCAL lock_timeout = '2s'");
            st.execute("CREATE TEMPORARY TABLE bulwark_probe (LIKE " + table + ") ON COMMIT DROP");
            st.execute(b.toString());
            try (ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_get_indexdef('pg_temp.bulwark_probe_index'::regclass)")) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            return null;
        } finally {
            try {
                c.rollback();
                c.setAutoCommit(auto);
            } catch (SQLException ignored) {
                // the connection is gone; the server rolled back with it
            }
        }
    }

    /** "CREATE [UNIQUE] INDEX" and everything from " USING ": the definition without the names. */
    static String shape(String indexdef) {
        int using = indexdef.indexOf(" USING ");
        int index = indexdef.indexOf(" INDEX ");
        if (using < 0 || index < 0) {
            return indexdef;
        }
        return indexdef.substring(0, index) + indexdef.substring(using);
    }

    // ------------------------------------------------------------------ DROP INDEX CONCURRENTLY

    private static Verdict dropIndex(Connection c, Statement s) throws SQLException {
        List<Token> t = s.tokens();
        int j = 3;
        if (j + 1 < t.size() && t.get(j).isWord("if") && t.get(j + 1).isWord("exists")) {
            j += 2;
        }
        List<String> names = names(t, j);
        if (names.isEmpty()) {
            return new Verdict(Outcome.UNKNOWN, "the index to drop could not be read");
        }
        List<String> left = new ArrayList<>();
        for (String n : names) {
            if (regclass(c, n) != null) {
                left.add(n);
            }
        }
        return left.isEmpty() ? new Verdict(Outcome.DONE, "index " + String.join(", ", names) + " is gone")
                : new Verdict(Outcome.RUN, "index " + String.join(", ", left) + " still exists");
    }

    // ------------------------------------------------------------------ REINDEX CONCURRENTLY

    /** The INVALID {@code _ccnew}/{@code _ccold} indexes a killed REINDEX … CONCURRENTLY left on its table (none being built now), dropped. */
    private static List<String> dropReindexLeftovers(Connection c, Statement s) throws SQLException {
        List<String> dropped = new ArrayList<>();
        Long table = IndexBuildCleanup.tableOfReindex(c, s);
        if (table == null) {
            return dropped;
        }
        List<String> leftovers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, x.relname FROM pg_catalog.pg_index i"
                + " JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace"
                + " WHERE NOT i.indisvalid AND i.indrelid = ?::bigint::oid"
                + " AND x.relname ~ '_cc(new|old)[0-9]*$'"
                + " AND i.indexrelid NOT IN (SELECT p.index_relid FROM pg_catalog.pg_stat_progress_create_index p)")) {
            ps.setLong(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leftovers.add(Identifiers.qualified(rs.getString(1), rs.getString(2)));
                }
            }
        }
        for (String q : leftovers) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + q);
            }
            dropped.add(q);
        }
        return dropped;
    }

    // ------------------------------------------------------------------ ALTER TYPE … ADD VALUE

    private static Verdict enumValue(Connection c, Statement s) throws SQLException {
        List<Token> t = s.tokens();
        List<String> type = names(t, 2);
        int add = -1;
        for (int i = 2; i + 1 < t.size(); i++) {
            if (t.get(i).isWord("add") && t.get(i + 1).isWord("value")) {
                add = i + 2;
                break;
            }
        }
        if (type.isEmpty() || add < 0) {
            return new Verdict(Outcome.UNKNOWN, "no catalog check exists for this ALTER TYPE");
        }
        if (add + 2 < t.size() && t.get(add).isWord("if") && t.get(add + 1).isWord("not") && t.get(add + 2).isWord("exists")) {
            add += 3;
        }
        if (add >= t.size() || t.get(add).kind() != TokenKind.STRING) {
            return new Verdict(Outcome.UNKNOWN, "the enum label could not be read");
        }
        String label = t.get(add).value();
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_enum WHERE enumtypid = pg_catalog.to_regtype(?) AND enumlabel = ?")) {
            ps.setString(1, type.get(0));
            ps.setString(2, label);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Verdict(Outcome.DONE, "enum " + type.get(0) + " has the label '" + label + "'")
                        : new Verdict(Outcome.RUN, "enum " + type.get(0) + " has no label '" + label + "'");
            }
        }
    }

    // ------------------------------------------------------------------ databases, tablespaces

    private static Verdict exists(Connection c, List<Token> t, String sql, String what) throws SQLException {
        boolean create = t.get(0).isWord("create");
        int j = 2;
        if (j + 1 < t.size() && t.get(j).isWord("if") && t.get(j + 1).isWord("exists")) {
            j += 2;
        }
        if (j >= t.size()) {
            return new Verdict(Outcome.UNKNOWN, "the " + what + " name could not be read");
        }
        String name = t.get(j).value();
        boolean there;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                there = rs.next();
            }
        }
        if (create) {
            return there ? new Verdict(Outcome.DONE, what + " " + name + " exists") : new Verdict(Outcome.RUN, what + " " + name + " does not exist");
        }
        return there ? new Verdict(Outcome.RUN, what + " " + name + " still exists") : new Verdict(Outcome.DONE, what + " " + name + " is gone");
    }

    // ------------------------------------------------------------------ DETACH PARTITION CONCURRENTLY

    private static Verdict detach(Connection c, Statement s) throws SQLException {
        List<Token> t = s.tokens();
        int j = 2;
        if (j + 1 < t.size() && t.get(j).isWord("if") && t.get(j + 1).isWord("exists")) {
            j += 2;
        }
        if (j < t.size() && t.get(j).isWord("only")) {
            j++;
        }
        List<String> parent = names(t, j);
        int d = -1;
        for (int i = j; i + 1 < t.size(); i++) {
            if (t.get(i).isWord("detach") && t.get(i + 1).isWord("partition")) {
                d = i + 2;
                break;
            }
        }
        if (parent.isEmpty() || d < 0) {
            return null;
        }
        List<String> part = names(t, d);
        if (part.isEmpty()) {
            return null;
        }
        Long rel = regclass(c, part.get(0));
        if (rel == null) {
            return new Verdict(Outcome.UNKNOWN, "partition " + part.get(0) + " does not exist");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT inhdetachpending FROM pg_catalog.pg_inherits WHERE inhrelid = ?::bigint::oid")) {
            ps.setLong(1, rel);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Verdict(Outcome.DONE, part.get(0) + " is detached");
                }
                if (!rs.getBoolean(1)) {
                    return new Verdict(Outcome.RUN, part.get(0) + " is still attached");
                }
            }
        }
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + parent.get(0) + " DETACH PARTITION " + part.get(0) + " FINALIZE");
        }
        return new Verdict(Outcome.DONE, "the killed detach of " + part.get(0) + " was pending; finished it with FINALIZE");
    }

    // ------------------------------------------------------------------ helpers

    private static boolean words(List<Token> t, int at, String... words) {
        if (at + words.length > t.size()) {
            return false;
        }
        for (int i = 0; i < words.length; i++) {
            if (!t.get(at + i).isWord(words[i])) {
                return false;
            }
        }
        return true;
    }

    /** Comma-separated, possibly qualified names from token j, as their source text. */
    private static List<String> names(List<Token> t, int j) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        while (j < t.size()) {
            Token k = t.get(j);
            if (k.kind() == TokenKind.WORD || k.kind() == TokenKind.QUOTED_IDENTIFIER) {
                if (k.kind() == TokenKind.WORD && b.length() == 0 && (k.isWord("cascade") || k.isWord("restrict"))) {
                    break;
                }
                b.append(k.text());
                if (j + 1 < t.size() && t.get(j + 1).isPunctuation('.')) {
                    b.append('.');
                    j += 2;
                    continue;
                }
                out.add(b.toString());
                b.setLength(0);
                j++;
                if (j < t.size() && t.get(j).isPunctuation(',')) {
                    j++;
                    continue;
                }
                break;
            }
            break;
        }
        return out;
    }

    private static Long regclass(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?)::oid::bigint")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        }
    }
}
