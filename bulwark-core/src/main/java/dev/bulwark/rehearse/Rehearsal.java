package dev.bulwark.rehearse;

import dev.bulwark.catalog.LiveSizes;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.CatalogDiff;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.fingerprint.TableFingerprint;
import dev.bulwark.copy.Copier;
import dev.bulwark.copy.CopyListener;
import dev.bulwark.copy.CopyOptions;
import dev.bulwark.Listener;
import dev.bulwark.execute.Step;
import dev.bulwark.execute.StepPlanner;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintConfig;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.Linter;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.Script;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.rehearse.RehearsalResult.MigrationRehearsal;
import dev.bulwark.rehearse.RehearsalResult.RoundTrip;
import dev.bulwark.rehearse.RehearsalResult.RoundTrip.Outcome;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.trace.StatementTrace;
import dev.bulwark.trace.StatementTracer;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bulwark test}: replays every migration on a throwaway database, statement by statement,
 * recording what PostgreSQL really does (locks, rewrites, scans), then checks each migration's
 * round trip: up → down must restore the catalog, up again must reproduce it, and the down must
 * not destroy what the up did not create. The scratch database is always dropped, also when the
 * run fails or the JVM is interrupted.
 */
public final class Rehearsal {
    private final MigrationSet set;
    private final ConnectionSpec server;
    private final Path projectDir;
    private final int sampleRows;
    private final Listener out;
    private LiveSizes live = LiveSizes.NONE;

    /**
     * @param server     any database on the server to rehearse on; the scratch database is created beside it
     * @param sampleRows rows to insert into each table a migration creates, so downs that delete data show
     */
    public Rehearsal(MigrationSet set, ConnectionSpec server, Path projectDir, int sampleRows, Listener out) {
        if (sampleRows < 0) {
            throw BulwarkException.usage("--sample-rows must be 0 or more, was " + sampleRows, "give a count such as 10");
        }
        this.set = set;
        this.server = server;
        this.projectDir = projectDir;
        this.sampleRows = sampleRows;
        this.out = out;
    }

    private ConnectionSpec schemaSource;
    private java.util.Set<String> alreadyApplied = java.util.Set.of();

    /**
     * Starts the scratch database from the target's schema (a schema-only copy: pg_dump's pre-data
     * section when a compatible pg_dump exists, else generated from the catalog) and rehearses only
     * the migrations the target has not applied.
     */
    public Rehearsal withSchemaFrom(ConnectionSpec source, java.util.Set<String> appliedIds) {
        this.schemaSource = source;
        this.alreadyApplied = java.util.Set.copyOf(appliedIds);
        return this;
    }

    /** Joins the traced locks with the real target's sizes in the report. */
    public Rehearsal withLiveSizes(LiveSizes sizes) {
        this.live = sizes;
        return this;
    }

    public RehearsalResult run() {
        long t0 = System.nanoTime();
        current = null;
        // the static analysis, to hold its lock and rewrite predictions against what the server does
        Linter linter = Linter.standard(LintConfig.load(projectDir).options());
        lint = linter.lint(set, projectDir);
        analysis = linter.analyze(set);
        // parse everything first: a syntax error is reported before anything is created
        Map<Migration, List<Statement>> ups = new HashMap<>();
        Map<Migration, List<Statement>> downs = new HashMap<>();
        for (Migration m : set.migrations()) {
            ups.put(m, split(m.up()));
            if (m.hasDown()) {
                downs.put(m, split(m.down()));
            }
        }
        String name = "bulwark_rehearsal_" + LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
                + "_" + Integer.toHexString(new SecureRandom().nextInt(0x10000));
        try (Scratch scratch = Scratch.create(server, name)) {
            if (schemaSource != null) {
                out.info("Copying the schema of " + schemaSource.masked() + " into scratch database " + name);
                new Copier(schemaSource, scratch.spec(), CopyOptions.defaults().withJobs(1).withSchemaOnly(true).withVerify(false), new CopyListener() {
                    @Override
                    public void warn(String line) {
                        out.warn("  " + line);
                    }
                }).run();
            }
            long pending = set.migrations().stream().filter(m -> !alreadyApplied.contains(m.id())).count();
            out.info("Rehearsing " + pending + " migrations in scratch database " + name
                    + (alreadyApplied.isEmpty() ? "" : " (" + alreadyApplied.size() + " already applied on the source)"));
            try (Connection c = scratch.spec().open("bulwark-test");
                 Connection fp = scratch.spec().open("bulwark-test-fingerprint")) {
                // fingerprints pin session settings (TimeZone, DateStyle…): on their own connection, never the migrations'
                fingerprints = new Fingerprinter(fp, Long.MAX_VALUE);
                fingerprints.pinSettings();
                StatementTracer tracer = new StatementTracer(c);
                String version = serverVersion(c);
                int major = Integer.parseInt(version.split("\\.")[0]);
                List<MigrationRehearsal> results = new ArrayList<>();
                boolean stopped = false;
                for (Migration m : set.migrations()) {
                    if (alreadyApplied.contains(m.id())) {
                        continue;
                    }
                    if (stopped) {
                        results.add(new MigrationRehearsal(m.id(), m.description(), rel(m.up().file()), List.of(), null, null, null,
                                List.of(), List.of(), "not rehearsed: an earlier migration failed"));
                        continue;
                    }
                    MigrationRehearsal r = withStaticChecks(rehearse(c, tracer, m, ups.get(m), downs.get(m), major), m);
                    results.add(r);
                    report(r);
                    // without a known state (the up failed, or the round trip could not restore the up) later results would mislead
                    stopped = r.failure() != null || current == null;
                }
                return new RehearsalResult(name, version, results, (System.nanoTime() - t0) / 1_000_000, live);
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "rehearsal failed on the scratch database: " + e.getMessage(), null, e);
        }
    }

