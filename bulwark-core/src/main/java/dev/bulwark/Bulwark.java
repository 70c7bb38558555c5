package dev.bulwark;

import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.execute.MigrateResult;
import dev.bulwark.execute.Migrator;
import dev.bulwark.fingerprint.DataComparer;
import dev.bulwark.fingerprint.DataComparison;
import dev.bulwark.fingerprint.DataSnapshot;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Embedded;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.verify.ExpectedChanges;
import dev.bulwark.verify.Finding;
import dev.bulwark.verify.VerifyOptions;
import dev.bulwark.verify.VerifyResult;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The library's entry point: one method per operation, on one target database. Open it with a
 * connection, or with none to use the project's embedded PostgreSQL, and close it when done
 * (which stops the embedded server if this process started it).
 */
public final class Bulwark implements AutoCloseable, dev.bulwark.deploy.DeployTarget {
    public static final String APPLICATION_NAME = "bulwark";

    private final BulwarkConfig config;
    private final ConnectionSpec target;
    private final Embedded embedded;
    private final Listener listener;
    private MigrationSet migrations;
    private Connection work;
    private Connection monitor;
    private volatile Migrator migrator;
    /** this process's run: every session that applies migrations carries it in application_name */
    private final String runId = dev.bulwark.execute.RunSessions.newRunId();

    private Bulwark(BulwarkConfig config, ConnectionSpec target, Embedded embedded, Listener listener) {
        this.config = config;
        this.target = target;
        this.embedded = embedded;
        this.listener = listener;
    }

    /**
     * @param target the database, or null for the project's embedded PostgreSQL (started if needed)
     */
    public static Bulwark open(BulwarkConfig config, ConnectionSpec target, Listener listener) {
        if (target != null) {
            return new Bulwark(config, target, null, listener);
        }
        Embedded server = Embedded.open(config.projectDir());
        return new Bulwark(config, server.connection(), server, listener);
    }

    @Override
    public BulwarkConfig config() {
        return config;
    }

    /** The target, password masked, for messages. */
    @Override
    public String targetDescription() {
        return target.masked() + (embedded != null ? " (embedded, " + config.projectDir().relativize(
                config.projectDir().resolve(".bulwark/pgdata")) + ")" : "");
    }

    /** The target's connection settings (they hold the password: never print them, use {@link #targetDescription}). */
    @Override
    public ConnectionSpec target() {
        return target;
    }

    @Override
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The migrations of the configured directory, read once. */
    @Override
    public synchronized MigrationSet migrations() {
        if (migrations == null) {
            migrations = MigrationSources.read(config.migrationsDir(), config.format());
        }
        return migrations;
    }

    private synchronized Migrator migrator() {
        if (migrator == null) {
            MigrationSet set = migrations();
            if (set.format() == dev.bulwark.migration.MigrationFormat.ALEMBIC) {
                // The statements read from versions/*.py are a static approximation for lint, not what alembic runs.
                throw BulwarkException.usage("Bulwark reads Alembic migrations to lint them, but does not apply them",
                        "apply them with `alembic upgrade head`; lint them with `bulwark lint`");
            }
            String history = new dev.bulwark.history.HistoryTable(config.historySchema()).qualifiedName();
            work = target.open(dev.bulwark.execute.RunSessions.applicationName(history, runId));
            monitor = target.open(dev.bulwark.execute.RunSessions.lockApplicationName(history, runId));
            migrator = new Migrator(config, work, monitor, set, listener, runId);
            migrator.onUncertainStep(uncertainStep);
            migrator.allowContractPhase(allowContract);
        }
        return migrator;
    }

    private volatile boolean allowContract;

    /**
     * Lets migrate (and deploy's apply stage) run {@code -- bulwark:phase contract} migrations; by
     * default they stop before the first one ({@link MigrateResult#barrier()}).
     */
    @Override
    public boolean contractPhaseAllowed() {
        return allowContract;
    }

