package dev.bulwark.replicate;

import dev.bulwark.BulwarkException;
import dev.bulwark.CrashPoint;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.OwnObjects;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.copy.Copier;
import dev.bulwark.copy.CopyListener;
import dev.bulwark.copy.CopyOptions;
import dev.bulwark.copy.CopyResult;
import dev.bulwark.copy.TablePatterns;
import dev.bulwark.fingerprint.DataComparer;
import dev.bulwark.fingerprint.DataComparison;
import dev.bulwark.fingerprint.DataSnapshot;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.fingerprint.TableFingerprint;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.pg.Masking;
import dev.bulwark.replicate.ReplicationState.Stage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Blue-green with logical replication: {@link #start} (checks, schema as {@code copy} makes it, a publication on
 * blue, the rows copied in parallel from the snapshot the replication slot exports, and a subscription on green
 * that streams from that slot; or the subscription's own copy), {@link #switchover} and {@link #rollback} (fence the
 * primary, wait for the other side to apply its last LSN, set sequences, compare fingerprints, run the user's
 * command, turn replication around, open the other side) and {@link #stop}.
 *
 * <p>Only one side is ever writable through Bulwark's doing: the side that follows is read-only for new sessions
 * ({@code ALTER DATABASE … SET default_transaction_read_only = on}; the apply worker is not affected) from the
 * moment it subscribes, and the side being switched away from is fenced before the other is opened.
 * Every stage is written to {@link ReplicationState} before its work starts, so a kill leaves a state the next
 * run reads: the same command resumes, {@code rollback} during an unfinished switchover undoes it.
 */
public final class Replicator {
    /** Publication and subscription (and so the slot) names: one of each on a side at most. */
    public static final String PUBLICATION = "bulwark_replicate";
    public static final String SUBSCRIPTION = "bulwark_replicate";
    static final String APP = "bulwark-replicate";

    private final ConnectionSpec blue;
    private final ConnectionSpec green;
    private final Consumer<String> out;

    /** How a switch behaves. */
    public record SwitchOptions(long maxLagBytes, Duration grace, Duration catchUpTimeout, String command, Path workingDir,
                                long chunkRows, boolean verify) {
        public SwitchOptions {
            if (maxLagBytes < 0) {
                throw BulwarkException.usage("--max-lag must not be negative", "e.g. --max-lag 16MB");
            }
            if (grace.isNegative() || catchUpTimeout.isNegative() || catchUpTimeout.isZero()) {
                throw BulwarkException.usage("--grace and --catch-up-timeout must be positive", "e.g. --grace 2s");
            }
        }

        public static SwitchOptions defaults() {
            return new SwitchOptions(16L * 1024 * 1024, Duration.ofSeconds(2), Duration.ofSeconds(60), null, null,
                    Fingerprinter.DEFAULT_CHUNK_ROWS, true);
        }

        public SwitchOptions withCommand(String cmd, Path dir) {
            return new SwitchOptions(maxLagBytes, grace, catchUpTimeout, cmd, dir, chunkRows, verify);
        }

        public SwitchOptions withGrace(Duration d) {
            return new SwitchOptions(maxLagBytes, d, catchUpTimeout, command, workingDir, chunkRows, verify);
        }

        public SwitchOptions withMaxLagBytes(long b) {
            return new SwitchOptions(b, grace, catchUpTimeout, command, workingDir, chunkRows, verify);
        }

        public SwitchOptions withCatchUpTimeout(Duration d) {
            return new SwitchOptions(maxLagBytes, grace, d, command, workingDir, chunkRows, verify);
        }

        /** Without the fingerprint comparison while fenced: the LSN wait alone vouches for the data. */
        public SwitchOptions withVerify(boolean on) {
            return new SwitchOptions(maxLagBytes, grace, catchUpTimeout, command, workingDir, chunkRows, on);
        }
    }

    /** How green gets the rows blue has when replication starts. */
    public enum InitialCopy {
        /**
         * Bulwark's copy: the slot is created first on a replication connection and exports its snapshot; the rows
         * of that snapshot are copied over several connections (big tables in key ranges, binary COPY where both
         * sides allow it); the subscription then takes over from the slot with {@code copy_data = false}.
         */
        PARALLEL("parallel"),
        /** The subscription's own table synchronisation: a COPY per table, {@code max_sync_workers_per_subscription} at a time. */
        SUBSCRIPTION("subscription");

        private final String label;

        InitialCopy(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param tables      which of blue's tables to replicate
     * @param pgDump      the pg_dump binary for the schema copy, or null for the first one on PATH
     * @param initialCopy how green gets its first rows
     * @param jobs        connections to each side for {@link InitialCopy#PARALLEL}
     */
    public record StartOptions(TablePatterns tables, Path pgDump, InitialCopy initialCopy, int jobs) {
        public StartOptions {
            tables = tables == null ? TablePatterns.all() : tables;
            initialCopy = initialCopy == null ? InitialCopy.PARALLEL : initialCopy;
            if (jobs < 1 || jobs > CopyOptions.MAX_JOBS) {
                throw BulwarkException.usage("--jobs must be between 1 and " + CopyOptions.MAX_JOBS + ", was " + jobs,
                        "use about the number of CPU cores of the smaller server");
            }
        }

        /** Every table, pg_dump from PATH, the parallel copy with a job per processor. */
        public static StartOptions defaults() {
            return new StartOptions(TablePatterns.all(), null, InitialCopy.PARALLEL,
                    Math.min(CopyOptions.MAX_JOBS, Runtime.getRuntime().availableProcessors()));
        }

        public StartOptions withTables(TablePatterns patterns) {
            return new StartOptions(patterns, pgDump, initialCopy, jobs);
        }

        public StartOptions withPgDump(Path binary) {
            return new StartOptions(tables, binary, initialCopy, jobs);
        }

        public StartOptions withInitialCopy(InitialCopy how) {
            return new StartOptions(tables, pgDump, how, jobs);
        }

        public StartOptions withJobs(int n) {
            return new StartOptions(tables, pgDump, initialCopy, n);
        }
    }

    /**
     * What a start did.
     *
     * @param rowsCopied  the rows Bulwark's parallel copy wrote to green (0 with the subscription's own copy, whose rows
     *                    are still arriving when start returns)
     * @param copyTime    how long that copy took
     */
    public record StartResult(boolean started, List<ReplicationChecks.Problem> problems, List<String> notes, List<String> tables,
                              boolean alreadyRunning, Duration schemaTime, InitialCopy initialCopy, long rowsCopied,
                              Duration copyTime, Duration total) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** What a switchover or rollback did. */
    public record SwitchResult(boolean switched, String primary, Long windowMs, long fenceToCaughtUpMs, long verifyMs,
                               int sequencesSet, int sessionsTerminated, List<String> problems, boolean alreadyDone) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public Replicator(ConnectionSpec blue, ConnectionSpec green, Consumer<String> out) {
        this.blue = blue;
        this.green = green;
        this.out = out == null ? s -> { } : out;
    }

    ConnectionSpec spec(String side) {
        return "blue".equals(side) ? blue : green;
    }

    /** A connection of ours: writable whatever the database's default says, on an empty search_path. */
    static Connection open(ConnectionSpec spec) throws SQLException {
        Connection c = spec.open(APP);
        try (Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off");
            s.execute("SELECT pg_catalog.set_config('search_path', '', false)");
        }
        return c;
    }

    /** The state with the higher sequence number of the two sides, checked to be one pair. */
    static Optional<ReplicationState> state(Connection b, Connection g) throws SQLException {
        Optional<ReplicationState> sb = ReplicationState.read(b);
        Optional<ReplicationState> sg = ReplicationState.read(g);
        if (sb.isPresent() && sg.isPresent() && !sb.get().pair().equals(sg.get().pair())) {
            throw BulwarkException.usage("these databases belong to different replication pairs (blue's state names pair "
                    + sb.get().pair() + ", green's " + sg.get().pair() + ")", "give the --from and --to that started the pair");
        }
        if (sb.isEmpty()) {
            return sg;
        }
        if (sg.isEmpty()) {
            return sb;
        }
        return Optional.of(sb.get().seq() >= sg.get().seq() ? sb.get() : sg.get());
    }

    private ReplicationState save(Connection b, Connection g, ReplicationState s) throws SQLException {
        s.write(b);
        CrashPoint.here("replicate.state.between-sides");
        s.write(g);
        return s;
    }

    // ---------------------------------------------------------------- start

    /** {@link #start(StartOptions)} with these tables and pg_dump, and the default initial copy. */
    public StartResult start(TablePatterns patterns, Path pgDump) {
        return start(StartOptions.defaults().withTables(patterns).withPgDump(pgDump));
    }

    /** The state's detail while Bulwark's copy of the initial rows runs: a rerun finds it and starts the rows again. */
    static final String COPYING_ROWS = "copying the initial rows";
    /** How long start waits for green to apply what blue wrote while the parallel copy ran, before it returns anyway. */
    static final Duration CATCH_UP_AFTER_COPY = Duration.ofSeconds(120);

    public StartResult start(StartOptions o) {
        Instant t0 = Instant.now();
        try (Connection b = open(blue); Connection g = open(green)) {
            sameDatabaseRefused(b, g);
            Optional<ReplicationState> existing = state(b, g);
            if (existing.isPresent() && existing.get().stage() != Stage.STARTING) {
                out.accept("already replicating: " + existing.get().primary() + " -> " + existing.get().standby() + ", stage "
                        + existing.get().stage().label() + " (see bulwark replicate status)");
                return new StartResult(true, List.of(), List.of(), existing.get().tables(), true, Duration.ZERO,
                        o.initialCopy(), 0, Duration.ZERO, Duration.between(t0, Instant.now()));
            }
            boolean resuming = existing.isPresent();
            ReplicationChecks.Result checks = ReplicationChecks.run(b, g, o.tables(), resuming);
            if (!checks.ok()) {
                return new StartResult(false, checks.problems(), checks.notes(), List.of(), false, Duration.ZERO,
                        o.initialCopy(), 0, Duration.ZERO, Duration.between(t0, Instant.now()));
            }
            checks.notes().forEach(n -> out.accept("note: " + n));
            List<String> tables = resuming ? existing.get().tables() : checks.tables().stream().map(TableRef::toString).toList();
            ReplicationState st = resuming ? existing.get()
                    : new ReplicationState(UUID.randomUUID().toString(), 1, blue.masked(), green.masked(), tables, "blue",
                    Stage.STARTING, Instant.now(), Instant.now(), null, "checks passed");
            if (resuming) {
                out.accept("resuming the start interrupted at: " + st.detail());
            } else {
                st.write(b); // blue alone: green must still be empty when the schema copy begins
            }
            CrashPoint.here("replicate.start.state.written");
            // a kill inside Bulwark's copy of the rows: the schema is whole, the rows are from a slot now gone
            boolean rowsInterrupted = resuming && COPYING_ROWS.equals(st.detail());

            Duration schemaTime = Duration.ZERO;
            // a schema copy a kill interrupted leaves its state schema: resumed, whatever tables already exist
            boolean copying = !rowsInterrupted
                    && ReplicationChecks.count(g, "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = '_bulwark_copy'") > 0;
            if (copying || !hasSchema(g, tables)) {
                Instant s0 = Instant.now();
                copySchema(tables, o.pgDump(), b, copying);
                schemaTime = Duration.between(s0, Instant.now());
                out.accept("schema: created on green as bulwark copy --schema-only does (" + ms(schemaTime) + " ms)");
            } else {
                out.accept("schema: already on green");
            }
            if (!rowsInterrupted) {
                st = save(b, g, st.next(Stage.STARTING, "blue", null, "schema copied"));
            }
            CrashPoint.here("replicate.start.schema.done");
            fence(g, "green");
            out.accept("green: read-only for new sessions while it follows blue (default_transaction_read_only = on)");

            // the publication comes before the slot: pgoutput reads it as of each change's position
            if (!exists(b, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?", PUBLICATION)) {
                createPublication(b, tables);
                out.accept("blue: publication " + PUBLICATION + " for " + tables.size() + " table" + (tables.size() == 1 ? "" : "s"));
            }
            CrashPoint.here("replicate.start.publication.done");
            long rowsCopied = 0;
            Duration copyTime = Duration.ZERO;
            if (!exists(g, "SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = ?", SUBSCRIPTION)) {
                dropOrphanSlot(b);
                if (rowsInterrupted) {
                    discardRows(g, tables);
                }
                if (o.initialCopy() == InitialCopy.PARALLEL) {
                    st = save(b, g, st.next(Stage.STARTING, "blue", null, COPYING_ROWS));
                    Instant c0 = Instant.now();
                    try (SlotSnapshot slot = SlotSnapshot.create(blue, SUBSCRIPTION, APP)) {
                        out.accept("blue: replication slot " + SUBSCRIPTION + " created at " + slot.consistentPoint()
                                + "; copying the rows of its snapshot with " + o.jobs() + " job" + (o.jobs() == 1 ? "" : "s"));
                        CrashPoint.here("replicate.start.slot.created");
                        rowsCopied = copyRows(tables, slot.snapshot(), o.jobs(), b);
                    }
                    copyTime = Duration.between(c0, Instant.now());
                    out.accept("rows: " + rowsCopied + " copied to green (" + ms(copyTime) + " ms)");
                    CrashPoint.here("replicate.start.rows.copied");
                    createSubscription(g, blue, false, false);
                    out.accept("green: subscription " + SUBSCRIPTION + " on that slot (copy_data = false): changes from the"
                            + " snapshot's position on");
                } else {
                    createSubscription(g, blue, true, true);
                    out.accept("green: subscription " + SUBSCRIPTION + " (initial rows by the subscription's own COPY, then changes)");
                }
            }
            if (notReady(g).isEmpty()) {
                // Bulwark's copy (this run's, or the killed run's it resumes): the tables are ready at once, but
                // green's apply worker has still to start and apply what blue wrote during the copy. start returns
                // once it streams and has, as it does only once the subscription's own copy is ready.
                awaitGreenAfterCopy(b);
            }
            CrashPoint.here("replicate.start.subscription.done");
            save(b, g, st.next(Stage.REPLICATING, "blue", null, "started"));
            return new StartResult(true, List.of(), checks.notes(), tables, false, schemaTime, o.initialCopy(), rowsCopied,
                    copyTime, Duration.between(t0, Instant.now()));
        } catch (SQLException e) {
            throw failure("replicate start", e, "fix the cause and run the same command again: it resumes");
        }
    }

    private void sameDatabaseRefused(Connection b, Connection g) throws SQLException {
        String ib = ReplicationChecks.string(b, "SELECT pg_catalog.current_database() || '@' || (SELECT system_identifier FROM pg_catalog.pg_control_system())");
        String ig = ReplicationChecks.string(g, "SELECT pg_catalog.current_database() || '@' || (SELECT system_identifier FROM pg_catalog.pg_control_system())");
        if (ib.equals(ig)) {
            throw BulwarkException.usage("--from and --to are the same database", "give green as another database, on another server");
        }
    }

    /** Whether every replicated table exists on green. */
    private static boolean hasSchema(Connection g, List<String> tables) throws SQLException {
        try (PreparedStatement ps = g.prepareStatement("SELECT count(*) FROM unnest(?::text[]) AS x WHERE pg_catalog.to_regclass(x) IS NULL")) {
            ps.setArray(1, g.createArrayOf("text", tables.stream().map(t -> ref(t).sql()).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        }
    }

    /** Blue's tables as copy patterns: the replicated ones, everything else (Bulwark's own schemas too) left out. */
    private static TablePatterns only(List<String> tables, Connection b) throws SQLException {
        Set<String> chosen = Set.copyOf(tables);
        List<String> exclude = new ArrayList<>(List.of(OwnObjects.REPLICATE_SCHEMA + ".*", OwnObjects.SNAPSHOT_SCHEMA + ".*"));
        for (TableRef t : ReplicationChecks.tables(b, TablePatterns.all())) {
            if (!chosen.contains(t.toString())) {
                exclude.add(quotedPattern(t));
            }
        }
        return new TablePatterns(List.of(), exclude);
    }

    private void copySchema(List<String> tables, Path pgDump, Connection b, boolean resume) throws SQLException {
        CopyOptions options = CopyOptions.defaults().withSchemaOnly(true).withResume(resume).withVerify(true)
                .withTables(only(tables, b)).withPgDump(pgDump);
        CopyResult r = new Copier(blue, green, options, new CopyListener() {
            @Override
            public void warn(String message) {
                out.accept("schema: " + message);
            }
        }).run();
        if (!r.ok()) {
            throw new BulwarkException(ErrorCode.FINDINGS, "the schema copied to green differs from blue's: "
                    + String.join("; ", r.problems().stream().map(Object::toString).toList()),
                    "fix the difference, drop green's tables and run replicate start again");
        }
    }

    /** Bulwark's copy of the replicated tables' rows, read in the slot's exported snapshot, into green's schema. */
    private long copyRows(List<String> tables, String snapshot, int jobs, Connection b) throws SQLException {
        // no verification here: switchover compares every table's fingerprints before it fences anything
        CopyOptions options = CopyOptions.defaults().withDataOnly(true).withVerify(false).withJobs(jobs)
                .withTables(only(tables, b)).withSnapshot(snapshot);
        CopyResult r = new Copier(blue, writable(green), options, new CopyListener() {
            @Override
            public void warn(String message) {
                out.accept("rows: " + message);
            }
        }).run();
        if (!r.ok()) {
            throw new BulwarkException(ErrorCode.FINDINGS, "the initial copy of the rows to green failed: "
                    + String.join("; ", r.problems().stream().map(Object::toString).toList()),
                    "fix the cause and run replicate start again: it copies the rows again from a new snapshot");
        }
        return r.tables().stream().mapToLong(CopyResult.TableResult::rows).sum();
    }

    /** Green as Bulwark's copy connects to it: writable although the database's default is read-only (the fence). */
    private static ConnectionSpec writable(ConnectionSpec spec) {
        String ours = "-c default_transaction_read_only=off";
        String mine = spec.properties().get("options");
        return spec.withProperty("options", mine == null ? ours : mine + " " + ours);
    }

    /**
     * The rows an interrupted copy left on green: they came from a snapshot whose slot is gone, so they go, and the
     * copy starts again from a new slot. Green held none of these tables before start (a check), so none are the user's.
     */
    private void discardRows(Connection g, List<String> tables) throws SQLException {
        try (Statement s = g.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", tables.stream().map(t -> ref(t).sql()).toList()));
        }
        Copier.forgetInterrupted(g);
        out.accept("rows: the interrupted copy's rows removed from green; copying them again from a new snapshot");
    }

    private static String quotedPattern(TableRef t) {
        return "\"" + t.schema().replace("\"", "\"\"") + "\".\"" + t.name().replace("\"", "\"\"") + "\"";
    }

    private static void createPublication(Connection c, List<String> tables) throws SQLException {
        String list = String.join(", ", tables.stream().map(t -> ref(t).sql()).toList());
        try (Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + list);
        }
    }

    /** A slot of ours without its subscription (a start or switch killed inside CREATE SUBSCRIPTION): dropped. */
    private static void dropOrphanSlot(Connection publisher) throws SQLException {
        // the walsender of a killed run's replication connection ends when it reads the closed socket: a moment, not more
        for (int i = 0; i < 50; i++) {
            try (PreparedStatement ps = publisher.prepareStatement("SELECT active FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, SUBSCRIPTION);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    if (!rs.getBoolean(1)) {
                        break;
                    }
                }
            }
            sleep(100);
        }
        try (PreparedStatement ps = publisher.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(slot_name)"
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            ps.setString(1, SUBSCRIPTION);
            ps.execute();
        }
    }

    /**
     * @param copyData   whether the subscription copies the tables' rows itself first
     * @param createSlot whether it creates its slot, or streams from the one {@link SlotSnapshot} created
     */
    private static void createSubscription(Connection subscriber, ConnectionSpec publisher, boolean copyData, boolean createSlot)
            throws SQLException {
        try (Statement s = subscriber.createStatement()) {
            s.execute("CREATE SUBSCRIPTION " + SUBSCRIPTION + " CONNECTION " + ReplicationChecks.literal(conninfo(publisher))
                    + " PUBLICATION " + PUBLICATION + " WITH (copy_data = " + copyData + ", create_slot = " + createSlot + ")");
        }
    }

    /** The publisher as libpq connection parameters, for the subscriber to connect with (stored in pg_subscription). */
    static String conninfo(ConnectionSpec spec) {
        Map<String, String> env = spec.libpqEnvironment();
        Map<String, String> names = Map.of("PGHOST", "host", "PGPORT", "port", "PGDATABASE", "dbname", "PGUSER", "user",
                "PGPASSWORD", "password", "PGSSLMODE", "sslmode", "PGSSLROOTCERT", "sslrootcert", "PGSSLCERT", "sslcert",
                "PGSSLKEY", "sslkey");
        StringBuilder sb = new StringBuilder();
        env.forEach((k, v) -> {
            String name = names.get(k);
            if (name != null) {
                sb.append(sb.length() == 0 ? "" : " ").append(name).append("='")
                        .append(v.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
            }
        });
        return sb.toString();
    }

    // ---------------------------------------------------------------- fence

    /** Makes new sessions of this database read-only; returns the server's time just after, for {@link #endWriters}. */
    static Instant fence(Connection c, String side) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + Identifiers.quote(ReplicationChecks.string(c, "SELECT current_database()"))
                    + " SET default_transaction_read_only = on");
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.clock_timestamp()")) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        }
    }

    static void unfence(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + Identifiers.quote(ReplicationChecks.string(c, "SELECT current_database()"))
                    + " RESET default_transaction_read_only");
        }
    }

    /** Whether new sessions of this database start read-only by the database's own setting. */
    static boolean fenced(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM"
                + " pg_catalog.pg_db_role_setting r, unnest(r.setconfig) AS x WHERE r.setrole = 0 AND r.setdatabase ="
                + " (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())"
                + " AND x = 'default_transaction_read_only=on')")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Ends the sessions that were connected before the fence (they kept their writable default): at once when none
     * is inside a transaction, else after the grace period, so a running transaction can commit first.
     */
    private int endWriters(Connection c, Instant fencedAt, Duration grace) throws SQLException {
        String sessions = " FROM pg_catalog.pg_stat_activity WHERE datname = current_database() AND pid <> pg_catalog.pg_backend_pid()"
                + " AND backend_type = 'client backend' AND backend_start < ?";
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*)" + sessions + " AND state NOT IN ('idle')")) {
                ps.setTimestamp(1, java.sql.Timestamp.from(fencedAt));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                }
            }
            sleep(20);
        }
        int ended = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(pid)" + sessions)) {
            ps.setTimestamp(1, java.sql.Timestamp.from(fencedAt));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ended += rs.getBoolean(1) ? 1 : 0;
                }
            }
        }
        return ended;
    }

    // ---------------------------------------------------------------- switch

    /** Blue to green. */
    public SwitchResult switchover(SwitchOptions options) {
        return switchTo("green", options);
    }

    /** Green back to blue. */
    public SwitchResult rollback(SwitchOptions options) {
        return switchTo("blue", options);
    }

    private SwitchResult switchTo(String to, SwitchOptions o) {
        String from = ReplicationState.other(to);
        String verb = "green".equals(to) ? "switchover" : "rollback";
        try (Connection b = open(blue); Connection g = open(green)) {
            ReplicationState st = state(b, g).orElseThrow(() -> BulwarkException.usage("no replication pair on these databases",
                    "start one with bulwark replicate start --from BLUE --to GREEN"));
            Connection src = "blue".equals(from) ? b : g;
            Connection dst = "blue".equals(to) ? b : g;
            if (st.stage() == Stage.STARTING) {
                throw BulwarkException.usage("the pair is still starting (" + st.detail() + ")",
                        "run bulwark replicate start with the same options again to finish it");
            }
            if (st.primary().equals(to) && st.stage() == Stage.REPLICATING) {
                out.accept(to + " is already the primary (switched " + st.stageAt() + "): nothing to do");
                return new SwitchResult(false, to, st.windowMs(), 0, 0, 0, 0, List.of(), true);
            }
            if (st.primary().equals(to)) {
                // a switch the other way is unfinished: this command undoes it if it may
                return undo(b, g, st, verb, o);
            }
            boolean resume = st.stage() != Stage.REPLICATING;
            if (resume) {
                out.accept("resuming the " + verb + " interrupted at stage " + st.stage().label() + " (" + st.stageAt() + ")");
            }
            long fenceToCaughtUp = 0;
            long verifyMs = 0;
            int seqs = 0;
            int ended = 0;
            Instant fencedAt;
            long t0;

            // resumed: the window began with the interrupted run's fence, not this run's
            Instant interruptedFence = resume ? fenceTime(src) : null;
            PreFence preFence = null;
            if (st.stage() == Stage.REVERSING) {
                t0 = System.nanoTime();
            } else {
                if (!resume) {
                    List<String> notReady = notReady(dst);
                    if (!notReady.isEmpty()) {
                        throw new BulwarkException(ErrorCode.FINDINGS, verb + " refused: " + notReady.size() + " table"
                                + (notReady.size() == 1 ? "" : "s") + " still in initial sync on " + to + " ("
                                + String.join(", ", notReady.stream().limit(5).toList()) + ")",
                                "wait until bulwark replicate status shows every table ready");
                    }
                    ReplicationSlot slot = ReplicationSlot.read(src).orElseThrow(() -> new BulwarkException(ErrorCode.FINDINGS,
                            verb + " refused: no replication slot " + SUBSCRIPTION + " on " + from,
                            "check bulwark replicate status; stop and start the pair again"));
                    long lag = slot.lagBytes() == null ? 0 : slot.lagBytes();
                    if (lag > o.maxLagBytes()) {
                        throw new BulwarkException(ErrorCode.FINDINGS, verb + " refused: " + to + " is " + bytes(lag)
                                + " behind " + from + ", above --max-lag " + bytes(o.maxLagBytes()),
                                "wait for the lag to drop (bulwark replicate status), or raise --max-lag");
                    }
                }
                // read-only, before the fence: a kill here changes nothing
                if (o.verify() && !resume) {
                    preFence = preCompare(st.tables(), spec(from), spec(to), src, o.chunkRows(), o.catchUpTimeout());
                    out.accept(preFence == null ? "fingerprints before the fence: not usable; the whole comparison runs while fenced"
                            : "fingerprints before the fence: " + st.tables().size() + " table" + (st.tables().size() == 1 ? "" : "s")
                            + " compared in full (" + preFence.ms() + " ms); " + preFence.differingChunks() + " chunk"
                            + (preFence.differingChunks() == 1 ? "" : "s") + " differed (written since, or diverged): rechecked while fenced");
                }
                CrashPoint.here("replicate.switch.prefence.compared");
                // FENCING is written before the fence: a kill after it leaves a state that says the fence may be on
                st = save(b, g, st.next(Stage.FENCING, from, null, "fencing " + from));
                CrashPoint.here("replicate.switch.fencing.written");
                t0 = System.nanoTime();
                fencedAt = fence(src, from);
                ended = endWriters(src, fencedAt, o.grace());
                out.accept(from + ": fenced: new sessions read-only (ALTER DATABASE … SET default_transaction_read_only = on);"
                        + " " + ended + " session" + (ended == 1 ? "" : "s") + " connected before the fence ended"
                        + " (at once if idle, else after the " + o.grace().toMillis() + " ms grace): a role's login is not"
                        + " revoked, so sessions that reconnect are read-only rather than refused");
                CrashPoint.here("replicate.switch.fenced");

                String lsn = ReplicationChecks.string(src, "SELECT pg_catalog.pg_current_wal_lsn()::text");
                if (!caughtUp(src, lsn, o.catchUpTimeout())) {
                    abort(b, g, st, src, from, "did not apply " + from + "'s WAL up to " + lsn + " within "
                            + o.catchUpTimeout().toSeconds() + " s");
                    return new SwitchResult(false, from, null, 0, 0, 0, ended, List.of(to + " did not catch up within "
                            + o.catchUpTimeout().toSeconds() + " s: " + from + " unfenced, replication continues"), false);
                }
                fenceToCaughtUp = (System.nanoTime() - t0) / 1_000_000;
                out.accept(to + ": applied " + from + "'s last LSN " + lsn + " (" + fenceToCaughtUp + " ms after the fence)");

                seqs = copySequences(src, dst);
                out.accept(to + ": " + seqs + " sequence" + (seqs == 1 ? "" : "s") + " set to " + from + "'s values");
                CrashPoint.here("replicate.switch.sequences.set");

                long v0 = System.nanoTime();
                int[] fencedChunks = {0};
                List<String> differences = !o.verify() ? List.of() : preFence == null
                        ? compare(st.tables(), spec(from), spec(to), o.chunkRows())
                        : compareSince(preFence, spec(from), spec(to), o.chunkRows(), fencedChunks);
                verifyMs = (System.nanoTime() - v0) / 1_000_000;
                if (!differences.isEmpty()) {
                    abort(b, g, st, src, from, "fingerprints differ");
                    return new SwitchResult(false, from, null, fenceToCaughtUp, verifyMs, seqs, ended, differences, false);
                }
                String n = st.tables().size() + " table" + (st.tables().size() == 1 ? "" : "s");
                out.accept(!o.verify() ? "fingerprints: not compared (--no-verify)" : preFence == null
                        ? "fingerprints: " + n + " identical on " + from + " and " + to + " (compared in full while fenced, "
                                + verifyMs + " ms)"
                        : "fingerprints: " + n + " identical on " + from + " and " + to + ": compared in full before the fence ("
                                + preFence.ms() + " ms), while fenced " + fencedChunks[0] + " chunk" + (fencedChunks[0] == 1 ? "" : "s")
                                + " written since on either side or different before (" + verifyMs + " ms)");

                st = save(b, g, st.next(Stage.SWITCHING, from, null, o.command() == null ? "no switch command"
                        : "running the switch command"));
                CrashPoint.here("replicate.switch.command.before");
                if (o.command() != null) {
                    int exit = runCommand(o.command(), o.workingDir(), to);
                    if (exit != 0) {
                        abort(b, g, st, src, from, "the switch command exited " + exit);
                        return new SwitchResult(false, from, null, fenceToCaughtUp, verifyMs, seqs, ended,
                                List.of("the switch command exited " + exit + ": " + from + " unfenced, replication continues"), false);
                    }
                    out.accept("switch command: done");
                }
                CrashPoint.here("replicate.switch.command.after");
                st = save(b, g, st.next(Stage.REVERSING, from, null, "turning replication around"));
            }
            CrashPoint.here("replicate.switch.reversing.written");
            reverse(src, dst, from, to);
            out.accept(to + ": publication " + PUBLICATION + "; " + from + ": subscription " + SUBSCRIPTION
                    + " (copy_data = false): " + from + " follows " + to + " and stays the fallback");
            CrashPoint.here("replicate.switch.reversed");
            unfence(dst);
            long window = interruptedFence != null ? Duration.between(interruptedFence, serverNow(src)).toMillis()
                    : (System.nanoTime() - t0) / 1_000_000;
            CrashPoint.here("replicate.switch.unfenced");
            save(b, g, st.next(Stage.REPLICATING, to, window, verb + " done"));
            out.accept(to + ": writable. Write-unavailable window: " + window + " ms (from the fence on " + from
                    + " to " + to + " opened" + (resume ? ", across the interrupted run" : "") + ")");
            return new SwitchResult(true, to, window, fenceToCaughtUp, verifyMs, seqs, ended, List.of(), false);
        } catch (SQLException e) {
            throw failure("replicate " + verb, e, "run bulwark replicate status, then the same command again: it resumes");
        }
    }

    /**
     * When the interrupted switch first went to fence (its first FENCING since the pair was last steady), from the
     * log, on that server's clock: a rerun writes FENCING again, so the latest would count only the last run.
     */
    private static Instant fenceTime(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT min(at) FROM " + ReplicationState.LOG
                + " WHERE stage = 'FENCING' AND seq > (SELECT COALESCE(max(seq), 0) FROM " + ReplicationState.LOG
                + " WHERE stage IN ('STARTING', 'REPLICATING'))")) {
            return rs.next() && rs.getTimestamp(1) != null ? rs.getTimestamp(1).toInstant() : serverNow(c);
        }
    }

    private static Instant serverNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /**
     * A switch towards {@code st.primary()}'s other side was interrupted before the turn: put the primary back. From
     * stage SWITCHING on, the interrupted run's switch command may have pointed the application at the other side
     * (read-only): this command's {@code --switch-cmd} points it back, or the output says to.
     */
    private SwitchResult undo(Connection b, Connection g, ReplicationState st, String verb, SwitchOptions o) throws SQLException {
        if (st.stage() == Stage.REVERSING) {
            throw BulwarkException.usage("the switch to " + st.standby() + " is past its point of no return (replication is being"
                            + " turned around)", "finish it first by running the same switch again ("
                    + ("green".equals(st.standby()) ? "switchover" : "rollback") + "), then " + verb);
        }
        Connection src = "blue".equals(st.primary()) ? b : g;
        unfence(src);
        CrashPoint.here("replicate.undo.unfenced");
        List<String> problems = new ArrayList<>();
        if (st.stage() == Stage.SWITCHING) {
            if (o.command() != null) {
                int exit = runCommand(o.command(), o.workingDir(), st.primary());
                if (exit != 0) {
                    problems.add("the switch command exited " + exit + ": the application may still point at " + st.standby()
                            + " (read-only); point it at " + st.primary() + " by hand");
                }
            } else {
                out.accept("warning: the interrupted switch had reached its switch command, which may have pointed the"
                        + " application at " + st.standby() + " (read-only): point it back at " + st.primary()
                        + " (--switch-cmd does it)");
            }
        }
        save(b, g, st.next(Stage.REPLICATING, st.primary(), null, "interrupted switch undone by " + verb));
        out.accept("undone: the interrupted switch to " + st.standby() + " is rolled back; " + st.primary()
                + " is writable again and still replicates to " + st.standby());
        return new SwitchResult(true, st.primary(), null, 0, 0, 0, 0, problems, false);
    }

    private void abort(Connection b, Connection g, ReplicationState st, Connection src, String from, String why)
            throws SQLException {
        unfence(src);
        save(b, g, st.next(Stage.REPLICATING, from, null, "switch aborted: " + why));
        out.accept("aborted: " + why + "; " + from + " is writable again and replication continues");
    }

    private void awaitGreenAfterCopy(Connection b) throws SQLException {
        String lsn = ReplicationChecks.string(b, "SELECT pg_catalog.pg_current_wal_lsn()::text");
        Instant w0 = Instant.now();
        if (caughtUp(b, lsn, CATCH_UP_AFTER_COPY, true)) {
            out.accept("green: applied blue's changes made during the copy, up to " + lsn + " ("
                    + ms(Duration.between(w0, Instant.now())) + " ms)");
        } else {
            out.accept("green: still applying blue's changes made during the copy after "
                    + CATCH_UP_AFTER_COPY.toSeconds() + " s: bulwark replicate status shows the lag");
        }
    }

    /** Tables of the subscription that are not yet {@code r} (ready). */
    static List<String> notReady(Connection subscriber) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = subscriber.prepareStatement("SELECT sr.srrelid::regclass::text, sr.srsubstate"
                + " FROM pg_catalog.pg_subscription_rel sr JOIN pg_catalog.pg_subscription s ON s.oid = sr.srsubid"
                + " WHERE s.subname = ? AND sr.srsubstate <> 'r' ORDER BY 1")) {
            ps.setString(1, SUBSCRIPTION);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + ReplicationStatus.tableState(rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** Waits until the subscriber confirmed (applied and flushed) the publisher's WAL up to {@code lsn}. */
    private static boolean caughtUp(Connection publisher, String lsn, Duration timeout) throws SQLException {
        return caughtUp(publisher, lsn, timeout, false);
    }

    /**
     * @param streaming also require the slot active: a subscriber's apply worker connected to it. A slot created by
     *                  {@link SlotSnapshot} has confirmed its own start position before any worker runs, and the
     *                  launcher may start that worker only seconds later (wal_retrieve_retry_interval, 5 s by default)
     */
    private static boolean caughtUp(Connection publisher, String lsn, Duration timeout, boolean streaming) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement ps = publisher.prepareStatement("SELECT confirmed_flush_lsn >= ?::pg_lsn"
                + (streaming ? " AND active" : "") + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, lsn);
            ps.setString(2, SUBSCRIPTION);
            do {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return true;
                    }
                }
                sleep(10);
            } while (System.nanoTime() < deadline);
        }
        return false;
    }

    /** Every sequence of the destination set to the source's value (is_called, so the next value is past it). */
    static int copySequences(Connection src, Connection dst) throws SQLException {
        int n = 0;
        try (Statement s = src.createStatement(); ResultSet rs = s.executeQuery("SELECT schemaname, sequencename, last_value"
                + " FROM pg_catalog.pg_sequences WHERE last_value IS NOT NULL AND schemaname NOT IN ('"
                + OwnObjects.REPLICATE_SCHEMA + "', '" + OwnObjects.SNAPSHOT_SCHEMA + "')")) {
            while (rs.next()) {
                String seq = Identifiers.qualified(rs.getString(1), rs.getString(2));
                try (PreparedStatement ps = dst.prepareStatement("SELECT pg_catalog.setval(pg_catalog.to_regclass(?), ?, true)"
                        + " WHERE pg_catalog.to_regclass(?) IS NOT NULL")) {
                    ps.setString(1, seq);
                    ps.setLong(2, rs.getLong(3));
                    ps.setString(3, seq);
                    try (ResultSet r2 = ps.executeQuery()) {
                        n += r2.next() ? 1 : 0;
                    }
                }
            }
        }
        return n;
    }

    /** Fingerprints of every replicated table on both sides, compared chunk by chunk; the differences, or none. */
    static List<String> compare(List<String> tables, ConnectionSpec a, ConnectionSpec b, long chunkRows) throws SQLException {
        try (Connection ca = open(a); Connection cb = open(b)) {
            repeatableRead(ca, cb);
            Set<String> chosen = Set.copyOf(tables);
            CatalogSnapshot catA = only(new CatalogReader(ca).read(), chosen);
            CatalogSnapshot catB = only(new CatalogReader(cb).read(), chosen);
            // while fenced (when the comparison before the fence was not usable): over as many connections as the others
            DataSnapshot snapA = fingerprinter(ca, a, chunkRows).snapshot(catA);
            Fingerprinter fb = fingerprinter(cb, b, chunkRows);
            DataComparison cmp = new DataComparer(fb).compare(snapA, catB, t -> null);
            ca.commit();
            cb.commit();
            return differences(cmp);
        }
    }

    private static List<String> differences(DataComparison cmp) {
        List<String> out = new ArrayList<>();
        for (DataComparison.TableComparison t : cmp.tables()) {
            if (t.status() != DataComparison.TableComparison.Status.IDENTICAL) {
                out.add(t.table() + ": " + t.status().label() + " (" + t.rowsBefore() + " rows on the primary, "
                        + t.rowsAfter() + " on the other side)" + (t.chunks().isEmpty() ? ""
                        : ": " + t.chunks().get(0).describe(t.keyColumn())));
            }
        }
        return out;
    }

    /**
     * The comparison before the fence: each side's full fingerprint in one snapshot, with the
     * horizon of that snapshot (to find what was written since), and the chunks that differed.
     */
    record PreFence(DataSnapshot primary, String primaryHorizon, List<TableFingerprint> follower, String followerHorizon,
                    Map<TableRef, Set<Long>> differing, long ms) {
        int differingChunks() {
            return differing.values().stream().mapToInt(Set::size).sum();
        }
    }

    /** Over {@link Fingerprinter#defaultJobs()} connections to {@code spec} sharing {@code c}'s snapshot (c: REPEATABLE READ). */
    private static Fingerprinter fingerprinter(Connection c, ConnectionSpec spec, long chunkRows) {
        return new Fingerprinter(c, chunkRows, () -> open(spec), Fingerprinter.defaultJobs());
    }

    private static void repeatableRead(Connection... cs) throws SQLException {
        for (Connection c : cs) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
        }
    }

    /**
     * Read-only, before the fence: fingerprints the primary (a), waits until the follower (b) has
     * applied the primary's WAL up to that snapshot, then fingerprints the follower with the same
     * chunks. Chunks written in between differ; they and any divergence are compared again while
     * fenced. Null when it could not be done (the fenced step then compares everything).
     */
    PreFence preCompare(List<String> tables, ConnectionSpec a, ConnectionSpec b, Connection publisher, long chunkRows,
                        Duration catchUp) {
        long t0 = System.nanoTime();
        try (Connection ca = open(a); Connection cb = open(b)) {
            repeatableRead(ca, cb);
            Set<String> chosen = Set.copyOf(tables);
            // the first statement takes the snapshot: every commit it sees is at or before this LSN
            String lsn = ReplicationChecks.string(ca, "SELECT pg_catalog.pg_current_wal_lsn()::text");
            CatalogSnapshot catA = only(new CatalogReader(ca).read(), chosen);
            Fingerprinter fa = fingerprinter(ca, a, chunkRows);
            String horizonA = fa.transactionHorizon();
            DataSnapshot snapA = fa.snapshot(catA);
            ca.commit();
            caughtUp(publisher, lsn, catchUp); // not caught up: more chunks differ, and are compared while fenced
            CatalogSnapshot catB = only(new CatalogReader(cb).read(), chosen);
            Fingerprinter fb = fingerprinter(cb, b, chunkRows);
            String horizonB = fb.transactionHorizon();
            fb.pinSettings();
            fb.useAlgorithm(snapA.algorithm());
            List<TableFingerprint> follower = fb.fingerprintAll(targets(snapA.tables(), catB));
            cb.commit();
            Map<TableRef, Set<Long>> differing = new LinkedHashMap<>();
            for (int i = 0; i < follower.size(); i++) {
                TableFingerprint x = snapA.tables().get(i);
                if (x.chunking() == null) {
                    continue; // compared whole while fenced anyway
                }
                Map<Long, TableFingerprint.Chunk> byIndex = new TreeMap<>();
                follower.get(i).chunks().forEach(c -> byIndex.put(c.index(), c));
                Set<Long> diff = new TreeSet<>();
                for (TableFingerprint.Chunk c : x.chunks()) {
                    TableFingerprint.Chunk y = byIndex.remove(c.index());
                    if (y == null || y.rows() != c.rows() || !y.hash().equals(c.hash())) {
                        diff.add(c.index());
                    }
                }
                diff.addAll(byIndex.keySet());
                if (!diff.isEmpty()) {
                    differing.put(x.table(), diff);
                }
            }
            return new PreFence(snapA, horizonA, follower, horizonB, differing, (System.nanoTime() - t0) / 1_000_000);
        } catch (SQLException | RuntimeException e) {
            out.accept("fingerprints before the fence failed (" + Masking.mask(String.valueOf(e.getMessage())) + ")");
            return null;
        }
    }

    /** Targets with the snapshot's columns and chunks, read as {@code cat} says (partitioned or not). */
    private static List<Fingerprinter.Target> targets(List<TableFingerprint> tables, CatalogSnapshot cat) {
        List<Fingerprinter.Target> out = new ArrayList<>();
        for (TableFingerprint t : tables) {
            boolean partitioned = cat.table(t.table()).map(CatalogSnapshot.Table::isPartitioned).orElse(false);
            out.add(new Fingerprinter.Target(t.table(), t.columns(), t.chunking(), partitioned));
        }
        return out;
    }

    /**
     * While fenced, after the follower caught up: compares only the chunks written since the
     * pre-fence snapshots on either side (inserts, updates by xmin; deletes by row count) and
     * those that differed before the fence; tables without chunks are compared whole. Both sides
     * fingerprint those chunks afresh. {@code compared[0]}: how many chunks (and whole tables).
     */
    static List<String> compareSince(PreFence p, ConnectionSpec a, ConnectionSpec b, long chunkRows, int[] compared)
            throws SQLException {
        try (Connection ca = open(a); Connection cb = open(b)) {
            repeatableRead(ca, cb);
            Set<String> chosen = p.primary().tables().stream().map(t -> t.table().toString()).collect(Collectors.toSet());
            CatalogSnapshot catA = only(new CatalogReader(ca).read(), chosen);
            CatalogSnapshot catB = only(new CatalogReader(cb).read(), chosen);
            Fingerprinter fa = fingerprinter(ca, a, chunkRows);
            Fingerprinter fb = fingerprinter(cb, b, chunkRows);
            fa.pinSettings();
            fa.useAlgorithm(p.primary().algorithm());
            List<Fingerprinter.Target> onA = targets(p.primary().tables(), catA);
            List<Fingerprinter.Target> onB = targets(p.primary().tables(), catB);
            List<String> out = new ArrayList<>();
            Map<TableRef, Set<Long>> only = new LinkedHashMap<>();
            List<TableFingerprint> fresh = new ArrayList<>();
            for (int i = 0; i < onA.size(); i++) {
                Fingerprinter.Target ta = onA.get(i);
                if (catA.table(ta.table()).isEmpty()) {
                    out.add(ta.table() + ": no longer exists on the primary");
                    continue;
                }
                if (ta.chunking() == null) {
                    only.put(ta.table(), Set.of());
                    fresh.add(fa.fingerprintChunks(ta, Set.of()));
                    compared[0]++;
                    continue;
                }
                Set<Long> chunks = new TreeSet<>(p.differing().getOrDefault(ta.table(), Set.of()));
                chunks.addAll(fa.chunksWrittenSince(ta, p.primary().tables().get(i), p.primaryHorizon()));
                if (catB.table(ta.table()).isPresent()) {
                    chunks.addAll(fb.chunksWrittenSince(onB.get(i), p.follower().get(i), p.followerHorizon()));
                }
                if (!chunks.isEmpty()) {
                    only.put(ta.table(), chunks);
                    fresh.add(fa.fingerprintChunks(ta, chunks));
                    compared[0] += chunks.size();
                }
            }
            DataSnapshot now = new DataSnapshot(DataSnapshot.FORMAT, catA.serverVersion(), Instant.now(), fa.knownAnswer(),
                    p.primary().algorithm(), fresh);
            DataComparison cmp = new DataComparer(fb).compare(now, catB, t -> null, only);
            ca.commit();
            cb.commit();
            out.addAll(differences(cmp));
            return out;
        }
    }

    private static CatalogSnapshot only(CatalogSnapshot w, Set<String> tables) {
        return new CatalogSnapshot(w.serverVersion(), w.takenAt(), w.schemaFilter(), w.schemas(),
                w.tables().stream().filter(t -> tables.contains(t.ref().toString())).toList(),
                w.constraints(), w.indexes(), w.sequences(), w.views(), w.functions(), w.triggers(), w.enums(), w.extensions());
    }

    private int runCommand(String command, Path dir, String to) {
        out.accept("switch command: " + Masking.mask(command));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("BULWARK_NEW_PRIMARY", spec(to).masked());
        pb.environment().put("BULWARK_NEW_PRIMARY_SIDE", to);
        try {
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.accept("  | " + Masking.mask(line));
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            out.accept("switch command: cannot run: " + e.getMessage());
            return 127;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Turns replication around: src stops publishing to dst, dst publishes to src. Each step checks first, so a rerun redoes only what is missing. */
    private void reverse(Connection src, Connection dst, String from, String to) throws SQLException {
        if (exists(dst, "SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = ?", SUBSCRIPTION)) {
            try (Statement s = dst.createStatement()) {
                s.execute("DROP SUBSCRIPTION " + SUBSCRIPTION); // drops its slot on src too
            }
        }
        dropOrphanSlot(src);
        CrashPoint.here("replicate.switch.old-subscription.dropped");
        if (exists(src, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?", PUBLICATION)) {
            try (Statement s = src.createStatement()) {
                s.execute("DROP PUBLICATION " + PUBLICATION);
            }
        }
        if (!exists(dst, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?", PUBLICATION)) {
            createPublication(dst, state(src, dst).map(ReplicationState::tables).orElseThrow());
        }
        CrashPoint.here("replicate.switch.publication.created");
        if (!exists(src, "SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = ?", SUBSCRIPTION)) {
            dropOrphanSlot(dst);
            createSubscription(src, spec(to), false, true);
        }
    }

    /** A table as {@link TableRef#toString()} wrote it: {@code schema.name}, each part bare or double-quoted. */
    static TableRef ref(String display) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < display.length(); i++) {
            char ch = display.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < display.length() && display.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == '.' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        parts.add(cur.toString());
        if (parts.size() != 2) {
            throw new IllegalArgumentException("not schema.table: " + display);
        }
        return new TableRef(parts.get(0), parts.get(1));
    }

    // ---------------------------------------------------------------- stop

    /** What stop removed, by side. */
    public record StopResult(List<String> removed, List<String> readOnly) {
    }

    public StopResult stop() {
        List<String> removed = new ArrayList<>();
        List<String> readOnly = new ArrayList<>();
        try (Connection b = open(blue); Connection g = open(green)) {
            for (String side : List.of("blue", "green")) {
                Connection c = "blue".equals(side) ? b : g;
                if (exists(c, "SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = ?", SUBSCRIPTION)) {
                    try (Statement s = c.createStatement()) {
                        s.execute("DROP SUBSCRIPTION " + SUBSCRIPTION);
                    }
                    removed.add(side + ": subscription " + SUBSCRIPTION + " (and its slot on the other side)");
                }
            }
            CrashPoint.here("replicate.stop.subscriptions.dropped");
            for (String side : List.of("blue", "green")) {
                Connection c = "blue".equals(side) ? b : g;
                if (exists(c, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?", PUBLICATION)) {
                    try (Statement s = c.createStatement()) {
                        s.execute("DROP PUBLICATION " + PUBLICATION);
                    }
                    removed.add(side + ": publication " + PUBLICATION);
                }
                if (ReplicationSlot.read(c).isPresent()) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
                        ps.setString(1, SUBSCRIPTION);
                        ps.execute();
                    }
                    removed.add(side + ": replication slot " + SUBSCRIPTION);
                }
                if (fenced(c)) {
                    readOnly.add(side);
                }
            }
            CrashPoint.here("replicate.stop.publications.dropped");
            ReplicationState.drop(b);
            ReplicationState.drop(g);
            return new StopResult(removed, readOnly);
        } catch (SQLException e) {
            throw failure("replicate stop", e, "fix the cause and run replicate stop again: it removes what is left");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private BulwarkException failure(String what, SQLException e, String fix) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s+", " ").trim();
        return new BulwarkException(ErrorCode.DATABASE, what + " (" + blue.masked() + " -> " + green.masked() + ") failed: "
                + Masking.mask(msg), fix, e);
    }

    /** {@code b} bytes for a person: B, kB or MB. */
    public static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f kB", b / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", b / 1024.0 / 1024.0);
    }

    private static long ms(Duration d) {
        return d.toMillis();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException(ErrorCode.DATABASE, "interrupted", "run the same command again");
        }
    }
}