    private List<Statement> split(Script s) {
        return SqlSplitter.split(s.sql(), rel(s.file()), s.firstLine());
    }

    private LintResult lint;
    private Linter.Analysis analysis;

    private MigrationRehearsal withStaticChecks(MigrationRehearsal r, Migration m) {
        List<Finding> mine = lint.findings().stream().filter(f -> m.id().equals(f.migration())).toList();
        List<StaticCheck> checks = StaticCheck.of(mine, analysis.statements(m), r.up());
        return new MigrationRehearsal(r.id(), r.description(), r.file(), r.up(), r.failure(), r.upDiff(), r.roundTrip(), r.findings(),
                checks, r.skipped());
    }

    /** The catalog as it is now, when known without reading it: the state the last migration left. */
    private CatalogSnapshot current;

    private MigrationRehearsal rehearse(Connection c, StatementTracer tracer, Migration m, List<Statement> up, List<Statement> down,
                                        int major) throws SQLException {
        CatalogSnapshot before = current != null ? current : catalog(c);
        current = null;
        Map<TableRef, TableFingerprint> dataBefore = down != null && !down.isEmpty() ? data(before) : Map.of();
        List<StatementTrace> upTrace = apply(c, tracer, up, m.options().transactional(), major, backfillLines(m.up()));
        StatementTrace failure = upTrace.stream().filter(StatementTrace::failed).findFirst().orElse(null);
        String file = rel(m.up().file());
        if (failure != null) {
            return new MigrationRehearsal(m.id(), m.description(), file, upTrace, failure, null, null, TraceFinding.of(upTrace),
                    List.of(), null);
        }
        CatalogSnapshot afterUp = catalog(c);
        CatalogDiff upDiff = CatalogDiff.between(before, afterUp);
        RoundTrip rt = roundTrip(c, tracer, m, up, down, major, before, afterUp, dataBefore);
        // after the round trip, which re-created this migration's tables empty
        seed(c, before, afterUp);
        return new MigrationRehearsal(m.id(), m.description(), file, upTrace, null, upDiff, rt, TraceFinding.of(upTrace), List.of(), null);
    }