    public void allowContractPhase(boolean allow) {
        this.allowContract = allow;
        Migrator m = migrator;
        if (m != null) {
            m.allowContractPhase(allow);
        }
    }

    private volatile Migrator.UncertainStepResolver uncertainStep;

    /**
     * Who decides, on a resume, about a statement a killed run was executing whose effect the
     * catalog cannot show (without one, migrate and rollback stop there and say how to decide).
     */
    public void onUncertainStep(Migrator.UncertainStepResolver resolver) {
        this.uncertainStep = resolver;
        Migrator m = migrator;
        if (m != null) {
            m.onUncertainStep(resolver);
        }
    }

    @Override
    public List<MigrationStatus> status() {
        return migrator().status();
    }

    public List<HistoryEntry> history() {
        return migrator().history();
    }

    @Override
    public MigrateResult migrate(String to, boolean dryRun, boolean allowOutOfOrder) {
        return migrator().migrate(to, dryRun, allowOutOfOrder);
    }

    @Override
    public MigrateResult rollback(Integer steps, String to, boolean dryRun) {
        return migrator().rollback(steps, to, dryRun);
    }

    public void baseline(String version, String description) {
        migrator().baseline(version, description);
    }

    public List<Migrator.RepairAction> planRepair() {
        return migrator().planRepair();
    }

    public void repair(List<Migrator.RepairAction> actions) {
        migrator().repair(actions);
    }

