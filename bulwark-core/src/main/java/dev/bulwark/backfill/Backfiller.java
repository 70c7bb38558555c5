package dev.bulwark.backfill;

import dev.bulwark.BulwarkException;
import dev.bulwark.CrashPoint;
import dev.bulwark.Durations;
import dev.bulwark.ErrorCode;
import dev.bulwark.Backoff;
import dev.bulwark.Listener;
import dev.bulwark.Sizes;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.pg.Masking;
import dev.bulwark.pg.SqlStates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one {@link BackfillStatement} in batches split by the table's primary key: a single integer
 * key column by key ranges ({@code id > lo AND id <= hi}), any other key (text, uuid, composite) by
 * keyset pagination ({@code (a, b) > (last)} in key order). Each batch is a short transaction of
 * its own under the session's lock_timeout, and commits together with the backfill's progress row
 * in {@link BackfillState}: a run killed at any instant resumes after the last committed batch, with
 * no row updated twice and none missed, even when the update is not idempotent.
 *
 * <p>The batch size adapts towards a target duration. Before each batch the run pauses while a
 * standby's replay lag is above the limit or the throttle query says so; a batch that hits
 * lock_timeout rolls back, waits (backoff) and retries at half the size. Every pause is logged with
 * its reason.
 *
 * <p>The caller owns the connection and its session settings (lock_timeout, statement_timeout);
 * it must be in autocommit mode and is left so.
 */
public final class Backfiller {
    private static final long MAX_BATCH = 10_000_000L;

    private final Connection work;
    private final BackfillState state;
    private final BackfillOptions options;
    private final Listener out;
    private final BackfillProgress progress;

    private boolean warnedInvisibleLag;
    /** The server's WAL position at the last lag check that followed a batch (bytes from 0/0), or -1 before the first. */
    private long walMark = -1;
    /**
     * WAL written between consecutive such checks (one batch's, and the server's meanwhile: the application,
     * autovacuum, full-page images after a checkpoint) per key or row of that batch: the last
     * {@value #WAL_WINDOW} of them, newest last.
     */
    private final java.util.ArrayDeque<Double> walPerUnit = new java.util.ArrayDeque<>();
    private static final int WAL_WINDOW = 8;
    /** The size (keys or rows) of the batch that ran last, and of the batch about to run. */
    private long walBatchSize = 1;
    private long nextBatchSize = 1;
    private volatile boolean stopped;
    private volatile Statement running;

    public Backfiller(Connection work, String stateSchema, BackfillOptions options, Listener out, BackfillProgress progress) {
        this.work = work;
        this.state = new BackfillState(stateSchema);
        this.options = options;
        this.out = out;
        this.progress = progress == null ? BackfillProgress.NONE : progress;
    }

    public BackfillState state() {
        return state;
    }

    /**
     * Stops the run (Ctrl-C): the running batch is cancelled and rolls back, no further batch
     * starts, and the run ends with an error saying it resumes after its last committed batch.
     */
    public void stop() {
        stopped = true;
        Statement st = running;
        if (st != null) {
            try {
                st.cancel();
            } catch (SQLException ignored) {
                // the batch ends with the connection at the latest
            }
        }
    }

