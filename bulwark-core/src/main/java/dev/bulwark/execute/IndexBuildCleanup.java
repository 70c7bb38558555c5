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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A failed {@code CREATE INDEX CONCURRENTLY} or {@code REINDEX … CONCURRENTLY} leaves an INVALID
 * index that is maintained on every write and never used. This cleans up after such a build, and
 * only after it: on the one table the statement names, only indexes that turned up invalid during
 * the statement, never one another session is building right now ({@code pg_stat_progress_create_index}).
 */
final class IndexBuildCleanup {
    private static final String INVALID_ON_TABLE = "SELECT i.indexrelid::bigint, n.nspname, c.relname FROM pg_catalog.pg_index i "
            + "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE NOT i.indisvalid AND i.indrelid = ? "
            + "AND i.indexrelid NOT IN (SELECT p.index_relid FROM pg_catalog.pg_stat_progress_create_index p WHERE p.index_relid <> 0)";

    private final long table;
    private final String createdName;
    private final Set<Long> invalidBefore;

    private IndexBuildCleanup(long table, String createdName, Set<Long> invalidBefore) {
        this.table = table;
        this.createdName = createdName;
        this.invalidBefore = invalidBefore;
    }

    /** Prepares for the statement, or returns null when it builds no index concurrently or its table cannot be found. */
    static IndexBuildCleanup before(Connection c, Statement s) throws SQLException {
        if (!StatementAnalysis.buildsIndexConcurrently(s)) {
            return null;
        }
        boolean create = StatementClassifier.startsWith(s, "create");
        Long table = create ? regclass(c, tableOfCreate(s)) : tableOfReindex(c, s);
        if (table == null) {
            return null;
        }
        return new IndexBuildCleanup(table, create ? indexName(s) : null, invalidOn(c, table));
    }

    /**
     * A run killed during CREATE INDEX CONCURRENTLY left this very index behind INVALID; with
     * IF NOT EXISTS the rerun would silently keep it. Drop it first. (Never for REINDEX: the index
     * being rebuilt is often invalid, and it is the one to keep.)
     */
    List<String> dropLeftover(Connection c) throws SQLException {
        List<String> dropped = new ArrayList<>();
        if (createdName == null) {
            return dropped;
        }
        for (String[] idx : invalid(c, table)) {
            if (idx[2].equals(createdName)) {
                drop(c, idx);
                dropped.add(idx[1] + "." + idx[2]);
            }
        }
        return dropped;
    }

    /** After a failure: drops the indexes on the table that became invalid during the statement. */
    List<String> dropNewInvalid(Connection c) throws SQLException {
        List<String> dropped = new ArrayList<>();
        for (String[] idx : invalid(c, table)) {
            if (!invalidBefore.contains(Long.parseLong(idx[0]))) {
                drop(c, idx);
                dropped.add(idx[1] + "." + idx[2]);
            }
        }
        return dropped;
    }

    private static void drop(Connection c, String[] idx) throws SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.qualified(idx[1], idx[2]));
        }
    }

    private static Set<Long> invalidOn(Connection c, long table) throws SQLException {
        Set<Long> ids = new HashSet<>();
        for (String[] idx : invalid(c, table)) {
            ids.add(Long.parseLong(idx[0]));
        }
        return ids;
    }

    private static List<String[]> invalid(Connection c, long table) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(INVALID_ON_TABLE)) {
            ps.setLong(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[]{String.valueOf(rs.getLong(1)), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    private static Long regclass(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?)::oid::bigint")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        }
    }

    /** REINDEX [(…)] INDEX|TABLE CONCURRENTLY name: the table's oid (for an index through pg_index), or null. */
    static Long tableOfReindex(Connection c, Statement s) throws SQLException {
        List<Token> t = s.tokens();
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).isWord("index") || t.get(i).isWord("table")) {
                boolean index = t.get(i).isWord("index");
                int j = i + 1;
                if (j < t.size() && t.get(j).isWord("concurrently")) {
                    j++;
                }
                Long rel = regclass(c, name(t, j));
                if (rel == null || !index) {
                    return rel;
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT indrelid::bigint FROM pg_catalog.pg_index WHERE indexrelid = ?")) {
                    ps.setLong(1, rel);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : null;
                    }
                }
            }
        }
        return null;
    }

    /** The table text after ON [ONLY] in CREATE INDEX, as written (quotes kept), or null. */
    static String tableOfCreate(Statement s) {
        List<Token> t = s.tokens();
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).isWord("on")) {
                int j = i + 1;
                if (j < t.size() && t.get(j).isWord("only")) {
                    j++;
                }
                return name(t, j);
            }
        }
        return null;
    }

    /** A possibly qualified name starting at token j, as its source text. */
    private static String name(List<Token> t, int j) {
        StringBuilder b = new StringBuilder();
        while (j < t.size() && (t.get(j).kind() == TokenKind.WORD || t.get(j).kind() == TokenKind.QUOTED_IDENTIFIER)) {
            b.append(t.get(j).text());
            if (j + 1 < t.size() && t.get(j + 1).isPunctuation('.')) {
                b.append('.');
                j += 2;
            } else {
                break;
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** The index name of CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON …, or null. */
    static String indexName(Statement s) {
        List<Token> t = s.tokens();
        int i = 0;
        while (i < t.size() && !t.get(i).isWord("concurrently")) {
            i++;
        }
        i++;
        if (i + 2 < t.size() && t.get(i).isWord("if") && t.get(i + 1).isWord("not") && t.get(i + 2).isWord("exists")) {
            i += 3;
        }
        if (i >= t.size() || t.get(i).isWord("on")) {
            return null;
        }
        Token name = t.get(i);
        return name.kind() == TokenKind.WORD || name.kind() == TokenKind.QUOTED_IDENTIFIER ? name.value() : null;
    }
}