    /** The schema of the target, read in one read-only transaction. */
    public CatalogSnapshot catalog(List<String> schemas) {
        try (Connection c = target.open(APPLICATION_NAME + "-verify")) {
            return readOnly(c, () -> new CatalogReader(c).read(schemas));
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "reading the catalog of " + target.masked() + " failed: "
                    + e.getMessage(), null, e);
        }
    }

    /**
     * Schema and data integrity, invariants and the cascade report; with {@code compareWith}, also
     * the data compared with that snapshot, where tables changed by migrations applied since the
     * snapshot (their statements and {@code -- bulwark:expect-change} lines) or named in
     * {@code expectChange} count as expected.
     */
    public VerifyResult verify(VerifyOptions options, DataSnapshot compareWith, List<String> expectChange) {
        return verify(options, compareWith, expectChange, Fingerprinter.defaultJobs());
    }

    /** {@link #verify(VerifyOptions, DataSnapshot, List)}, fingerprinting over {@code jobs} connections in one snapshot. */
    public VerifyResult verify(VerifyOptions options, DataSnapshot compareWith, List<String> expectChange, int jobs) {
        ExpectedChanges expected = compareWith == null ? ExpectedChanges.none()
                : ExpectedChanges.of(orderedMigrations(), migrationsAppliedSince(compareWith.takenAt()).stream()
                        .map(Migration::id).collect(java.util.stream.Collectors.toSet()), expectChange);
        try (Connection c = target.open(APPLICATION_NAME + "-verify")) {
            VerifyResult result = new dev.bulwark.verify.Verifier(c, options).run(target.masked());
            if (compareWith == null) {
                return result;
            }
            DataComparison comparison = readOnly(c, () -> new DataComparer(new Fingerprinter(c, Fingerprinter.DEFAULT_CHUNK_ROWS,
                            () -> target.open(APPLICATION_NAME + "-verify"), jobs))
                    .compare(compareWith, new CatalogReader(c).read(options.schemas()), expected::why));
            List<Finding> lost = dev.bulwark.verify.Verifier.findings(comparison);
            return result.withComparison(comparison, lost);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "verify on " + target.masked() + " failed: " + e.getMessage(), null, e);
        }
    }

    /** Row counts and fingerprints of every table, for a later {@link #verify} comparison. */
    public DataSnapshot snapshotData(List<String> schemas, long chunkRows) {
        return snapshotData(schemas, chunkRows, Fingerprinter.defaultJobs());
    }

    /**
     * {@link #snapshotData(List, long)} over {@code jobs} connections, which share one snapshot
     * (pg_export_snapshot): the fingerprints are those of one instant however the work is split.
     */
    public DataSnapshot snapshotData(List<String> schemas, long chunkRows, int jobs) {
        try (Connection c = target.open(APPLICATION_NAME + "-verify")) {
            return readOnly(c, () -> new Fingerprinter(c, chunkRows, () -> target.open(APPLICATION_NAME + "-verify"), jobs)
                    .snapshot(new CatalogReader(c).read(schemas)));
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "snapshot of " + target.masked() + " failed: " + e.getMessage(), null, e);
        }
    }

    /** Migrations whose latest successful apply started at or after {@code since}; none when there is no history. */
    /** Every migration of the set in order, or none when it cannot be read (verify then expects only what was declared). */
    private List<Migration> orderedMigrations() {
        try {
            return Files.isDirectory(config.migrationsDir()) ? migrations().migrations() : List.of();
        } catch (BulwarkException e) {
            return List.of();
        }
    }

    private List<Migration> migrationsAppliedSince(java.time.Instant since) {
        if (!Files.isDirectory(config.migrationsDir())) {
            return List.of();
        }
        List<Migration> out = new ArrayList<>();
        try {
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (HistoryEntry h : history()) {
                if (h.status() == HistoryEntry.Status.SUCCESS && h.startedAt() != null && !h.startedAt().isBefore(since)
                        && (h.kind() == HistoryEntry.Kind.VERSIONED || h.kind() == HistoryEntry.Kind.REPEATABLE)) {
                    ids.add(h.version());
                }
            }
            for (Migration m : migrations().migrations()) {
                if (ids.contains(m.id())) {
                    out.add(m);
                }
            }
        } catch (BulwarkException e) {
            listener.warn("warning: cannot tell which migrations ran since the snapshot (" + e.getMessage()
                    + "); only --expect-change tables count as expected");
        }
        return out;
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one REPEATABLE READ, READ ONLY transaction, rolled back afterwards. */
    private static <T> T readOnly(Connection c, SqlWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            // never queue indefinitely behind a migration's exclusive lock (and stall what queues behind us)
            s.execute("SET LOCAL lock_timeout = '" + VerifyOptions.DEFAULT_LOCK_WAIT.toMillis() + "ms'");
            return work.run();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /**
     * Rehearses every migration on a throwaway database created on this target's server
     * (for the embedded default: the embedded server), then drops it.
     *
     * @param sampleRows rows to insert into each table a migration creates (0: none)
     */
    public dev.bulwark.rehearse.RehearsalResult rehearse(int sampleRows) {
        return rehearse(sampleRows, null);
    }

    /** @param live the real target, read only for its table sizes, or null */
    public dev.bulwark.rehearse.RehearsalResult rehearse(int sampleRows, ConnectionSpec live) {
        return rehearse(sampleRows, live, null);
    }

    /**
     * @param live       the real target, read only for its table sizes, or null
     * @param schemaFrom a database whose schema the scratch database starts from (only its pending
     *                   migrations are rehearsed), or null to start empty and rehearse every migration
     */
    public dev.bulwark.rehearse.RehearsalResult rehearse(int sampleRows, ConnectionSpec live, ConnectionSpec schemaFrom) {
        // read leniently, as lint and audit do: what cannot be read is reported, the rest is rehearsed
        MigrationSet set = MigrationSources.readLenient(config.migrationsDir(), config.format());
        dev.bulwark.rehearse.Rehearsal r = new dev.bulwark.rehearse.Rehearsal(set, target, config.projectDir(), sampleRows, listener)
                .withLiveSizes(live == null ? dev.bulwark.catalog.LiveSizes.NONE : dev.bulwark.catalog.LiveSizes.read(live));
        if (schemaFrom != null) {
            java.util.Set<String> applied = new java.util.HashSet<>();
            try (Bulwark source = Bulwark.open(config, schemaFrom, Listener.SILENT)) {
                source.status().stream().filter(x -> x.state().isApplied()).forEach(x -> applied.add(x.id()));
            }
            r.withSchemaFrom(schemaFrom, applied);
        }
        return r.run().withLayout(set.problems());
    }

    /**
     * Runs every preflight check ({@code bulwark check}) and reports them all.
     *
     * @param backups the project's backups (for the recent-backup check), or null
     */
    public dev.bulwark.deploy.CheckResult.Report check(dev.bulwark.deploy.DeploySettings settings, dev.bulwark.backup.Backups backups) {
        return new dev.bulwark.deploy.Preflight(this, settings, backups).run();
    }

    /**
     * Deploys the pending migrations ({@code bulwark deploy}): preflight, backup, snapshots,
     * apply, verify, health; rollback on failure. The report's exit code says how it ended.
     */
    public dev.bulwark.deploy.DeployReport deploy(dev.bulwark.deploy.DeploySettings settings, dev.bulwark.backup.Backups backups,
                                                  dev.bulwark.deploy.Deployer.Options options) {
        return new dev.bulwark.deploy.Deployer(this, settings, backups, options, listener).run();
    }

    /** Cancels the statement running now (for Ctrl-C): its transaction rolls back and releases its locks. */
    @Override
    public void cancel() {
        Migrator m = migrator;
        if (m != null) {
            m.cancel();
        }
        dev.bulwark.backfill.Backfiller f = backfiller;
        if (f != null) {
            f.stop();
        }
    }

    private volatile dev.bulwark.backfill.Backfiller backfiller;

    /**
     * Runs (or resumes) a backfill on the target: the UPDATE in key-range batches, each committed with
     * its progress, paced by {@code options}. Its session carries this run's id, lock_timeout and
     * statement_timeout like a migration's.
     */
    public dev.bulwark.backfill.BackfillResult backfill(dev.bulwark.backfill.BackfillStatement statement,
                                                        dev.bulwark.backfill.BackfillOptions options,
                                                        dev.bulwark.backfill.BackfillProgress progress) {
        String history = new dev.bulwark.history.HistoryTable(config.historySchema()).qualifiedName();
        try (Connection c = target.open(dev.bulwark.execute.RunSessions.applicationName(history, runId))) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = '" + dev.bulwark.Durations.toSetting(config.lockTimeout()) + "'");
                st.execute("SET statement_timeout = '" + dev.bulwark.Durations.toSetting(config.statementTimeout()) + "'");
                if (c.getMetaData().getDatabaseMajorVersion() >= 14) {
                    st.execute("SET client_connection_check_interval = '1s'");
                }
            }
            dev.bulwark.backfill.Backfiller f = new dev.bulwark.backfill.Backfiller(c, config.historySchema(), options, listener, progress);
            backfiller = f;
            try {
                return f.run(statement, dev.bulwark.backfill.Backfiller.jobFor(statement), options.restart());
            } finally {
                backfiller = null;
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            if (state.startsWith("08") || state.startsWith("57P")) {
                throw new BulwarkException(ErrorCode.DATABASE, "backfill on " + target.masked() + " lost its connection: " + msg,
                        "run the same backfill again when the server is back: it resumes after the last committed batch", e);
            }
            throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "backfill of " + statement.tableSql() + " failed: " + msg
                    + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")") + "; the batch rolled back, the batches before it stay done",
                    "fix the cause and run the same backfill again: it resumes after the last committed batch", e);
        }
    }

    /**
     * Closes this instance's sessions on the target (a full restore needs the database to
     * itself); the next operation opens new ones. The embedded server keeps running.
     */
    @Override
    public synchronized void releaseConnections() {
        closeSessions();
        work = null;
        monitor = null;
        migrator = null;
        migrations = null;
    }

    @Override
    public synchronized void close() {
        closeSessions();
        if (embedded != null) {
            embedded.close();
        }
    }

    private void closeSessions() {
        for (Connection c : new Connection[]{work, monitor}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing; the server cleans up the session
                }
            }
        }
    }
}