    private void checkStopped(String relation, long totalRows, long batches) {
        if (stopped) {
            throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "backfill of " + relation + " stopped after batch " + batches
                    + " (" + totalRows + " rows done, recorded in " + state.qualifiedName() + ")",
                    "run the same backfill again: it resumes after the last committed batch");
        }
    }

    /** One primary key column: its name and type as SQL. */
    record KeyColumn(String name, String type, boolean integer) {
    }

    /** The table as the server knows it. */
    record Target(String relation, String ref, List<KeyColumn> key, double reltuples) {
        boolean range() {
            return key.size() == 1 && key.get(0).integer();
        }

        List<String> keyNames() {
            return key.stream().map(KeyColumn::name).toList();
        }
    }

    /** The job key of {@code bulwark backfill}: the same table, SET and WHERE resume the same backfill. */
    public static String jobFor(BackfillStatement s) {
        return "backfill " + dev.bulwark.migration.Checksums.sha256Hex(s.describe()).substring(0, 16);
    }

    /**
     * Resolves the table and its key and checks the SET and WHERE on the server (EXPLAIN, nothing
     * runs). A missing table, a table without primary key or a SET/WHERE the server refuses is a
     * usage error.
     */
    Target resolve(BackfillStatement s) throws SQLException {
        String relation;
        double reltuples;
        long oid;
        try (PreparedStatement ps = work.prepareStatement("SELECT c.oid, c.oid::pg_catalog.regclass::text, c.relkind, c.reltuples"
                + " FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, s.tableSql());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw BulwarkException.usage("table " + s.tableSql() + " does not exist"
                                    + (s.schema() == null ? " (in the search path)" : ""),
                            "check the name; qualify it with its schema (schema.table) if it is not in the search path");
                }
                oid = rs.getLong(1);
                relation = rs.getString(2);
                String kind = rs.getString(3);
                reltuples = rs.getDouble(4);
                if (!kind.equals("r") && !kind.equals("p")) {
                    throw BulwarkException.usage(relation + " is not a table (relkind " + kind + ")", "backfill the table itself");
                }
            }
        }
        List<KeyColumn> key = new ArrayList<>();
        try (PreparedStatement ps = work.prepareStatement("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
                + " a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype, 'pg_catalog.int8'::pg_catalog.regtype)"
                + " FROM pg_catalog.pg_index i CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(new KeyColumn(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        if (key.isEmpty()) {
            throw BulwarkException.usage(relation + " has no primary key, and a backfill splits the table into batches by it",
                    "add a primary key first (an index CONCURRENTLY, then ADD PRIMARY KEY USING INDEX), or run the UPDATE yourself");
        }
        String ref = s.alias() != null ? Identifiers.quote(s.alias()) : relation;
        Target t = new Target(relation, ref, key, reltuples);
        explain(s, t);
        return t;
    }

    /** The server's own check of the SET list and the condition: EXPLAIN plans the statement, it runs nothing. */
    private void explain(BackfillStatement s, Target t) throws SQLException {
        String sql = "EXPLAIN UPDATE " + t.relation() + alias(s) + " SET " + s.set() + (s.where() != null ? " WHERE " + s.where() : "");
        boolean auto = work.getAutoCommit();
        work.setAutoCommit(false);
        try (Statement st = work.createStatement()) {
            st.setEscapeProcessing(false);
            st.execute(sql);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("42") || state.startsWith("22")) {
                throw BulwarkException.usage("the backfill " + Masking.mask(s.describe()) + " does not fit " + t.relation() + ": "
                        + firstLine(e), "fix the SET list or the condition (the server's message names the problem)");
            }
            throw e;
        } finally {
            work.rollback();
            work.setAutoCommit(auto);
        }
    }

    private static String alias(BackfillStatement s) {
        return s.alias() != null ? " AS " + Identifiers.quote(s.alias()) : "";
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m).replaceFirst("^ERROR: ", "");
    }

    /**
     * Runs (or resumes) the backfill.
     *
     * @param job    the backfill's key in the state table
     * @param forget start from the beginning even if the state table holds this job (a migration step run afresh,
     *               {@code --restart}); otherwise a running job resumes and a done one does nothing
     */
    public BackfillResult run(BackfillStatement s, String job, boolean forget) throws SQLException {
        long t0 = System.nanoTime();
        Target t = resolve(s);
        if (options.throttleQuery() != null) {
            throttled(); // a throttle query that fails, fails now, before anything changed
        }
        Optional<BackfillState.Row> earlier = state.read(work, job);
        if (options.dryRun()) {
            return dryRun(s, t, job, forget ? Optional.empty() : earlier);
        }
        if (earlier.isPresent() && earlier.get().done() && !forget) {
            BackfillState.Row row = earlier.get();
            out.info("backfill of " + t.relation() + " is already done (" + row.rows() + " rows in " + row.batches()
                    + " batches, finished " + row.finishedAt() + "); nothing to do");
            return new BackfillResult(job, t.relation(), mode(t), t.keyNames(), 0, row.rows(), 0, 0, 0, 0, 0,
                    ms(t0), false, true, false, List.of());
        }
        boolean resumed = earlier.isPresent() && !forget;
        if (resumed && !earlier.get().mode().equals(mode(t))) {
            throw BulwarkException.usage("the interrupted backfill " + job + " ran by " + earlier.get().mode()
                    + " but the table's key now calls for " + mode(t), "run it again from the start with --restart");
        }
        BackfillState.Row row;
        if (resumed) {
            row = earlier.get();
            out.info("resuming the backfill of " + t.relation() + " after batch " + row.batches() + " (" + row.rows() + " rows done, last key "
                    + row.lastKey() + ")");
        } else {
            String upper = t.range() ? maxKey(t) : null;
            work.setAutoCommit(false);
            try {
                state.ensure(work);
                state.start(work, job, t.relation(), Masking.mask(s.describe()), mode(t), upper);
                CrashPoint.here("backfill.start.before-commit");
                work.commit();
            } catch (SQLException e) {
                work.rollback();
                throw e;
            } finally {
                work.setAutoCommit(true);
            }
            row = state.read(work, job).orElseThrow();
            out.info("backfill of " + t.relation() + " by " + (t.range() ? "key ranges of " : "keyset pagination on ")
                    + String.join(", ", t.keyNames()) + " (" + describeEstimate(t) + ")");
        }
        return loop(s, t, job, row, resumed, t0);
    }

    private static String mode(Target t) {
        return t.range() ? "range" : "keyset";
    }

    private static String describeEstimate(Target t) {
        return t.reltuples() > 0 ? "about " + (long) t.reltuples() + " rows" : "row count not estimated yet";
    }

    private String maxKey(Target t) throws SQLException {
        String k = Identifiers.quote(t.key().get(0).name());
        try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery("SELECT max(" + k + ")::text FROM " + t.relation())) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String minKey(Target t) throws SQLException {
        String k = Identifiers.quote(t.key().get(0).name());
        try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery("SELECT min(" + k + ")::text FROM " + t.relation())) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** One batch's outcome. */
    private record Batch(long rows, List<String> lastKey, boolean done, long ms) {
    }

    private BackfillResult loop(BackfillStatement s, Target t, String job, BackfillState.Row row, boolean resumed, long t0)
            throws SQLException {
        long size = Math.max(1, options.maxRowsPerSecond() > 0 ? Math.min(options.firstBatchRows(), options.maxRowsPerSecond())
                : options.firstBatchRows());
        long expectedBatches = row.batches();
        List<String> last = row.lastKey();
        long rows = 0;
        long batches = 0;
        long pauses = 0;
        long pauseMs = 0;
        long lockRetries = 0;
        long longest = 0;
        long pendingPauses = 0;
        long pendingPauseMs = 0;
        long pendingRetries = 0;
        long totalRows = row.rows();
        Long low = null;
        Long high = null;
        if (t.range()) {
            if (row.upperKey() == null) {
                high = null; // the table was empty when the backfill started
            } else {
                high = Long.parseLong(row.upperKey());
                String min = last == null ? minKey(t) : null;
                low = last != null ? Long.parseLong(last.get(0)) : min == null ? high : Long.parseLong(min) - 1;
            }
        }
        long startLow = low == null ? 0 : low;
        BatchSql sql = BatchSql.of(s, t);
        long runStart = System.nanoTime();
        boolean done = t.range() && (high == null || low >= high);
        if (done) {
            // nothing to update: record the backfill as done in one empty batch
            commitBatch(job, expectedBatches, () -> new Batch(0, null, true, 0), 0, 0, 0);
            batches++;
        }
        while (!done) {
            checkStopped(t.relation(), totalRows, expectedBatches);
            nextBatchSize = size;
            long[] paused = pauseWhileNeeded(false);
            checkStopped(t.relation(), totalRows, expectedBatches);
            pauses += paused[0];
            pauseMs += paused[1];
            pendingPauses += paused[0];
            pendingPauseMs += paused[1];
            Backoff backoff = new Backoff(options.lockRetryBudget());
            Batch b;
            while (true) {
                final long batchSize = size;
                final List<String> from = last;
                final Long lo = low;
                final Long hi = high;
                try {
                    b = commitBatch(job, expectedBatches, () -> t.range() ? rangeBatch(sql, lo, hi, batchSize)
                            : keysetBatch(sql, t, from, batchSize), pendingPauses, pendingPauseMs, pendingRetries);
                    walBatchSize = batchSize;
                    break;
                } catch (SQLException e) {
                    checkStopped(t.relation(), totalRows, expectedBatches);
                    if (!isLockFailure(e)) {
                        throw e;
                    }
                    long sleep = backoff.nextSleepMs();
                    if (sleep < 0) {
                        throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "backfill of " + t.relation() + ": gave up after "
                                + backoff.attempts() + " lock timeouts in a row within the retry budget of "
                                + Durations.human(options.lockRetryBudget()) + " (" + firstLine(e) + "); " + totalRows
                                + " rows in " + (expectedBatches) + " batches are done and recorded",
                                "end the session that holds the lock, then run the same backfill again: it resumes after the last batch", e);
                    }
                    size = Math.max(1, size / 2);
                    pauses++;
                    pendingPauses++;
                    lockRetries++;
                    pendingRetries++;
                    pauseMs += sleep;
                    pendingPauseMs += sleep;
                    out.warn("  paused: lock wait: batch " + (expectedBatches + 1) + " hit lock_timeout (" + firstLine(e)
                            + "); rolled back, retrying with " + size + " " + unit(t) + " in " + Durations.human(Duration.ofMillis(sleep)));
                    sleepQuietly(sleep);
                }
            }
            expectedBatches++;
            batches++;
            pendingPauses = 0;
            pendingPauseMs = 0;
            pendingRetries = 0;
            rows += b.rows();
            totalRows += b.rows();
            longest = Math.max(longest, b.ms());
            if (b.lastKey() != null) {
                last = b.lastKey();
                if (t.range()) {
                    low = Long.parseLong(last.get(0));
                }
            }
            done = b.done();
            size = adapt(size, b.ms());
            long elapsedMs = Math.max(1, ms(runStart));
            if (options.maxRowsPerSecond() > 0) {
                size = Math.min(size, options.maxRowsPerSecond());
                long owed = rows * 1000 / options.maxRowsPerSecond() - elapsedMs;
                if (owed > 0 && !done) {
                    sleepQuietly(owed);
                }
                elapsedMs = Math.max(1, ms(runStart));
            }
            double fraction = -1;
            if (t.range() && high != null && high > startLow) {
                fraction = Math.min(1.0, (double) (low - startLow) / (high - startLow));
            } else if (t.reltuples() > 0) {
                fraction = Math.min(1.0, totalRows / t.reltuples());
            }
            progress.batch(totalRows, done ? 1.0 : fraction, rows * 1000 / elapsedMs, size);
        }
        // What follows a backfill (a VALIDATE's scan, which prunes the pages the batches left dead; the contract) writes
        // WAL that no batch estimate covers: it starts once the standbys are as far behind as one more batch would
        // need them to be (lag only: the throttle query is for batches). bench/expand.sh saw a
        // VALIDATE that started right after the last batch carry a subscriber from the limit to 78 MiB.
        nextBatchSize = size; // the size the next batch would have had: the last one may have been a short remainder
        long[] drained = pauseWhileNeeded(true);
        pauses += drained[0];
        pauseMs += drained[1];
        long took = ms(t0);
        out.info("backfill of " + t.relation() + " done: " + rows + " rows in " + batches + " batches, "
                + Durations.human(Duration.ofMillis(took)) + (pauses > 0 ? ", " + pauses + " pauses (" + Durations.human(Duration.ofMillis(pauseMs)) + ")" : "")
                + ", longest batch " + longest + "ms");
        return new BackfillResult(job, t.relation(), mode(t), t.keyNames(), rows, totalRows, batches, pauses, pauseMs, lockRetries,
                longest, took, resumed, false, false, List.of());
    }

    private static String unit(Target t) {
        return t.range() ? "keys" : "rows";
    }

    /** Towards the target duration: at most doubled or halved per batch. */
    private long adapt(long size, long ms) {
        long target = Math.max(1, options.targetBatch().toMillis());
        double factor = ms <= 0 ? 2.0 : Math.max(0.5, Math.min(2.0, (double) target / ms));
        return Math.max(1, Math.min(MAX_BATCH, Math.round(size * factor)));
    }

    @FunctionalInterface
    private interface BatchWork {
        Batch run() throws SQLException;
    }

    /**
     * One batch and its progress row in one transaction. The progress row is locked first and must
     * show the batches this run expects: a second run of the same backfill at the same time waits
     * here, then finds the count moved and stops before it updates anything.
     */
    private Batch commitBatch(String job, long expectedBatches, BatchWork batch, long pauses, long pauseMs, long retries)
            throws SQLException {
        work.setAutoCommit(false);
        try {
            try (PreparedStatement ps = work.prepareStatement("SELECT batches FROM " + state.qualifiedName() + " WHERE job = ? FOR UPDATE")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getLong(1) != expectedBatches) {
                        throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "another run of backfill " + job
                                + " committed batches meanwhile (or its progress row in " + state.qualifiedName() + " was removed); stopped"
                                + " before updating anything more", "let the other run finish, or run the backfill again to resume after its last batch");
                    }
                }
            }
            long b0 = System.nanoTime();
            CrashPoint.here("backfill.batch.before-update");
            Batch b = batch.run();
            CrashPoint.here("backfill.batch.updated");
            state.advance(work, job, b.lastKey(), b.rows(), pauses, pauseMs, retries, b.done());
            CrashPoint.here("backfill.progress.written");
            work.commit();
            long held = ms(b0);
            CrashPoint.here("backfill.batch.committed");
            return new Batch(b.rows(), b.lastKey(), b.done(), held);
        } catch (SQLException | RuntimeException e) {
            try {
                work.rollback();
            } catch (SQLException ignored) {
                // the connection may be gone: the server rolls back with it
            }
            throw e;
        } finally {
            try {
                work.setAutoCommit(true);
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    /** Keys {@code (lo, min(lo + size, hi)]}; a gap in the keys is skipped by looking up the next key first. */
    private Batch rangeBatch(BatchSql sql, long lo, long hi, long size) throws SQLException {
        long next;
        try (PreparedStatement ps = work.prepareStatement(sql.nextKey())) {
            ps.setLong(1, lo);
            ps.setLong(2, hi);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                if (rs.wasNull()) {
                    return new Batch(0, List.of(Long.toString(hi)), true, 0);
                }
                next = v;
            }
        }
        long from = next - 1;
        long to = hi - from <= size ? hi : from + size;
        try (PreparedStatement ps = work.prepareStatement(sql.update())) {
            ps.setEscapeProcessing(false);
            ps.setLong(1, from);
            ps.setLong(2, to);
            running = ps;
            long rows = ps.executeUpdate();
            return new Batch(rows, List.of(Long.toString(to)), to >= hi, 0);
        } finally {
            running = null;
        }
    }

    /**
     * A run's batch statements, built once: for key ranges the next-key lookup and the UPDATE of
     * {@code (?, ?]}; for keyset pagination the first page and every later one.
     */
    record BatchSql(String nextKey, String update, String firstPage, String nextPage) {
        static BatchSql of(BackfillStatement s, Target t) {
            if (t.range()) {
                String plainKey = Identifiers.quote(t.key().get(0).name());
                return new BatchSql("SELECT min(" + plainKey + ") FROM " + t.relation() + " WHERE " + plainKey + " > ? AND " + plainKey + " <= ?",
                        rangeSql(s, t, t.ref() + "." + plainKey), null, null);
            }
            return new BatchSql(null, null, keysetSql(s, t, false), keysetSql(s, t, true));
        }
    }

    private static String rangeSql(BackfillStatement s, Target t, String k) {
        return "UPDATE " + t.relation() + alias(s) + " SET " + s.set() + " WHERE " + k + " > ? AND " + k + " <= ?"
                + (s.where() != null ? " AND (" + s.where() + ")" : "");
    }

    /** The next {@code size} keys after {@code last} in key order; the update joins them by key. */
    private Batch keysetBatch(BatchSql sql, Target t, List<String> last, long size) throws SQLException {
        try (PreparedStatement ps = work.prepareStatement(last == null ? sql.firstPage() : sql.nextPage())) {
            bindPage(ps, last, size);
            running = ps;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long updated = rs.getLong(1);
                long keys = rs.getLong(2);
                if (keys == 0) {
                    return new Batch(0, null, true, 0);
                }
                List<String> lastKey = new ArrayList<>();
                for (int i = 0; i < t.key().size(); i++) {
                    lastKey.add(rs.getString(3 + i));
                }
                return new Batch(updated, lastKey, keys < size, 0);
            } finally {
                running = null;
            }
        }
    }

    private static String keysetSql(BackfillStatement s, Target t, boolean after) {
        List<String> cols = new ArrayList<>();
        List<String> aliased = new ArrayList<>();
        List<String> batchCols = new ArrayList<>();
        List<String> refCols = new ArrayList<>();
        List<String> params = new ArrayList<>();
        List<String> desc = new ArrayList<>();
        List<String> asText = new ArrayList<>();
        for (int i = 0; i < t.key().size(); i++) {
            KeyColumn c = t.key().get(i);
            String q = Identifiers.quote(c.name());
            String b = "bulwark_k" + (i + 1);
            cols.add(q);
            aliased.add(q + " AS " + b);
            batchCols.add("bulwark_batch." + b);
            refCols.add(t.ref() + "." + q);
            params.add("CAST(? AS " + c.type() + ")");
            desc.add(b + " DESC");
            asText.add(b + "::text AS bulwark_t" + (i + 1)); // named apart: ORDER BY bulwark_k1 must sort the key, not its text
        }
        return "WITH bulwark_batch AS (SELECT " + String.join(", ", aliased) + " FROM " + t.relation()
                + (after ? " WHERE (" + String.join(", ", cols) + ") > (" + String.join(", ", params) + ")" : "")
                + " ORDER BY " + String.join(", ", cols) + " LIMIT ?),"
                + " bulwark_updated AS (UPDATE " + t.relation() + alias(s) + " SET " + s.set() + " FROM bulwark_batch WHERE ("
                + String.join(", ", refCols) + ") = (" + String.join(", ", batchCols) + ")"
                + (s.where() != null ? " AND (" + s.where() + ")" : "") + " RETURNING 1)"
                + " SELECT (SELECT count(*) FROM bulwark_updated), (SELECT count(*) FROM bulwark_batch), bulwark_last.*"
                + " FROM (SELECT 1) AS bulwark_one LEFT JOIN (SELECT " + String.join(", ", asText) + " FROM bulwark_batch ORDER BY "
                + String.join(", ", desc) + " LIMIT 1) AS bulwark_last ON true";
    }

    // ------------------------------------------------------------------ pauses

    /**
     * Waits while a reason to pause holds; returns {pauses, ms}. {@code handingOver}: the backfill is done and the wait is
     * for the steps after it, on the lag alone (the throttle query is for batches).
     */
    private long[] pauseWhileNeeded(boolean handingOver) throws SQLException {
        measureBatchWal();
        String reason = pauseReason(handingOver);
        if (reason == null) {
            return new long[]{0, 0};
        }
        long p0 = System.nanoTime();
        out.warn("  paused: " + reason);
        String last = reason;
        while ((reason = pauseReason(handingOver)) != null) {
            if (!reason.equals(last) && !sameKind(reason, last)) {
                out.warn("  still paused: " + reason);
            }
            last = reason;
            if (stopped) {
                break;
            }
            sleepQuietly(options.pollInterval().toMillis());
        }
        long ms = ms(p0);
        out.info("  resumed after " + Durations.human(Duration.ofMillis(ms)));
        return new long[]{1, ms};
    }

    private static boolean sameKind(String a, String b) {
        return a.substring(0, Math.max(0, a.indexOf(':'))).equals(b.substring(0, Math.max(0, b.indexOf(':'))));
    }

    private String pauseReason(boolean handingOver) throws SQLException {
        String lag = lagReason(handingOver);
        if (lag != null) {
            return lag;
        }
        if (!handingOver && options.throttleQuery() != null && throttled()) {
            return "throttle query: --throttle-query returned true";
        }
        return null;
    }

    /** Before the pause check that follows a batch: how much WAL the batch (and the application meanwhile) wrote. */
    private void measureBatchWal() throws SQLException {
        if (options.maxLagBytes() <= 0) {
            return;
        }
        try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), '0/0')::bigint")) {
            rs.next();
            long now = rs.getLong(1);
            if (walMark >= 0) {
                walPerUnit.addLast((double) Math.max(0, now - walMark) / Math.max(1, walBatchSize));
                if (walPerUnit.size() > WAL_WINDOW) {
                    walPerUnit.removeFirst();
                }
            }
            walMark = now;
        }
    }

    /**
     * The WAL expected until the next batch is confirmed: its size (which moves towards the target duration, at most
     * doubling from one batch to the next) times the most WAL per key of the last {@value #WAL_WINDOW} batches. The
     * most, not the last: the server's own WAL comes in bursts (autovacuum of the rows the backfill left dead,
     * full-page images after a checkpoint) that the last batch may not have seen; with the last alone, bench/expand.sh
     * carried the subscriber up to 20 MB past 64 MB. At most half the byte limit: a batch bigger than the limit must
     * still run once the standby has caught up.
     */
    private long nextBatchWal() {
        double perUnit = walPerUnit.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        // handing over, it is for one more batch of the size the next would have had: the batches ran under the same
        // rule, so the wait ends as the wait before a batch would have, never on a lag the batches could not bring down
        return (long) Math.min(options.maxLagBytes() / 2.0, perUnit * nextBatchSize);
    }

    /**
     * Three quarters of the byte limit: what the lag plus the next batch's estimate may reach. The last quarter is for
     * what no estimate foresees: a subscriber that applies a batch more slowly than the publisher wrote it (its lag
     * keeps growing after the batch has committed), autovacuum, full-page images after a checkpoint. At the limit
     * itself, bench/expand.sh saw the subscriber above it for up to 0.6 s after a 425 ms batch; with the margin, its
     * peaks were 45-49 MiB. The standby still has a batch or more queued whenever the run waits for it, yet the run
     * waits more: 19-25 s of pauses in a 45-65 s backfill of 3M rows, against 12-16 s in 39-49 s at the limit itself.
     */
    private long byteBudget() {
        return options.maxLagBytes() - options.maxLagBytes() / 4;
    }

    /**
     * The first standby (physical or logical, {@code pg_stat_replication}) that is further behind than allowed, or
     * would be after one more batch: the byte limit counts the WAL the next batch is expected to write
     * ({@link #nextBatchWal}) on top of the lag, within {@link #byteBudget}, so that the batch does not carry the
     * standby past it. A logical standby's lag is the larger of its reported replay position's and its slot's
     * {@code confirmed_flush_lsn}'s (what the publisher keeps WAL for).
     */
    private String lagReason(boolean handingOver) throws SQLException {
        if (options.maxLag() == null && options.maxLagBytes() <= 0) {
            return null;
        }
        try (Statement st = work.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT coalesce(nullif(r.application_name, ''), 'pid ' || r.pid), (extract(epoch FROM r.replay_lag) * 1000)::bigint,"
                        + " GREATEST(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), r.replay_lsn),"
                        + " pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), s.confirmed_flush_lsn))::bigint,"
                        + " r.replay_lsn IS NULL AND r.state IS NULL"
                        + " FROM pg_catalog.pg_stat_replication r"
                        + " LEFT JOIN pg_catalog.pg_replication_slots s ON s.active_pid = r.pid AND s.slot_type = 'logical'"
                        + " ORDER BY 1")) {
            while (rs.next()) {
                String name = rs.getString(1);
                long lagMs = rs.getLong(2);
                boolean noTime = rs.wasNull();
                long bytes = rs.getLong(3);
                boolean noBytes = rs.wasNull();
                if (rs.getBoolean(4) && !warnedInvisibleLag) {
                    warnedInvisibleLag = true;
                    out.warn("  warning: the lag of standby '" + name + "' is not visible to this user: grant it pg_read_all_stats"
                            + " (or pg_monitor) so the backfill can pause for it");
                }
                boolean overTime = !noTime && options.maxLag() != null && lagMs > options.maxLag().toMillis();
                long nextWal = nextBatchWal();
                boolean overBytes = !noBytes && options.maxLagBytes() > 0 && bytes + nextWal > byteBudget();
                if (overTime || overBytes) {
                    String why = "";
                    if (handingOver) {
                        why = "; the backfill is done, and the steps after it wait for the standbys to be "
                                + (overBytes ? "at most " + Sizes.human(byteBudget() - nextWal) + " behind" : "back within the limit");
                    } else if (overBytes && !overTime && bytes <= options.maxLagBytes()) {
                        why = ", " + Sizes.human(bytes + nextWal) + " after the next batch (about " + Sizes.human(nextWal)
                                + " of WAL), over the " + Sizes.human(byteBudget()) + " the run allows itself";
                    }
                    return "replica lag: standby '" + name + "' is " + (noTime ? "?" : Durations.human(Duration.ofMillis(lagMs)))
                            + " / " + Sizes.human(noBytes ? 0 : bytes) + " behind" + why
                            + " (--max-lag " + (options.maxLag() == null ? "off"
                            : Durations.human(options.maxLag())) + ", " + (options.maxLagBytes() <= 0 ? "off" : Sizes.human(options.maxLagBytes())) + ")";
                }
            }
        }
        return null;
    }

    private boolean throttled() {
        try (Statement st = work.createStatement()) {
            st.setEscapeProcessing(false);
            try (ResultSet rs = st.executeQuery(options.throttleQuery())) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw BulwarkException.usage("--throttle-query failed: " + firstLine(e),
                    "give a query whose first column is a boolean, true to pause: --throttle-query \"SELECT count(*) > 50 FROM pg_stat_activity\"");
        }
    }

    // ------------------------------------------------------------------ dry run

    private static final int DRY_RUN_BATCHES = 20;

    /** The batches at the first batch size, read-only; the first {@value #DRY_RUN_BATCHES} spelled out. */
    private BackfillResult dryRun(BackfillStatement s, Target t, String job, Optional<BackfillState.Row> earlier) throws SQLException {
        List<String> lines = new ArrayList<>();
        if (earlier.isPresent() && earlier.get().done()) {
            lines.add("-- already done (" + earlier.get().rows() + " rows); --restart runs it again");
            return new BackfillResult(job, t.relation(), mode(t), t.keyNames(), 0, earlier.get().rows(), 0, 0, 0, 0, 0, 0, false, true, true, lines);
        }
        long size = Math.max(1, options.firstBatchRows());
        lines.add("-- " + (earlier.isPresent() ? "resume after batch " + earlier.get().batches() + " (last key " + earlier.get().lastKey() + ")"
                : "backfill") + " of " + t.relation() + " by " + (t.range() ? "key ranges" : "keyset pagination") + " on "
                + String.join(", ", t.keyNames()) + ", " + size + " " + unit(t) + " per batch at first (the size then adapts towards "
                + options.targetBatch().toMillis() + " ms); each batch commits with its progress in " + state.qualifiedName());
        long count = 0;
        if (t.range()) {
            String hiText = earlier.isPresent() ? earlier.get().upperKey() : maxKey(t);
            if (hiText != null) {
                long hi = Long.parseLong(hiText);
                long lo = earlier.isPresent() && earlier.get().lastKey() != null ? Long.parseLong(earlier.get().lastKey().get(0))
                        : Long.parseLong(minKey(t)) - 1;
                String k = t.ref() + "." + Identifiers.quote(t.key().get(0).name());
                String sql = rangeSql(s, t, k);
                while (lo < hi) {
                    long to = hi - lo <= size ? hi : lo + size;
                    count++;
                    if (count <= DRY_RUN_BATCHES) {
                        lines.add(sql.replaceFirst("\\?", Long.toString(lo)).replaceFirst("\\?", Long.toString(to)) + ";");
                    }
                    lo = to;
                }
            }
        } else {
            List<String> last = earlier.map(BackfillState.Row::lastKey).orElse(null);
            String cols = String.join(", ", t.key().stream().map(c -> Identifiers.quote(c.name())).toList());
            String firstPage = nthKeySql(t, false);
            String nextPage = nthKeySql(t, true);
            while (true) {
                List<String> found = nthKey(t, last == null ? firstPage : nextPage, last, size);
                if (found == null) {
                    break;
                }
                boolean shortBatch = found.size() == t.key().size() + 1;
                List<String> next = shortBatch ? found.subList(0, t.key().size()) : found;
                count++;
                if (count <= DRY_RUN_BATCHES) {
                    lines.add("UPDATE " + t.relation() + alias(s) + " SET " + s.set() + " WHERE "
                            + (last == null ? "" : "(" + cols + ") > (" + literals(last) + ") AND ")
                            + "(" + cols + ") <= (" + literals(next) + ")"
                            + (s.where() != null ? " AND (" + s.where() + ")" : "") + ";");
                }
                if (shortBatch) {
                    break;
                }
                last = next;
                if (count > DRY_RUN_BATCHES) {
                    long rest = t.reltuples() > 0 ? Math.max(0, (long) Math.ceil((t.reltuples() - count * size) / size)) : 0;
                    count += rest;
                    lines.add("-- … about " + rest + " more batches (from the row estimate)");
                    break;
                }
            }
        }
        if (count > DRY_RUN_BATCHES && t.range()) {
            lines.add("-- … " + (count - DRY_RUN_BATCHES) + " more batches");
        }
        lines.add("-- " + count + " batch" + (count == 1 ? "" : "es") + " in all; nothing was changed");
        return new BackfillResult(job, t.relation(), mode(t), t.keyNames(), 0, earlier.map(BackfillState.Row::rows).orElse(0L), count,
                0, 0, 0, 0, 0, earlier.isPresent(), false, true, lines);
    }

    /** The key {@code size} rows after {@code last}, or the table's last key (with a marker element) when fewer remain; null when none. */
    private List<String> nthKey(Target t, String sql, List<String> last, long size) throws SQLException {
        try (PreparedStatement ps = work.prepareStatement(sql)) {
            bindPage(ps, last, size);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> key = new ArrayList<>();
                for (int i = 0; i < t.key().size(); i++) {
                    key.add(rs.getString(i + 1));
                }
                if (rs.getLong(t.key().size() + 1) < size) {
                    key.add("last");
                }
                return key;
            }
        }
    }

    /** The page of at most {@code size} keys after {@code last} (from the first key when null), its last key first. */
    private static String nthKeySql(Target t, boolean after) {
        List<String> cols = new ArrayList<>();
        List<String> params = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> desc = new ArrayList<>();
        for (KeyColumn c : t.key()) {
            cols.add(Identifiers.quote(c.name()));
            params.add("CAST(? AS " + c.type() + ")");
            texts.add(Identifiers.quote(c.name()) + "::text AS bulwark_t" + (texts.size() + 1));
            desc.add(Identifiers.quote(c.name()) + " DESC");
        }
        return "SELECT " + String.join(", ", texts) + ", n FROM (SELECT " + String.join(", ", cols) + ", count(*) OVER () AS n FROM (SELECT "
                + String.join(", ", cols) + " FROM " + t.relation()
                + (after ? " WHERE (" + String.join(", ", cols) + ") > (" + String.join(", ", params) + ")" : "")
                + " ORDER BY " + String.join(", ", cols) + " LIMIT ?) AS page) AS counted ORDER BY " + String.join(", ", desc) + " LIMIT 1";
    }

    /** Binds a page query: the previous page's last key (none on the first page), then the page size. */
    private static void bindPage(PreparedStatement ps, List<String> last, long size) throws SQLException {
        int p = 1;
        if (last != null) {
            for (String v : last) {
                ps.setString(p++, v);
            }
        }
        ps.setLong(p, size);
    }

    private static String literals(List<String> key) {
        List<String> out = new ArrayList<>();
        for (String v : key) {
            out.add("'" + v.replace("'", "''") + "'");
        }
        return String.join(", ", out);
    }

    // ------------------------------------------------------------------ helpers

    private static boolean isLockFailure(SQLException e) {
        String state = e.getSQLState();
        return SqlStates.LOCK_NOT_AVAILABLE.equals(state) || SqlStates.DEADLOCK_DETECTED.equals(state);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void sleepQuietly(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "backfill interrupted; the committed batches stay done",
                    "run it again to resume after the last batch", e);
        }
    }
}