    /**
     * up → down → up. Leaves the database as the up left it whenever the second up succeeds (so
     * later migrations are rehearsed on the right schema) and records that state in {@link #current}.
     */
    private RoundTrip roundTrip(Connection c, StatementTracer tracer, Migration m, List<Statement> up, List<Statement> down, int major,
                                CatalogSnapshot before, CatalogSnapshot afterUp, Map<TableRef, TableFingerprint> dataBefore)
            throws SQLException {
        if (down == null || down.isEmpty()) {
            current = afterUp;
            return new RoundTrip(Outcome.NO_DOWN, m.hasDown() ? "its down section is empty" : "it has no down", List.of(), null, null);
        }
        Map<TableRef, Long> rowsBeforeDown = rowCounts(c, before);
        List<StatementTrace> downTrace = apply(c, tracer, down, m.options().transactional(), major, backfillLines(m.down()));
        StatementTrace failed = downTrace.stream().filter(StatementTrace::failed).findFirst().orElse(null);
        if (failed != null) {
            // a transactional down rolled back: the database is as the up left it
            current = failed.transactional() && downTrace.stream().allMatch(StatementTrace::transactional) ? afterUp : null;
            return new RoundTrip(Outcome.DOWN_FAILED, failed.statement().position() + ": " + failed.error(), downTrace, null, null);
        }
        CatalogSnapshot afterDown = catalog(c);
        // a down must not destroy what existed before the up
        List<String> lost = new ArrayList<>();
        Set<TableRef> nowThere = new HashSet<>();
        afterDown.tables().forEach(t -> nowThere.add(t.ref()));
        for (var t : before.tables()) {
            if (!nowThere.contains(t.ref())) {
                lost.add("drops table " + t.ref() + ", which the up did not create");
            }
        }
        Map<TableRef, Long> rowsAfterDown = rowCounts(c, before);
        for (var e : rowsBeforeDown.entrySet()) {
            Long after = rowsAfterDown.get(e.getKey());
            if (e.getValue() > 0 && after != null && after == 0) {
                lost.add("deletes all " + e.getValue() + " rows of " + e.getKey() + ", which the up did not create");
            }
        }
        // the data of the tables that existed before the up must be as it was: same rows, same values
        if (lost.isEmpty()) {
            for (var e : dataBefore.entrySet()) {
                var table = afterDown.table(e.getKey()).orElse(null);
                if (table == null || !table.columns().stream().map(CatalogSnapshot.Column::name).toList().equals(e.getValue().columns())) {
                    continue; // gone or reshaped: the catalog comparison says so
                }
                TableFingerprint now = fingerprints.fingerprint(e.getKey(), e.getValue().columns(), null, table.isPartitioned());
                if (now.rows() != e.getValue().rows() || !now.hash().equals(e.getValue().hash())) {
                    lost.add("leaves the data of " + e.getKey() + " different from before the up (" + e.getValue().rows() + " rows before, "
                            + now.rows() + " after): what the up changed there is not restored");
                }
            }
        }
        CatalogDiff notReversed = CatalogDiff.between(before, afterDown);
        List<StatementTrace> again = apply(c, tracer, up, m.options().transactional(), major, backfillLines(m.up()));
        StatementTrace againFailed = again.stream().filter(StatementTrace::failed).findFirst().orElse(null);
        CatalogSnapshot afterAgain = againFailed == null ? catalog(c) : null;
        current = afterAgain;
        if (!lost.isEmpty()) {
            return new RoundTrip(Outcome.DATA_LOSS, String.join("; ", lost), downTrace, notReversed, null);
        }
        if (!notReversed.isEmpty()) {
            return new RoundTrip(Outcome.NOT_REVERSED, notReversed.changes().size() + " difference"
                    + (notReversed.changes().size() == 1 ? "" : "s") + " from before the up: " + first(notReversed), downTrace, notReversed, null);
        }
        if (againFailed != null) {
            return new RoundTrip(Outcome.REAPPLY_FAILED, againFailed.statement().position() + ": " + againFailed.error(), downTrace, null, null);
        }
        CatalogDiff reapply = CatalogDiff.between(afterUp, afterAgain);
        if (!reapply.isEmpty()) {
            return new RoundTrip(Outcome.REAPPLY_DIFFERS, first(reapply), downTrace, null, reapply);
        }
        return new RoundTrip(Outcome.PASSED, null, downTrace, null, null);
    }

    private static String first(CatalogDiff d) {
        return d.changes().get(0).toString() + (d.changes().size() > 1 ? " …" : "");
    }

