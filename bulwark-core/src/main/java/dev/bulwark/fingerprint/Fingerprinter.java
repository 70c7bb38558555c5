package dev.bulwark.fingerprint;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.CatalogSnapshot.Column;
import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import dev.bulwark.catalog.ConstraintKind;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.pg.Identifiers;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Computes table fingerprints on the server: {@code count(*)} and the sum modulo 2⁶⁴ of
 * {@code hashtextextended(ROW(columns)::text, 0)}, grouped by primary-key range ({@link Chunking})
 * in the same scan.
 * A sum rather than XOR, so two identical rows (tables without a key) do not cancel out. The
 * cost is rendering rows as text, not hashing; the settings that change that text are pinned.
 * Call inside a transaction: {@link #pinSettings()} uses SET LOCAL.
 */
public final class Fingerprinter {
    public static final String ALGORITHM = "sum64(hashtextextended(row::text, 0))";
    /** Target rows per chunk: small enough to locate a change, large enough to keep the GROUP BY cheap. */
    public static final long DEFAULT_CHUNK_ROWS = 100_000;
    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);
    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

    private final Connection connection;
    private final long chunkRows;

    public Fingerprinter(Connection connection, long chunkRows) {
        if (chunkRows < 1) {
            throw BulwarkException.usage("chunk rows must be at least 1, was " + chunkRows, "use e.g. 100000");
        }
        this.connection = connection;
        this.chunkRows = chunkRows;
    }

    /** Pins what {@code row::text} depends on, for this transaction. */
    public void pinSettings() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'; SET LOCAL IntervalStyle = 'postgres';"
                    + " SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex';"
                    // The planner cannot estimate how few chunks the bucket expression yields, guesses
                    // one per row and sorts every row to group them: 1.6x the cost of hashing them.
                    + " SET LOCAL enable_sort = off");
        }
    }

    /** The hash of a fixed text: equal on two servers when their fingerprints are comparable. */
    public String knownAnswer() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.hashtextextended('bulwark fingerprint check: äöü €', 0)")) {
            rs.next();
            return hex(BigInteger.valueOf(rs.getLong(1)));
        }
    }

    /** Fingerprints every table of the catalog, chunked by primary key where it is one column. */
    public DataSnapshot snapshot(CatalogSnapshot catalog) throws SQLException {
        pinSettings();
        List<TableFingerprint> tables = new ArrayList<>();
        for (Table t : catalog.tables()) {
            if (t.partitionOf() != null) {
                continue; // counted through its partitioned parent
            }
            List<String> columns = t.columns().stream().map(Column::name).toList();
            Column key = keyColumn(catalog, t);
            Chunking chunking = key == null ? null : chooseChunking(t.ref(), t.isPartitioned(), key, t.rowEstimate());
            tables.add(fingerprint(t.ref(), columns, chunking, t.isPartitioned()));
        }
        return new DataSnapshot(DataSnapshot.FORMAT, catalog.serverVersion(), Instant.now(), knownAnswer(), ALGORITHM, tables);
    }

    /** The primary key's column when the key has exactly one, else null. */
    static Column keyColumn(CatalogSnapshot catalog, Table t) {
        for (Constraint c : catalog.constraintsOf(t.ref())) {
            if (c.kind() == ConstraintKind.PRIMARY_KEY && c.columns().size() == 1) {
                return t.column(c.columns().get(0)).orElse(null);
            }
        }
        return null;
    }

    private static String from(TableRef table, boolean partitioned) {
        return (partitioned ? "" : "ONLY ") + table.sql() + " AS t";
    }

    /**
     * Chooses the ranges for a table's key: arithmetic for integers (from min and max, which the
     * key's index answers at once), else every n-th key in key order (one index-ordered pass).
     * Null for an empty table.
     */
    public Chunking chooseChunking(TableRef table, boolean partitioned, Column key, Long rowEstimate) throws SQLException {
        String from = from(table, partitioned);
        String k = "t." + Identifiers.quote(key.name());
        long count = rowEstimate != null && rowEstimate > 0 ? rowEstimate : countRows(from);
        long chunks = Math.max(1, (count + chunkRows - 1) / chunkRows);
        if (INTEGER_TYPES.contains(key.type().toLowerCase(Locale.ROOT))) {
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT min(" + k + "), max(" + k + ") FROM " + from)) {
                rs.next();
                if (rs.getObject(1) == null) {
                    return null;
                }
                long min = rs.getLong(1);
                BigInteger span = BigInteger.valueOf(rs.getLong(2)).subtract(BigInteger.valueOf(min)).add(BigInteger.ONE);
                BigInteger w = span.add(BigInteger.valueOf(chunks - 1)).divide(BigInteger.valueOf(chunks));
                long width = w.min(BigInteger.valueOf(Long.MAX_VALUE)).max(BigInteger.ONE).longValue();
                return new Chunking(key.name(), key.type(), min, width, List.of());
            }
        }
        List<String> boundaries = new ArrayList<>();
        String sql = "SELECT k::text FROM (SELECT " + k + " AS k, row_number() OVER (ORDER BY " + k + ") AS n FROM " + from
                + ") AS r WHERE n % ? = 1 ORDER BY n";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, chunkRows);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boundaries.add(rs.getString(1));
                }
            }
        }
        return boundaries.isEmpty() ? null : new Chunking(key.name(), key.type(), null, null, boundaries);
    }

    /** Fingerprints one table over {@code columns}, grouped by {@code chunking} (null: whole). */
    public TableFingerprint fingerprint(TableRef table, List<String> columns, Chunking chunking, boolean partitioned)
            throws SQLException {
        String from = from(table, partitioned);
        String row = columns.isEmpty() ? "''" : "ROW(" + String.join(", ", columns.stream()
                .map(c -> "t." + Identifiers.quote(c)).toList()) + ")::text";
        String hash = "pg_catalog.hashtextextended(" + row + ", 0)";
        String sql;
        if (chunking == null) {
            sql = "SELECT 0, count(*), COALESCE(sum(" + hash + "), 0) FROM " + from;
        } else {
            String k = "t." + Identifiers.quote(chunking.column());
            String bucket = chunking.arithmetic() ? bucket(k, chunking.origin(), chunking.width())
                    // the boundaries are bound as text[] and cast to the key's own type, so they compare as keys
                    : "pg_catalog.width_bucket(" + k + ", ?::text[]::" + chunking.type() + "[])";
            // ordered here, not by a sort node the settings above discourage
            sql = "SELECT " + bucket + " AS chunk, count(*), sum(" + hash + ") FROM " + from + " GROUP BY 1";
        }
        List<TableFingerprint.Chunk> chunks = new ArrayList<>();
        BigInteger total = BigInteger.ZERO;
        long rows = 0;
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (chunking != null && !chunking.arithmetic()) {
                ps.setArray(1, connection.createArrayOf("text", chunking.boundaries().toArray()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(2);
                    BigInteger sum = rs.getBigDecimal(3).toBigIntegerExact().mod(MOD);
                    rows += n;
                    total = total.add(sum).mod(MOD);
                    if (chunking != null) {
                        chunks.add(new TableFingerprint.Chunk(rs.getLong(1), n, hex(sum)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "fingerprinting " + table + " failed: " + e.getMessage(),
                    "check that the user may read the table", e);
        }
        chunks.sort(java.util.Comparator.comparingLong(TableFingerprint.Chunk::index));
        return new TableFingerprint(table, columns, chunking, rows, hex(total), chunks);
    }

    private long countRows(String from) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * floor((key − origin) / width). In bigint, the fast path, when the origin is not negative:
     * then {@code key − origin} cannot overflow for keys at or above it. Keys below the origin
     * (inserted after the snapshot) and negative origins go through numeric, which rounds down
     * where bigint division would round toward zero.
     */
    static String bucket(String key, long origin, long width) {
        String exact = "pg_catalog.floor((" + key + "::numeric - " + origin + ") / " + width + ")::int8";
        if (origin < 0) {
            return exact;
        }
        return "CASE WHEN " + key + " >= " + origin + " THEN (" + key + " - " + origin + ") / " + width + " ELSE " + exact + " END";
    }

    static String hex(BigInteger value) {
        return String.format("%016x", value.mod(MOD));
    }
}
