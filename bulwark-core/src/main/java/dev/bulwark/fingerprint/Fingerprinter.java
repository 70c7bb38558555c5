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
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Computes table fingerprints on the server: per chunk of key values, {@code count(*)} and the
 * sum modulo 2⁶⁴ of {@code hashtextextended(ROW(columns)::text, 0)}.
 *
 * <p><b>The hash</b>, two versions, named in {@link DataSnapshot#algorithm()}; a comparison uses the
 * snapshot's ({@link #useAlgorithm}), so files written by earlier versions still compare:
 * <ul>
 *   <li>{@link #RECORD_ALGORITHM} (the default on PostgreSQL 14 and later):
 *       {@code hash_record_extended(ROW(c1, c2, …), 0)}, which hashes each value with its type's
 *       own 64-bit hash function, without rendering the row as text (3–4× cheaper on numeric,
 *       timestamptz and jsonb columns). Columns whose type's equality is not identity, or that
 *       have no hash function, enter the row as their text ({@code c::text}): numeric (1.0 and
 *       1.00 are equal but print differently), float, interval, json, bit, cidr, arrays, composite,
 *       range, domain, enum and extension types; jsonb is hashed by value (its numbers compare
 *       numerically: {@code {"a": 1.0}} and {@code {"a": 1.00}} hash alike); text, varchar and char enter {@code COLLATE "C"}, so
 *       a nondeterministic collation cannot make two spellings hash alike. Which columns enter
 *       as text is decided from the column types when the fingerprint is taken, on each side: a
 *       column whose type moves between the two kinds (say integer to numeric) compares as changed.</li>
 *   <li>{@link #ALGORITHM} (PostgreSQL 13 and older, and snapshots written before):
 *       {@code hashtextextended(ROW(c1, c2, …)::text, 0)}.</li>
 * </ul>
 * Either way: the row is over the recorded columns in their recorded order, under pinned
 * settings ({@link #pinSettings()}), and the hashes of a chunk's rows are added modulo 2⁶⁴ (a
 * sum, not XOR, so two identical rows do not cancel; order-independent, so a chunk's hash does
 * not depend on the plan, the physical order or how the work was split). The table's hash is
 * the sum of its chunks'. {@link #knownAnswer()} guards against servers whose hash functions
 * differ: such hashes are internal to PostgreSQL, not documented as stable across major versions
 * or architectures.
 *
 * <p><b>The plan</b>: one query per chunk, {@code SELECT count(*), sum(hash) … WHERE key >= lo AND
 * key <= hi}, a plain aggregate over an index range scan: no GROUP BY over the whole table, so no
 * hash aggregate that spills. Integer keys: only the non-empty chunks are queried, found by one
 * index probe each. Tables without a single-column primary key (or single-column unique index
 * on a NOT NULL column) are fingerprinted whole, split into ranges of physical blocks
 * ({@code ctid}, a TID range scan) so they too run in parallel; they have no chunk list.
 *
 * <p><b>Parallel</b>: with a {@link ConnectionSource} and {@code jobs > 1}, the chunks run over
 * {@code jobs} connections (this one and {@code jobs − 1} opened from the source), all in one
 * snapshot: this transaction exports it ({@code pg_export_snapshot()}) and each worker imports
 * it ({@code SET TRANSACTION SNAPSHOT}), so the result is that of one instant however the
 * chunks are split. That needs this connection inside a REPEATABLE READ (or SERIALIZABLE)
 * transaction; otherwise, or when no worker connection opens, the work runs on this connection
 * alone: the same result in REPEATABLE READ, but in READ COMMITTED (or autocommit) every chunk's
 * query takes its own snapshot, so while others write the fingerprint is not that of one instant.
 *
 * <p>Call inside a transaction: {@link #pinSettings()} uses SET LOCAL.
 */
public final class Fingerprinter {
    /** The first algorithm: every row rendered as text, then hashed. */
    public static final String ALGORITHM = "sum64(hashtextextended(row::text, 0))";
    /** The default on PostgreSQL 14+: each value by its type's hash function, text only where equality is not identity. */
    public static final String RECORD_ALGORITHM = "sum64(hash_record_extended(row, 0)) v1";
    /** Types hashed by value: their equality is identity (equal values print the same). Others enter as text. */
    private static final Set<String> HASHED_BY_VALUE = Set.of("smallint", "integer", "bigint", "boolean", "bytea", "uuid",
            "date", "time without time zone", "time with time zone", "timestamp without time zone",
            "timestamp with time zone", "jsonb", "inet", "macaddr", "macaddr8", "oid",
            "text", "character varying", "character", "\"char\"", "name");
    private static final Set<String> COLLATABLE = Set.of("text", "character varying", "character", "name");
    /** Target rows per chunk: small enough to locate a change, large enough that a chunk's query overhead is lost in its scan. */
    public static final long DEFAULT_CHUNK_ROWS = 100_000;
    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);
    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");
    private static final String SETTINGS = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO';"
            + " SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'";

    /** Opens one more connection to the same database, for a parallel worker. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    /**
     * One table to fingerprint.
     *
     * @param columns     the columns hashed, in this order
     * @param chunking    the key ranges, or null to fingerprint the table whole
     * @param partitioned whether it is a partitioned table (read through its partitions)
     */
    public record Target(TableRef table, List<String> columns, Chunking chunking, boolean partitioned) {
        public Target {
            columns = List.copyOf(columns);
        }
    }

    private final Connection connection;
    private final long chunkRows;
    private final ConnectionSource more;
    private final int jobs;
    private String algorithm;

    /** Serial: every query on {@code connection}. */
    public Fingerprinter(Connection connection, long chunkRows) {
        this(connection, chunkRows, null, 1);
    }

    /**
     * Parallel over {@code jobs} connections: {@code connection} plus {@code jobs − 1} from
     * {@code more}, sharing {@code connection}'s snapshot (see the class comment).
     */
    public Fingerprinter(Connection connection, long chunkRows, ConnectionSource more, int jobs) {
        if (chunkRows < 1) {
            throw BulwarkException.usage("chunk rows must be at least 1, was " + chunkRows, "use e.g. 100000");
        }
        if (jobs < 1) {
            throw BulwarkException.usage("jobs must be at least 1, was " + jobs, "use e.g. --jobs 2");
        }
        this.connection = connection;
        this.chunkRows = chunkRows;
        this.more = more;
        this.jobs = more == null ? 1 : jobs;
    }

    /** Connections a parallel fingerprint uses by default: this machine's processors, at most 8. */
    public static int defaultJobs() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    /** Pins what {@code row::text} depends on, for this transaction. */
    public void pinSettings() throws SQLException {
        pin(connection);
        try (Statement s = connection.createStatement()) {
            // the boundary query of non-integer keys walks the key's index rather than sorting every key
            s.execute("SET LOCAL enable_sort = off");
        }
    }

    private static void pin(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(SETTINGS);
        }
    }

    /**
     * The algorithm this fingerprinter hashes rows with: {@link #RECORD_ALGORITHM} on PostgreSQL
     * 14 and later, else {@link #ALGORITHM}, unless {@link #useAlgorithm} chose one.
     */
    public String algorithm() throws SQLException {
        if (algorithm == null) {
            algorithm = serverVersionNum() >= 140000 ? RECORD_ALGORITHM : ALGORITHM;
        }
        return algorithm;
    }

    /**
     * Hash rows as {@code name} does (a snapshot's {@link DataSnapshot#algorithm()}; null, from the
     * first files, means {@link #ALGORITHM}), so that a comparison with it is like for like.
     */
    public void useAlgorithm(String name) throws SQLException {
        String a = name == null ? ALGORITHM : name;
        if (!a.equals(ALGORITHM) && !a.equals(RECORD_ALGORITHM)) {
            throw BulwarkException.usage("the snapshot's rows were hashed with '" + a + "', which this version of Bulwark"
                    + " does not know", "compare with the Bulwark version that took the snapshot, or take a new snapshot");
        }
        if (a.equals(RECORD_ALGORITHM) && serverVersionNum() < 140000) {
            throw BulwarkException.usage("the snapshot's rows were hashed with hash_record_extended, which this server"
                    + " (before PostgreSQL 14) lacks", "compare on PostgreSQL 14 or later, or take the snapshot here");
        }
        algorithm = a;
    }

    private Integer versionNum;

    private int serverVersionNum() throws SQLException {
        if (versionNum == null) {
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_catalog.current_setting('server_version_num')::int")) {
                rs.next();
                versionNum = rs.getInt(1);
            }
        }
        return versionNum;
    }

    /** The hash of a fixed row with this algorithm: equal on two servers when their fingerprints are comparable. */
    public String knownAnswer() throws SQLException {
        String sql = algorithm().equals(ALGORITHM)
                ? "SELECT pg_catalog.hashtextextended('bulwark fingerprint check: äöü €', 0)"
                : "SELECT pg_catalog.hash_record_extended(ROW(-1234567890123::int8, 7::int2, 'bulwark fingerprint check: äöü €'::text"
                        + " COLLATE \"C\", '2026-01-02 03:04:05.678901+00'::timestamptz, '{\"a\": [1, \"x\", null]}'::jsonb,"
                        + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '\\x00ff'::bytea, true, '2026-01-02'::date,"
                        + " '12.50'::numeric::text, NULL::text), 0)";
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return hex(BigInteger.valueOf(rs.getLong(1)));
        }
    }

    /**
     * The oldest transaction still running when this transaction's snapshot was taken
     * ({@code pg_snapshot_xmin}), as text: pass it later to {@link #chunksWrittenSince} to find
     * the chunks written since this snapshot. Call in the transaction that took the snapshot.
     */
    public String transactionHorizon() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT (pg_catalog.txid_snapshot_xmin(pg_catalog.txid_current_snapshot()) % 4294967296)::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Fingerprints every table of the catalog, chunked by its key where it has a single-column one. */
    public DataSnapshot snapshot(CatalogSnapshot catalog) throws SQLException {
        pinSettings();
        List<Target> targets = new ArrayList<>();
        for (Table t : catalog.tables()) {
            if (t.partitionOf() != null) {
                continue; // counted through its partitioned parent
            }
            List<String> columns = t.columns().stream().map(Column::name).toList();
            Column key = keyColumn(catalog, t);
            Chunking chunking = key == null ? null : chooseChunking(t.ref(), t.isPartitioned(), key, t.rowEstimate());
            targets.add(new Target(t.ref(), columns, chunking, t.isPartitioned()));
        }
        List<TableFingerprint> tables = fingerprintAll(targets);
        return new DataSnapshot(DataSnapshot.FORMAT, catalog.serverVersion(), Instant.now(), knownAnswer(), algorithm(), tables);
    }

    /**
     * The column rows are chunked by: the primary key's when it has exactly one; else that of a
     * valid single-column unique index on a NOT NULL column (every row has one distinct value, as
     * with a key); else null.
     */
    static Column keyColumn(CatalogSnapshot catalog, Table t) {
        for (Constraint c : catalog.constraintsOf(t.ref())) {
            if (c.kind() == ConstraintKind.PRIMARY_KEY && c.columns().size() == 1) {
                return t.column(c.columns().get(0)).orElse(null);
            }
        }
        for (Constraint c : catalog.constraintsOf(t.ref())) {
            if (c.kind() == ConstraintKind.UNIQUE && c.columns().size() == 1) {
                Column col = t.column(c.columns().get(0)).orElse(null);
                if (col != null && col.notNull()) {
                    return col;
                }
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

    /** Fingerprints one table over {@code columns}, chunked by {@code chunking} (null: whole). */
    public TableFingerprint fingerprint(TableRef table, List<String> columns, Chunking chunking, boolean partitioned)
            throws SQLException {
        return fingerprintAll(List.of(new Target(table, columns, chunking, partitioned))).get(0);
    }

    /** Fingerprints every target, all chunks of all tables shared among the connections; results in the targets' order. */
    public List<TableFingerprint> fingerprintAll(List<Target> targets) throws SQLException {
        boolean parallel = jobs > 1 && worthParallel(targets);
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            tasks.addAll(plan(i, targets.get(i), null, parallel));
        }
        return assemble(targets, run(tasks, parallel));
    }

    /**
     * Whether the tables hold enough rows (the planner's estimate; partitioned tables always)
     * that more connections pay for opening them: at least one chunk's worth in all.
     */
    private boolean worthParallel(List<Target> targets) throws SQLException {
        if (targets.stream().anyMatch(Target::partitioned)) {
            return true;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT COALESCE(sum(GREATEST(c.reltuples, 0)), 0)::int8"
                + " FROM pg_catalog.pg_class c WHERE c.oid = ANY (?::text[]::regclass[])")) {
            ps.setArray(1, connection.createArrayOf("text", targets.stream().map(t -> t.table().sql()).toArray()));
            Long rows = firstLong(ps);
            return rows != null && rows >= chunkRows;
        }
    }

    /**
     * Fingerprints only the given chunks of a table (e.g. those a previous comparison found
     * different, or {@link #chunksWrittenSince}): the result lists those of them that hold rows,
     * and its {@code rows}/{@code hash} are their sums, not the whole table's. A table without
     * chunking is fingerprinted whole whatever {@code chunks} says.
     */
    public TableFingerprint fingerprintChunks(Target target, Collection<Long> chunks) throws SQLException {
        boolean parallel = jobs > 1 && chunks.size() > 1;
        List<Task> tasks = plan(0, target, target.chunking() == null ? null : new TreeSet<>(chunks), parallel);
        return assemble(List.of(target), run(tasks, parallel)).get(0);
    }

    /**
     * The chunks of a chunked table that a write may have changed since the snapshot whose
     * {@link #transactionHorizon()} was {@code horizon}, given that snapshot's fingerprint of the
     * table: every chunk holding a row version written by a transaction not older than the
     * horizon (inserts, updates), and every chunk whose row count differs from the fingerprint's
     * (deletes). One pass over the table that renders nothing: about the cost of {@code count(*)}.
     * A superset: transactions that committed just before the snapshot count as since.
     */
    public Set<Long> chunksWrittenSince(Target target, TableFingerprint before, String horizon) throws SQLException {
        if (target.chunking() == null) {
            throw new IllegalArgumentException(target.table() + " has no chunking");
        }
        Chunking ch = target.chunking();
        String k = "t." + Identifiers.quote(ch.column());
        String bucket = ch.arithmetic() ? bucket(k, ch.origin(), ch.width())
                : "pg_catalog.width_bucket(" + k + ", ?::text[]::" + ch.type() + "[])";
        String sql = "SELECT " + bucket + ", count(*), bool_or(pg_catalog.age(t.xmin) <= pg_catalog.age(?::text::xid))"
                + " FROM " + from(target.table(), target.partitioned()) + " GROUP BY 1";
        TreeMap<Long, Long> expected = new TreeMap<>();
        before.chunks().forEach(c -> expected.put(c.index(), c.rows()));
        Set<Long> out = new TreeSet<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int p = 1;
            if (!ch.arithmetic()) {
                ps.setArray(p++, connection.createArrayOf("text", ch.boundaries().toArray()));
            }
            ps.setString(p, horizon);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long index = rs.getLong(1);
                    Long had = expected.remove(index);
                    if (rs.getBoolean(3) || had == null || had != rs.getLong(2)) {
                        out.add(index);
                    }
                }
            }
        }
        out.addAll(expected.keySet()); // chunks emptied since
        return out;
    }

    /** One query's worth of work: one chunk, one block range, or a whole table. */
    record Task(int target, TableRef table, Long chunk, String sql, List<Object> params, long weight) {
    }

    private record Partial(int target, Long chunk, long rows, BigInteger sum) {
    }

    /**
     * The queries of one table. {@code only}: restrict to these chunk indexes (null: every
     * non-empty chunk).
     */
    List<Task> plan(int index, Target target, Set<Long> only) throws SQLException {
        return plan(index, target, only, true);
    }

    /** {@code split}: whether to split a table without chunking into block ranges (worth it only in parallel). */
    List<Task> plan(int index, Target target, Set<Long> only, boolean split) throws SQLException {
        String from = from(target.table(), target.partitioned());
        String select = "SELECT count(*), COALESCE(sum(" + rowHash(target) + "), 0) FROM " + from;
        Chunking ch = target.chunking();
        List<Task> tasks = new ArrayList<>();
        if (ch == null) {
            long blocks = target.partitioned() || !split ? 0 : blocks(target.table());
            long pieces = blocks < 2 ? 1 : Math.min(blocks, Math.max(1, (estimate(target.table()) + chunkRows - 1) / chunkRows));
            if (pieces <= 1 || !tidRangeScans()) {
                tasks.add(new Task(index, target.table(), null, select, List.of(), Math.max(1, blocks)));
                return tasks;
            }
            long per = (blocks + pieces - 1) / pieces;
            for (long b = 0; b < blocks; b += per) {
                boolean last = b + per >= blocks;
                // the last range is open above: blocks added since the size was read are read too
                tasks.add(new Task(index, target.table(), null, select + " WHERE t.ctid >= ?::text::tid" + (last ? "" : " AND t.ctid < ?::text::tid"),
                        last ? List.of("(" + b + ",0)") : List.of("(" + b + ",0)", "(" + (b + per) + ",0)"), per));
            }
            return tasks;
        }
        String k = "t." + Identifiers.quote(ch.column());
        if (ch.arithmetic()) {
            Collection<Long> chunks = only != null ? only : nonEmptyChunks(from, k, ch);
            String sql = select + " WHERE " + k + " >= ?::int8 AND " + k + " <= ?::int8";
            for (long i : chunks) {
                BigInteger lo = new BigInteger(ch.low(i));
                BigInteger hi = new BigInteger(ch.high(i));
                if (hi.compareTo(BigInteger.valueOf(Long.MIN_VALUE)) < 0 || lo.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
                    continue; // a range no bigint falls in
                }
                tasks.add(new Task(index, target.table(), i, sql, List.of(clamp(lo), clamp(hi)), ch.width()));
            }
            return tasks;
        }
        String cast = "?::text::" + ch.type();
        int n = ch.boundaries().size();
        for (long i = 0; i <= n; i++) {
            if (only != null && !only.contains(i)) {
                continue;
            }
            String low = ch.low(i);
            String high = ch.high(i);
            List<Object> params = new ArrayList<>();
            List<String> where = new ArrayList<>();
            if (low != null) {
                where.add(k + " >= " + cast);
                params.add(low);
            }
            if (high != null) {
                where.add(k + " < " + cast);
                params.add(high);
            }
            tasks.add(new Task(index, target.table(), i, select + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)), params, chunkRows));
        }
        return tasks;
    }

    /** The hash of one row of {@code t}, by {@link #algorithm()}. */
    String rowHash(Target target) throws SQLException {
        if (target.columns().isEmpty()) {
            return "pg_catalog.hashtextextended('', 0)";
        }
        if (algorithm().equals(ALGORITHM)) {
            return "pg_catalog.hashtextextended(ROW(" + String.join(", ", target.columns().stream()
                    .map(c -> "t." + Identifiers.quote(c)).toList()) + ")::text, 0)";
        }
        java.util.Map<String, String> types = columnTypes(target.table());
        List<String> values = new ArrayList<>();
        for (String c : target.columns()) {
            String type = types.get(c);
            String base = type == null ? "" : type.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").trim();
            String v = "t." + Identifiers.quote(c);
            if (type == null || !HASHED_BY_VALUE.contains(base) || type.endsWith("]")) {
                v = v + "::text";
            } else if (COLLATABLE.contains(base)) {
                v = v + " COLLATE \"C\"";
            }
            values.add(v);
        }
        return "pg_catalog.hash_record_extended(ROW(" + String.join(", ", values) + "), 0)";
    }

    private java.util.Map<String, String> columnTypes(TableRef table) throws SQLException {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT attname, pg_catalog.format_type(atttypid, atttypmod)"
                + " FROM pg_catalog.pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, table.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static long clamp(BigInteger v) {
        return v.max(BigInteger.valueOf(Long.MIN_VALUE)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }

    /** The chunks holding rows, found by walking the key's index: one probe per non-empty chunk. */
    private List<Long> nonEmptyChunks(String from, String k, Chunking ch) throws SQLException {
        List<Long> out = new ArrayList<>();
        BigInteger origin = BigInteger.valueOf(ch.origin());
        BigInteger width = BigInteger.valueOf(ch.width());
        try (PreparedStatement first = connection.prepareStatement("SELECT min(" + k + ")::int8 FROM " + from);
             PreparedStatement next = connection.prepareStatement("SELECT min(" + k + ")::int8 FROM " + from + " WHERE " + k + " >= ?::int8")) {
            Long key = firstLong(first);
            while (key != null) {
                BigInteger[] qr = BigInteger.valueOf(key).subtract(origin).divideAndRemainder(width);
                BigInteger i = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0]; // floor
                out.add(i.longValueExact());
                BigInteger after = origin.add(i.add(BigInteger.ONE).multiply(width));
                if (after.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
                    break;
                }
                next.setLong(1, after.longValue());
                key = firstLong(next);
            }
        }
        return out;
    }

    private static Long firstLong(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
        }
    }

    private long blocks(TableRef table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_catalog.pg_relation_size(?::regclass) / pg_catalog.current_setting('block_size')::int8")) {
            ps.setString(1, table.sql());
            return firstLong(ps);
        }
    }

    private long estimate(TableRef table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT GREATEST(reltuples, 0)::int8 FROM pg_catalog.pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, table.sql());
            Long v = firstLong(ps);
            return v == null ? 0 : v;
        }
    }

    private Boolean tidRanges;

    /** TID range scans exist from PostgreSQL 14; before, a ctid range would read the whole table. */
    private boolean tidRangeScans() throws SQLException {
        if (tidRanges == null) {
            tidRanges = serverVersionNum() >= 140000;
        }
        return tidRanges;
    }

    /** Runs the tasks, largest first, on this connection and, when parallel, on workers sharing its snapshot. */
    private List<Partial> run(List<Task> tasks, boolean parallel) throws SQLException {
        List<Task> ordered = new ArrayList<>(tasks);
        ordered.sort(Comparator.comparingLong(Task::weight).reversed());
        ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>(ordered);
        ConcurrentLinkedQueue<Partial> out = new ConcurrentLinkedQueue<>();
        String snapshot = parallel && jobs > 1 && tasks.size() > 1 ? exportSnapshot() : null;
        if (snapshot == null) {
            drain(connection, queue, out, new AtomicReference<>());
            return new ArrayList<>(out);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        String lockTimeout = setting("lock_timeout");
        List<Thread> threads = new ArrayList<>();
        int workers = (int) Math.min(jobs - 1, tasks.size() - 1);
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(() -> {
                Connection c;
                try {
                    c = more.open();
                } catch (SQLException | RuntimeException e) {
                    return; // one connection fewer: the others take its share
                }
                try (c) {
                    c.setAutoCommit(false);
                    try (Statement s = c.createStatement()) {
                        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                        s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
                        s.execute("SET LOCAL lock_timeout = '" + lockTimeout.replace("'", "''") + "'");
                        // the parallelism is ours: the server's own workers per chunk would only compete
                        s.execute("SET LOCAL max_parallel_workers_per_gather = 0");
                    }
                    pin(c);
                    drain(c, queue, out, failure);
                    c.rollback();
                } catch (SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "bulwark-fingerprint-" + (w + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("SET LOCAL max_parallel_workers_per_gather = 0");
            }
            drain(connection, queue, out, failure);
        } catch (SQLException | RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, new SQLException("interrupted while fingerprinting", e));
                }
            }
        }
        Throwable f = failure.get();
        if (f instanceof BulwarkException b) {
            throw b;
        }
        if (f instanceof SQLException e) {
            throw e;
        }
        if (f != null) {
            throw new BulwarkException(ErrorCode.DATABASE, "fingerprinting failed: " + f.getMessage(),
                    "check that the user may read every table", f);
        }
        return new ArrayList<>(out);
    }

    /** This transaction's snapshot for the workers, or null when it cannot be shared (then all runs here). */
    private String exportSnapshot() throws SQLException {
        if (connection.getAutoCommit()) {
            return null;
        }
        String isolation = setting("transaction_isolation");
        if (!isolation.equals("repeatable read") && !isolation.equals("serializable")) {
            return null; // each statement here sees a new snapshot: there is no one instant to share
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String setting(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.current_setting(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private void drain(Connection c, ConcurrentLinkedQueue<Task> queue, ConcurrentLinkedQueue<Partial> out,
                       AtomicReference<Throwable> failure) throws SQLException {
        TreeMap<String, PreparedStatement> statements = new TreeMap<>();
        try {
            Task task;
            while (failure.get() == null && (task = queue.poll()) != null) {
                PreparedStatement ps = statements.get(task.sql());
                if (ps == null) {
                    ps = c.prepareStatement(task.sql());
                    statements.put(task.sql(), ps);
                }
                for (int p = 0; p < task.params().size(); p++) {
                    ps.setObject(p + 1, task.params().get(p));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long n = rs.getLong(1);
                    if (n > 0) {
                        out.add(new Partial(task.target(), task.chunk(), n, rs.getBigDecimal(2).toBigIntegerExact().mod(MOD)));
                    }
                } catch (SQLException e) {
                    BulwarkException named = new BulwarkException(ErrorCode.DATABASE, "fingerprinting " + task.table()
                            + " failed: " + e.getMessage(), "check that the user may read the table", e);
                    failure.compareAndSet(null, named);
                    throw named;
                }
            }
        } finally {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        }
    }

    private static List<TableFingerprint> assemble(List<Target> targets, List<Partial> partials) {
        List<TreeMap<Long, TableFingerprint.Chunk>> chunks = new ArrayList<>();
        long[] rows = new long[targets.size()];
        BigInteger[] sums = new BigInteger[targets.size()];
        for (int i = 0; i < targets.size(); i++) {
            chunks.add(new TreeMap<>());
            sums[i] = BigInteger.ZERO;
        }
        for (Partial p : partials) {
            rows[p.target()] += p.rows();
            sums[p.target()] = sums[p.target()].add(p.sum()).mod(MOD);
            if (p.chunk() != null) {
                chunks.get(p.target()).put(p.chunk(), new TableFingerprint.Chunk(p.chunk(), p.rows(), hex(p.sum())));
            }
        }
        List<TableFingerprint> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            out.add(new TableFingerprint(t.table(), t.columns(), t.chunking(), rows[i], hex(sums[i]), List.copyOf(chunks.get(i).values())));
        }
        return out;
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