    /**
     * Runs a script the way {@code migrate} would (transactional steps in a transaction, the
     * rest alone), tracing each statement. Stops at the first failure.
     */
    private List<StatementTrace> apply(Connection c, StatementTracer tracer, List<Statement> statements, boolean transactional,
                                       int major, java.util.SortedSet<Integer> backfillLines) throws SQLException {
        tracer.startMigration();
        List<StatementTrace> traces = new ArrayList<>();
        for (Step step : StepPlanner.plan(statements, transactional, major, backfillLines)) {
            if (step.isBackfill()) {
                StatementTrace t = backfill(c, step);
                traces.add(t);
                if (t.failed()) {
                    return traces;
                }
                continue;
            }
            if (step.transactional()) {
                c.setAutoCommit(false);
            }
            int i = step.first();
            for (Statement s : step.statements()) {
                StatementTrace t = step.transactional() ? tracer.traceInTransaction(s, i) : tracer.traceAutocommit(s, i);
                traces.add(t);
                i++;
                if (t.failed()) {
                    if (step.transactional()) {
                        c.rollback();
                        c.setAutoCommit(true);
                    }
                    return traces;
                }
            }
            if (step.transactional()) {
                c.commit();
                c.setAutoCommit(true);
            }
        }
        return traces;
    }

    private static java.util.SortedSet<Integer> backfillLines(dev.bulwark.migration.Script script) {
        return script == null ? java.util.Collections.emptySortedSet() : dev.bulwark.migration.Directives.backfillLines(script);
    }

    /** Where a rehearsed backfill keeps its progress row: dropped right after, so the catalog comparison never sees it. */
    private static final String BACKFILL_SCHEMA = "bulwark_rehearsal_backfill";

    /**
     * A {@code -- bulwark:backfill} step as migrate runs it: in batches, each its own transaction. Its
     * locks are row locks held per batch; the trace notes the batches and the longest of them.
     */
    private StatementTrace backfill(Connection c, Step step) {
        Statement s = step.statements().get(0);
        long t0 = System.nanoTime();
        try {
            dev.bulwark.backfill.BackfillOptions o = dev.bulwark.backfill.BackfillOptions.defaults(java.time.Duration.ofSeconds(30));
            o = new dev.bulwark.backfill.BackfillOptions(o.targetBatch(), o.firstBatchRows(), null, 0, null, 0, o.lockRetryBudget(),
                    o.pollInterval(), false, true);
            dev.bulwark.backfill.BackfillResult r = new dev.bulwark.backfill.Backfiller(c, BACKFILL_SCHEMA, o,
                    dev.bulwark.Listener.SILENT, null).run(step.backfill(), "rehearsal", true);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return new StatementTrace(s, step.first(), false, false, ms, List.of(), List.of(), List.of(), List.of(),
                    "ran as a backfill: " + r.rows() + " rows in " + r.batches() + " batch" + (r.batches() == 1 ? "" : "es")
                            + " by " + (r.mode().equals("range") ? "key ranges" : "keyset") + ", each its own transaction; the longest"
                            + " held its row locks " + r.longestBatchMs() + " ms", null);
        } catch (SQLException | dev.bulwark.BulwarkException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new StatementTrace(s, step.first(), false, false, 0, List.of(), List.of(), List.of(), List.of(), null, msg);
        } finally {
            try (java.sql.Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                st.execute("DROP SCHEMA IF EXISTS " + BACKFILL_SCHEMA + " CASCADE");
            } catch (SQLException ignored) {
                // a scratch database: what is left goes with it
            }
        }
    }

