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
 * {@code hashtextextended(ROW(columns)::text, 0)}, grouped by primary-key range in the same scan.
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

    /** Fingerprints every table of the catalog, chunking by primary key where it is one integer column. */
    public DataSnapshot snapshot(CatalogSnapshot catalog) throws SQLException {
        pinSettings();
        List<TableFingerprint> tables = new ArrayList<>();
        for (Table t : catalog.tables()) {
            if (t.partitionOf() != null) {
                continue; // counted through its partitioned parent
            }
            tables.add(fingerprint(t.ref(), t.columns().stream().map(Column::name).toList(), chunkColumn(catalog, t),
                    null, null, t.isPartitioned(), t.rowEstimate()));
        }
        return new DataSnapshot(DataSnapshot.FORMAT, catalog.serverVersion(), Instant.now(), knownAnswer(), ALGORITHM, tables);
    }

    /** The single integer primary-key column, or null. */
    static String chunkColumn(CatalogSnapshot catalog, Table t) {
        for (Constraint c : catalog.constraintsOf(t.ref())) {
            if (c.kind() == ConstraintKind.PRIMARY_KEY && c.columns().size() == 1) {
                String name = c.columns().get(0);
                return t.column(name).filter(col -> INTEGER_TYPES.contains(col.type().toLowerCase(Locale.ROOT)))
                        .map(Column::name).orElse(null);
            }
        }
        return null;
    }

    /**
     * Fingerprints one table.
     *
     * @param origin, width the chunking to reuse (from an earlier fingerprint), or null to choose it
     *                      from the current key range and {@code rowEstimate}
     */
    public TableFingerprint fingerprint(TableRef table, List<String> columns, String chunkColumn, Long origin, Long width,
                                        boolean partitioned, Long rowEstimate) throws SQLException {
        String from = (partitioned ? "" : "ONLY ") + table.sql() + " AS t";
        String row = columns.isEmpty() ? "''" : "ROW(" + String.join(", ", columns.stream()
                .map(c -> "t." + Identifiers.quote(c)).toList()) + ")::text";
        String hash = "pg_catalog.hashtextextended(" + row + ", 0)";
        if (chunkColumn != null && (origin == null || width == null)) {
            long[] chosen = chooseChunks(from, chunkColumn, rowEstimate);
            if (chosen == null) {
                return new TableFingerprint(table, columns, chunkColumn, null, null, 0, hex(BigInteger.ZERO), List.of());
            }
            origin = chosen[0];
            width = chosen[1];
        }
        List<TableFingerprint.Chunk> chunks = new ArrayList<>();
        BigInteger total = BigInteger.ZERO;
        long rows = 0;
        String sql = chunkColumn == null
                ? "SELECT 0, count(*), COALESCE(sum(" + hash + "), 0) FROM " + from
                : "SELECT " + bucket("t." + Identifiers.quote(chunkColumn), origin, width) + " AS chunk, count(*), sum(" + hash
                + ") FROM " + from + " GROUP BY 1"; // ordered here, not by a sort node the settings above discourage
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long index = rs.getLong(1);
                long n = rs.getLong(2);
                BigInteger sum = rs.getBigDecimal(3).toBigIntegerExact().mod(MOD);
                rows += n;
                total = total.add(sum).mod(MOD);
                if (chunkColumn != null) {
                    BigInteger low = BigInteger.valueOf(origin).add(BigInteger.valueOf(index).multiply(BigInteger.valueOf(width)));
                    chunks.add(new TableFingerprint.Chunk(index, low.toString(),
                            low.add(BigInteger.valueOf(width - 1)).toString(), n, hex(sum)));
                }
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "fingerprinting " + table + " failed: " + e.getMessage(),
                    "check that the user may read the table", e);
        }
        chunks.sort(java.util.Comparator.comparingLong(TableFingerprint.Chunk::index));
        return new TableFingerprint(table, columns, chunkColumn, origin, width, rows, hex(total), chunks);
    }

    /** {origin, width} from the key range and the row estimate, or null for an empty table. */
    private long[] chooseChunks(String from, String column, Long rowEstimate) throws SQLException {
        String key = "t." + Identifiers.quote(column);
        long min;
        long max;
        long count;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(" + key + "), max(" + key + ") FROM " + from)) {
            rs.next();
            if (rs.getObject(1) == null) {
                return null;
            }
            min = rs.getLong(1);
            max = rs.getLong(2);
        }
        count = rowEstimate != null && rowEstimate > 0 ? rowEstimate : countRows(from);
        long chunks = Math.max(1, (count + chunkRows - 1) / chunkRows);
        BigInteger span = BigInteger.valueOf(max).subtract(BigInteger.valueOf(min)).add(BigInteger.ONE);
        BigInteger w = span.add(BigInteger.valueOf(chunks - 1)).divide(BigInteger.valueOf(chunks));
        long width = w.min(BigInteger.valueOf(Long.MAX_VALUE)).max(BigInteger.ONE).longValue();
        return new long[]{min, width};
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