    /** Puts sample rows into the tables this migration created, so a down that deletes data shows it. */
    private void seed(Connection c, CatalogSnapshot before, CatalogSnapshot after) {
        if (sampleRows == 0) {
            return;
        }
        Set<TableRef> existed = new HashSet<>();
        before.tables().forEach(t -> existed.add(t.ref()));
        for (var t : after.tables()) {
            if (existed.contains(t.ref()) || t.isPartitioned()) {
                continue;
            }
            String sql = SampleRows.insert(after, t, sampleRows);
            if (sql == null) {
                continue;
            }
            try (java.sql.Statement st = c.createStatement()) {
                st.execute(sql);
            } catch (SQLException e) {
                out.warn("  could not insert sample rows into " + t.ref().sql() + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    private Fingerprinter fingerprints;

    /** Fingerprints of the tables that hold rows, over all their columns (only seeded tables have any). */
    private Map<TableRef, TableFingerprint> data(CatalogSnapshot snapshot) throws SQLException {
        Map<TableRef, TableFingerprint> out = new HashMap<>();
        if (sampleRows == 0) {
            return out;
        }
        for (var t : snapshot.tables()) {
            if (t.partitionOf() != null) {
                continue;
            }
            TableFingerprint f = fingerprints.fingerprint(t.ref(), t.columns().stream().map(CatalogSnapshot.Column::name).toList(),
                    null, t.isPartitioned());
            if (f.rows() > 0) {
                out.put(t.ref(), f);
            }
        }
        return out;
    }

    private static Map<TableRef, Long> rowCounts(Connection c, CatalogSnapshot snapshot) throws SQLException {
        Map<TableRef, Long> out = new HashMap<>();
        for (var t : snapshot.tables()) {
            try (java.sql.Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Identifiers.qualified(t.schema(), t.name()))) {
                rs.next();
                out.put(t.ref(), rs.getLong(1));
            } catch (SQLException e) {
                // the table may be gone; the catalog comparison reports that
            }
        }
        return out;
    }

    private static CatalogSnapshot catalog(Connection c) {
        return new CatalogReader(c).read();
    }

    private static String serverVersion(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1).split(" ")[0];
        }
    }

    private void report(MigrationRehearsal r) {
        StringBuilder b = new StringBuilder("  ").append(r.id()).append(' ').append(r.description()).append(": ");
        if (r.failure() != null) {
            b.append("FAILED at ").append(r.failure().statement().position());
        } else {
            b.append(r.up().size()).append(" statement").append(r.up().size() == 1 ? "" : "s");
            if (r.roundTrip() != null) {
                b.append(", round trip ").append(r.roundTrip().outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
            if (!r.findings().isEmpty()) {
                b.append(", ").append(r.findings().size()).append(" finding").append(r.findings().size() == 1 ? "" : "s");
            }
        }
        out.info(b.toString());
    }

    private String rel(Path p) {
        try {
            return projectDir.relativize(p.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }

    /** The throwaway database: dropped on close, and by a shutdown hook if the JVM is interrupted first. */
    private static final class Scratch implements AutoCloseable {
        private final ConnectionSpec server;
        private final String name;
        private final Thread hook;

        private Scratch(ConnectionSpec server, String name) {
            this.server = server;
            this.name = name;
            this.hook = new Thread(this::drop, "bulwark-drop-scratch");
        }

        static Scratch create(ConnectionSpec server, String name) {
            try (Connection c = server.open("bulwark-test"); java.sql.Statement s = c.createStatement()) {
                sweep(c);
                s.execute("CREATE DATABASE " + Identifiers.quote(name));
            } catch (SQLException e) {
                throw new BulwarkException(ErrorCode.DATABASE, "cannot create the scratch database " + name + " on "
                        + server.masked() + ": " + e.getMessage(), "the user needs CREATEDB; or pass --scratch-url", e);
            }
            Scratch s = new Scratch(server, name);
            Runtime.getRuntime().addShutdownHook(s.hook);
            return s;
        }

        ConnectionSpec spec() {
            return server.withDatabase(name);
        }

        private void drop() {
            try (Connection c = server.open("bulwark-test")) {
                dropDatabase(c, name);
            } catch (SQLException | BulwarkException e) {
                System.err.println("warning: could not drop scratch database " + name + ": " + e.getMessage()
                        + "; the next bulwark test on this server drops it");
            }
        }

        /** DROP … WITH (FORCE) exists from PostgreSQL 13; before that, end the sessions first. */
        private static void dropDatabase(Connection c, String db) throws SQLException {
            try (java.sql.Statement s = c.createStatement()) {
                if (c.getMetaData().getDatabaseMajorVersion() >= 13) {
                    s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(db) + " WITH (FORCE)");
                    return;
                }
                try (java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = ?")) {
                    ps.setString(1, db);
                    ps.execute();
                }
                s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(db));
            }
        }

        /** Scratch databases of runs that were killed (SIGKILL skips the shutdown hook), over an hour old and unused. */
        private static void sweep(Connection c) throws SQLException {
            String cutoff = LocalDateTime.now(ZoneOffset.UTC).minusHours(1).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
            List<String> stale = new ArrayList<>();
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT d.datname FROM pg_catalog.pg_database d "
                    + "WHERE d.datname ~ '^bulwark_rehearsal_[0-9]{14}_' AND substr(d.datname, 19, 14) < ? "
                    + "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.datname = d.datname)")) {
                ps.setString(1, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stale.add(rs.getString(1));
                    }
                }
            }
            for (String db : stale) {
                dropDatabase(c, db);
            }
        }

        @Override
        public void close() {
            drop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway; dropping twice is harmless
            }
        }
    }
}
