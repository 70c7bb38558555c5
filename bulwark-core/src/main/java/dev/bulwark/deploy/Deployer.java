package dev.bulwark.deploy;

import dev.bulwark.BulwarkException;
import dev.bulwark.CrashPoint;
import dev.bulwark.Durations;
import dev.bulwark.backup.BackupCipher;
import dev.bulwark.backup.Backups;
import dev.bulwark.backup.CurrentVersion;
import dev.bulwark.backup.PrivateFiles;
import dev.bulwark.catalog.CatalogDiff;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.FkLevels;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.deploy.DeployReport.Outcome;
import dev.bulwark.deploy.DeployReport.Stage;
import dev.bulwark.deploy.DeployReport.Status;
import dev.bulwark.execute.AdvisoryLock;
import dev.bulwark.Listener;
import dev.bulwark.execute.MigrateResult;
import dev.bulwark.fingerprint.DataComparer;
import dev.bulwark.fingerprint.DataComparison;
import dev.bulwark.fingerprint.DataSnapshot;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.fingerprint.TableFingerprint;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.history.HistoryTable;
import dev.bulwark.migration.Migration;
import dev.bulwark.pg.Masking;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.verify.ExpectedChanges;
import dev.bulwark.verify.Finding;
import dev.bulwark.verify.Verifier;
import dev.bulwark.verify.VerifyOptions;
import dev.bulwark.verify.VerifyResult;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * {@code bulwark deploy}: preflight → backup → snapshots → apply → verify → health → done, and
 * on any failure (or {@code max_duration}) a rollback — downs in reverse, snapshot restores, a
 * full restore from the backup only when allowed — followed by a second verification that
 * proves the database is back: schema equal and every table's fingerprint equal to the ones
 * taken before the deploy. Exit 0 deployed, 1 refused by preflight (nothing changed), 4 rolled
 * back and proven, 5 not rolled back (the report says what state it is in and what to do).
 */
public final class Deployer {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
    /**
     * Verify findings that fail a deploy: broken data or structure. Design findings (no primary
     * key, an unindexed foreign key, a duplicate index, a NOT VALID constraint added on purpose
     * as the first of two steps) are reported but do not roll a deploy back.
     */
    private static final Set<dev.bulwark.verify.Check> BLOCKING = java.util.EnumSet.of(dev.bulwark.verify.Check.INVALID_INDEX,
            dev.bulwark.verify.Check.SEQUENCE_BEHIND, dev.bulwark.verify.Check.ORPHAN_ROWS, dev.bulwark.verify.Check.CHECK_VIOLATION,
            dev.bulwark.verify.Check.DUPLICATE_KEYS, dev.bulwark.verify.Check.INVARIANT);
    /** History tables of Bulwark and the tools it writes for: their rows change by design. */
    private static final Set<String> HISTORY_TABLES = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(HistoryTable.NAME, Audit.NAME, DeployJournal.NAME), dev.bulwark.history.ToolHistory.TABLES.stream())
            .collect(Collectors.toUnmodifiableSet());

    /**
     * @param backup       take a backup before applying (without one, no full restore is possible)
     * @param backupKey    encrypt the backup with this key, or null
     * @param expectChange tables other sessions write during the deploy (or the plan changes without
     *                     saying so): their data is not compared
     * @param ignoreChecks preflight check ids whose failure does not stop the deploy
     * @param exec         another tool's migration command run as the apply stage, or null
     * @param execRollback that tool's command to undo it, or null (then only a full restore can)
     */
    public record Options(boolean backup, BackupCipher.Key backupKey, List<String> expectChange, Set<String> ignoreChecks,
                          String toolVersion, String exec, String execRollback) {
        public Options(boolean backup, BackupCipher.Key backupKey, List<String> expectChange, Set<String> ignoreChecks, String toolVersion) {
            this(backup, backupKey, expectChange, ignoreChecks, toolVersion, null, null);
        }

        public Options {
            expectChange = expectChange == null ? List.of() : List.copyOf(expectChange);
            ignoreChecks = ignoreChecks == null ? Set.of() : Set.copyOf(ignoreChecks);
        }
    }

    /**
     * How long a deploy told to stop (SIGTERM, SIGINT) may take to finish its rollback before the
     * process exits anyway; whatever is left stays owed in the journal for {@code --resume}.
     */
    public static final Duration SIGNAL_GRACE = Duration.ofSeconds(60);

    /** What a resume needs to know about a deploy: the header's payload in {@link DeployJournal}. */
    public record Context(String database, Instant startedAt, String versionBefore, List<String> appliedBefore, String backupManifest,
                          boolean allowRestore, String snapshotDir, String exec, String execRollback, List<String> expectChange,
                          DataSnapshot before, CatalogSnapshot beforeCatalog) {
    }

    private final DeployTarget b;
    private final DeploySettings settings;
    private final Backups backups;
    private final Options options;
    private final Listener out;
    private final Notifier notifier;
    private final Audit audit;
    private final DeployJournal journal;
    private Snapshots snapshots;
    private final List<Stage> stages = new ArrayList<>();
    private final List<Snapshots.Snapshot> taken = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private volatile boolean rollingBack;
    private ExternalTool tool;
    private String execRollback;
    private List<String> expectChange;
    private boolean allowRestore;
    private String id;
    private String database;
    // what the rollback returns to, kept in the journal's header
    private Instant started;
    private String versionBefore;
    private Set<String> appliedBefore = Set.of();
    private Backups.Backup backup;
    private DataSnapshot before;
    private CatalogSnapshot beforeCatalog;
    private CheckResult.Report preflight;
    private boolean journaled;
    private int seq;
    private Connection lockConnection;
    private AdvisoryLock lock;

    public Deployer(DeployTarget b, DeploySettings settings, Backups backups, Options options, Listener out) {
        this.b = b;
        this.settings = settings;
        this.backups = backups;
        this.options = options;
        this.out = out;
        this.notifier = new Notifier(settings.notifyUrl());
        this.audit = new Audit(b.target(), b.config().historySchema());
        this.journal = new DeployJournal(b.target(), b.config().historySchema());
        this.snapshots = new Snapshots(settings.snapshotDir());
        this.tool = options.exec() == null ? null : new ExternalTool(options.exec(), b.config().projectDir());
        this.execRollback = options.execRollback();
        this.expectChange = options.expectChange();
        this.allowRestore = settings.allowRestore();
    }

    /**
     * Asks the deploy to stop (SIGTERM, SIGINT): before the rollback, the running statement (or
     * --exec command) is cancelled and the deploy rolls back; once the rollback runs, it is let finish.
     */
    public void interrupt() {
        interrupted.set(true);
        if (!rollingBack) {
            if (tool != null) {
                tool.kill();
            }
            b.cancel();
        }
    }

    public DeployReport run() {
        started = Instant.now();
        // a random suffix: two deploys in one second (a retry, two hosts) must not share snapshot names
        id = "deploy_" + STAMP.format(started).toLowerCase(Locale.ROOT) + "_" + java.util.UUID.randomUUID().toString().substring(0, 4);
        database = b.targetDescription();
        takeLock();
        try {
            journal.refuseIfUnfinished("deploy", true);
            ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bulwark-deploy-deadline");
                t.setDaemon(true);
                return t;
            });
            if (!settings.maxDuration().isZero()) {
                watchdog.schedule(() -> {
                    timedOut.set(true);
                    if (!rollingBack) {
                        if (tool != null) {
                            tool.kill();
                        }
                        b.cancel(); // the running statement's transaction rolls back; the pipeline then rolls back the rest
                    }
                }, settings.maxDuration().toMillis(), TimeUnit.MILLISECONDS);
            }
            try {
                return pipeline();
            } finally {
                watchdog.shutdownNow();
            }
        } finally {
            releaseLock();
        }
    }

    // ------------------------------------------------------------------ the journal lock

    /** One deploy (or resume) at a time; a deploy holding it is alive, an unfinished journal without it was interrupted. */
    private void takeLock() {
        lockConnection = b.target().open("bulwark-deploy-lock");
        try {
            lock = AdvisoryLock.acquire(lockConnection, journal.lockKey(), Duration.ofSeconds(2), h -> { });
        } catch (BulwarkException e) {
            releaseLock();
            throw new BulwarkException(dev.bulwark.ErrorCode.LOCK_NOT_ACQUIRED, "another deploy (or deploy --resume) is running on "
                    + b.targetDescription() + "; " + e.getMessage(), "wait for it to finish ('bulwark status' shows it)");
        }
    }

    private void releaseLock() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
        if (lockConnection != null) {
            try {
                lockConnection.close();
            } catch (SQLException ignored) {
                // the server releases the lock with the session
            }
            lockConnection = null;
        }
    }

    /** A backup by template copy and a full restore need the database to themselves: the lock's session goes too. */
    private void releaseAllConnections() {
        releaseLock();
        b.releaseConnections();
    }

    private void retakeLock() {
        if (lock == null) {
            takeLock();
        }
    }

    // ------------------------------------------------------------------ the pipeline

    /** Why the deploy must stop now (max duration, a signal), or null. */
    private String stopReason() {
        if (timedOut.get()) {
            return "max duration " + Durations.human(settings.maxDuration()) + " passed";
        }
        if (interrupted.get()) {
            return "interrupted by a signal (SIGTERM or SIGINT)";
        }
        return null;
    }

    private DeployReport pipeline() {
        versionBefore = version();
        note(null, "started", "deploy " + id + " started");

        // ---- preflight
        Instant t0 = Instant.now();
        preflight = new Preflight(b, settings, backups, options.exec()).run();
        List<CheckResult> failing = preflight.checks().stream()
                .filter(c -> c.outcome() == CheckResult.Outcome.FAIL && !options.ignoreChecks().contains(c.id())).toList();
        List<String> pre = preflight.checks().stream().filter(c -> c.outcome() != CheckResult.Outcome.PASS)
                .map(c -> c.outcome().label() + " " + c.id() + ": " + c.message()).toList();
        List<Migration> pending = tool != null ? List.of() : pending();
        if (!failing.isEmpty()) {
            stage("preflight", t0, Status.FAILED, "refused: " + failing.size() + " check(s) failed ("
                    + String.join(", ", failing.stream().map(CheckResult::id).toList()) + "); nothing was changed", pre);
            return finish(Outcome.REFUSED, List.of(), "unchanged: the deploy was refused before anything ran",
                    "fix the failed checks ('bulwark check' shows them)");
        }
        Set<String> baseline = findingKeys(verify());
        if (pending.isEmpty() && tool == null) {
            stage("preflight", t0, preflight.worst() == CheckResult.Outcome.WARN ? Status.WARN : Status.OK,
                    "0 pending migration(s); " + preflight.count(CheckResult.Outcome.PASS) + " checks passed, "
                            + preflight.count(CheckResult.Outcome.WARN) + " warned", pre);
            dev.bulwark.execute.PhaseBarrier waiting = contractWaiting();
            if (waiting != null) {
                String at = "stopped at the phase barrier before " + waiting.id() + " " + waiting.description() + " (-- bulwark:phase contract)";
                stage("apply", Instant.now(), Status.SKIPPED, "nothing before the phase barrier: " + at, List.of());
                return finish(Outcome.DEPLOYED, List.of(), "unchanged: " + at + (versionBefore != null ? "; the database is at " + versionBefore : ""),
                        "release the application that no longer needs the old schema, then deploy again with --phase contract");
            }
            stage("apply", Instant.now(), Status.SKIPPED, "nothing to deploy: the database is up to date", List.of());
            return finish(Outcome.DEPLOYED, List.of(), "unchanged: it was already up to date" + (versionBefore != null ? " at " + versionBefore : ""), null);
        }
        // from here on the deploy is journaled: a kill at any instant leaves a journal that --resume finishes
        appliedBefore = tool != null ? Set.of() : appliedVersions();
        journaled = true;
        journal.write(new DeployJournal.Entry(id, seq++, DeployJournal.HEADER, "deploy", "running", database, CatalogJson.write(context()),
                started, null));
        stage("preflight", t0, preflight.worst() == CheckResult.Outcome.WARN ? Status.WARN : Status.OK,
                pending.size() + " pending migration(s); " + preflight.count(CheckResult.Outcome.PASS) + " checks passed, "
                        + preflight.count(CheckResult.Outcome.WARN) + " warned", pre);

        // ---- backup, and the "before" picture the deploy is verified against
        t0 = begin("backup");
        try {
            if (options.backup()) {
                releaseAllConnections(); // a template-copy backup (embedded server, no pg_dump) needs the database to itself
                try {
                    backup = backups.create(b.target(), new Backups.CreateOptions(1, options.backupKey(), options.toolVersion(), b.isEmbedded()));
                } finally {
                    retakeLock();
                }
                Backups.VerifyOutcome v = backups.verify(backup, options.backupKey(),
                        "template".equals(backup.manifest().dumpFormat()) ? b.target() : null);
                if (!v.ok()) {
                    throw new BulwarkException(dev.bulwark.ErrorCode.FINDINGS, "the backup just taken fails verification: "
                            + String.join("; ", v.problems()), "check the backup folder's disk");
                }
                before = withoutOwnTables(backup.manifest().data());
                beforeCatalog = catalog();
            } else {
                beforeCatalog = catalog();
                before = fingerprint();
            }
        } catch (BulwarkException e) {
            stage("backup", t0, Status.FAILED, "refused: the backup failed; nothing was changed", List.of(e.describe()));
            return finish(Outcome.REFUSED, List.of(), "unchanged: the deploy stopped before applying anything",
                    "fix the backup (" + e.getMessage() + ") or pass --no-backup");
        }
        // the picture the rollback proves the database back to, durable before anything is applied
        journal.write(new DeployJournal.Entry(id, 0, DeployJournal.HEADER, "deploy", "running", database, CatalogJson.write(context()),
                started, null));
        if (backup != null) {
            stage("backup", t0, Status.OK, "backed up and verified: " + backup.name(), List.of(backup.data().toString()));
        } else {
            stage("backup", t0, Status.SKIPPED, "--no-backup: fingerprints taken, but no full restore is possible", List.of());
        }
        if (stopReason() != null) {
            return stopBeforeApply();
        }

        // ---- snapshots of what destructive statements remove
        t0 = begin("snapshots");
        try (Connection c = b.target().open("bulwark-snapshot")) {
            int n = 0;
            for (Snapshots.Planned p : Snapshots.plan(b.migrations().migrations(), pending.stream().map(Migration::id)
                    .collect(Collectors.toSet()))) {
                Snapshots.Snapshot s = snapshots.take(c, id + "_" + ++n, id, p);
                if (s != null) {
                    taken.add(s);
                }
            }
            // said before anything is applied: a rollback cannot match these rows back by key (it refuses rather than guess)
            List<String> unmatchable = taken.stream().filter(s -> s.caveat() != null).map(s -> "snapshot " + s.id() + ": "
                    + s.caveat()).toList();
            List<String> snapshotDetails = new ArrayList<>(taken.stream().map(s -> s.kind().label() + " " + s.table() + " ("
                    + s.statement() + "): " + s.rows() + " rows in " + s.location()).toList());
            snapshotDetails.addAll(unmatchable);
            stage("snapshots", t0, taken.isEmpty() ? Status.SKIPPED : unmatchable.isEmpty() ? Status.OK : Status.WARN, taken.isEmpty()
                            ? (tool != null ? "the migrations are run by --exec: their statements are not known, the backup covers them"
                            : "no destructive statement touches an existing table") : taken.size() + " snapshot(s) taken"
                            + (unmatchable.isEmpty() ? "" : "; " + unmatchable.size() + " of them a rollback may not put back"),
                    snapshotDetails);
        } catch (SQLException | RuntimeException e) {
            stage("snapshots", t0, Status.FAILED, "refused: a snapshot failed; nothing was applied", List.of(message(e)));
            return finish(Outcome.REFUSED, List.of(), "unchanged: the deploy stopped before applying anything (snapshots already taken stay in "
                    + Snapshots.SCHEMA + ")", "fix the cause, then deploy again");
        }
        if (stopReason() != null) {
            return stopBeforeApply();
        }

        // ---- apply
        t0 = begin("apply");
        String failure = null;
        List<String> applyDetails = new ArrayList<>();
        try {
            if (tool != null) {
                failure = runTool(tool, applyDetails);
                throw new Done();
            }
            MigrateResult r = b.migrate(null, false, false);
            barrier = r.barrier();
            r.applied().forEach(a -> applyDetails.add(a.id() + " " + a.description() + ": " + a.durationMs() + " ms, " + a.statements()
                    + " statement(s), lock waits " + a.lockWaitMs() + " ms, " + a.lockRetries() + " retries"));
            if (stopReason() != null) {
                failure = stopReason();
                applyDetails.add(failure);
            }
        } catch (Done done) {
            // the external tool ran; failure says how
        } catch (BulwarkException e) {
            String stop = stopReason();
            failure = stop != null ? stop + ": " + e.getMessage() : e.getMessage();
            if (stop != null) {
                applyDetails.add(stop + ": the running statement was cancelled");
            }
            applyDetails.add(e.describe());
        }
        List<String> applied = tool != null ? List.of() : newlyApplied(appliedBefore);
        if (failure != null) {
            stage("apply", t0, Status.FAILED, "rolling back: the apply failed", applyDetails);
            return rollback("the apply stage failed");
        }
        if (barrier != null) {
            applyDetails.add(barrier.message());
        }
        stage("apply", t0, Status.OK, tool != null ? "'" + tool.command() + "' succeeded"
                : applied.size() + " migration(s) applied; the database is at " + version()
                + (barrier != null ? "; stopped at the phase barrier before " + barrier.id() : ""), applyDetails);

        // ---- verify
        t0 = begin("verify");
        List<String> problems = new ArrayList<>();
        List<String> verifyDetails = new ArrayList<>();
        try {
            VerifyResult v = verify();
            for (Finding f : v.findings()) {
                if (baseline.contains(key(f)) || ownObject(f.object())) {
                    continue;
                }
                if (BLOCKING.contains(f.check())) {
                    problems.add(f.check().id() + " " + f.object() + ": " + f.message());
                } else {
                    verifyDetails.add("note (does not fail the deploy): " + f.check().id() + " " + f.object() + ": " + f.message());
                }
            }
            long old = v.findings().stream().filter(f -> baseline.contains(key(f))).count();
            verifyDetails.add(v.invariants().size() + " invariant(s) run; " + problems.size() + " new finding(s), " + old
                    + " present before the deploy and not counted");
            List<Migration> appliedMigrations = applied.isEmpty() ? List.of()
                    : b.migrations().migrations().stream().filter(m -> applied.contains(m.id())).toList();
            ExpectedChanges expected = ExpectedChanges.of(b.migrations().migrations(),
                    appliedMigrations.stream().map(Migration::id).collect(Collectors.toSet()), expectChange);
            DataComparison d = compare(before, expected);
            for (DataComparison.TableComparison t : d.tables()) {
                if (t.status().unexpected()) {
                    problems.add("data-changed " + t.table() + ": " + t.status().label() + " (" + t.rowsBefore() + " rows before, "
                            + t.rowsAfter() + " after) and no applied migration declares it");
                } else if (t.status() != DataComparison.TableComparison.Status.IDENTICAL) {
                    verifyDetails.add(t.table() + " " + t.status().label() + (t.expectedBy() != null ? " (declared by " + t.expectedBy() + ")" : ""));
                }
            }
            verifyDetails.add(d.tables().size() + " table(s) compared with their fingerprints before the deploy: " + d.verdict().label());
        } catch (BulwarkException e) {
            problems.add("verification could not run: " + e.getMessage());
        }
        if (stopReason() != null) {
            problems.add(stopReason());
        }
        if (!problems.isEmpty()) {
            verifyDetails.addAll(0, problems);
            stage("verify", t0, Status.FAILED, "rolling back: " + problems.size() + " problem(s) after applying", verifyDetails);
            return rollback("verification failed");
        }
        stage("verify", t0, Status.OK, "integrity, invariants and data as expected", verifyDetails);

        // ---- health
        if (settings.healthUrl() != null) {
            t0 = begin("health");
            String bad = Notifier.probe(settings.healthUrl(), 3, Duration.ofSeconds(2));
            if (bad == null && stopReason() != null) {
                bad = stopReason();
            }
            if (bad != null) {
                stage("health", t0, Status.FAILED, "rolling back: the health check failed", List.of(bad));
                return rollback("the health check failed");
            }
            stage("health", t0, Status.OK, "healthy", List.of(Masking.mask(settings.healthUrl()) + " answered"));
        }
        if (stopReason() != null) {
            return rollback(stopReason());
        }
        pruneSnapshots();
        return finish(Outcome.DEPLOYED, applied,
                "deployed: " + applied.size() + " migration(s) applied and verified; the database is at " + version()
                        + (barrier != null ? "; stopped at the phase barrier before " + barrier.id() + " " + barrier.description()
                        + " (-- bulwark:phase contract)" : ""),
                barrier != null ? "release the application that no longer needs the old schema, then deploy again with --phase contract" : null);
    }

    /** Max duration passed, or a signal came, before the apply stage: it is not started, and the deploy rolls back (nothing to undo). */
    private DeployReport stopBeforeApply() {
        String why = stopReason();
        stage("apply", Instant.now(), Status.FAILED, "not started: " + why, List.of(why + ": no migration was started"));
        return rollback(why + " before anything was applied");
    }

    /** After a successful deploy, snapshots older than the retention window go (this deploy's stay). */
    private void pruneSnapshots() {
        Instant t0 = Instant.now();
        try (Connection c = b.target().open("bulwark-snapshot")) {
            List<Snapshots.Snapshot> gone = snapshots.prune(c, settings.snapshotRetention(), false, id);
            if (!gone.isEmpty()) {
                stage("prune-snapshots", t0, Status.OK, gone.size() + " snapshot(s) older than "
                        + Preflight.human(settings.snapshotRetention()) + " deleted", gone.stream().map(Snapshots.Snapshot::id).toList());
            }
        } catch (SQLException | RuntimeException e) {
            warn("warning: could not prune old snapshots: " + message(e));
        }
    }

    /** Thrown past the Bulwark-migrations path once the external tool has run. */
    private static final class Done extends RuntimeException {
        Done() {
            super(null, null, false, false);
        }
    }

    /** Runs an external command with the tool history before and after in {@code details}; returns why it failed, or null. */
    private String runTool(ExternalTool t, List<String> details) {
        details.add("history before: " + toolHistory());
        out.info("running '" + t.command() + "' with lock_timeout " + Durations.human(b.config().lockTimeout()) + " (PGOPTIONS)");
        ExternalTool.Run r = t.run(b.target(), b.config().lockTimeout(), b.config().statementTimeout());
        r.tail().forEach(l -> details.add("| " + l));
        details.add("history after: " + toolHistory());
        if (!rollingBack && stopReason() != null) {
            return stopReason() + "; '" + t.command() + "' was ended";
        }
        return r.exit() == 0 ? null : "'" + t.command() + "' exited with " + r.exit()
                + (r.tail().isEmpty() ? "" : ": " + r.tail().get(r.tail().size() - 1));
    }

    private String toolHistory() {
        try (Connection c = b.target().open("bulwark-deploy")) {
            List<String> h = ExternalTool.history(c);
            return h.isEmpty() ? "no history table" : String.join("; ", h);
        } catch (SQLException | RuntimeException e) {
            return "unreadable (" + message(e) + ")";
        }
    }

    private Context context() {
        return new Context(database, started, versionBefore, new ArrayList<>(appliedBefore),
                backup == null ? null : backup.manifestFile().toAbsolutePath().toString(), allowRestore,
                settings.snapshotDir() == null ? null : settings.snapshotDir().toAbsolutePath().toString(),
                tool == null ? null : tool.command(), execRollback, expectChange, before, beforeCatalog);
    }

    // ------------------------------------------------------------------ rollback

    /** One rollback step still owed, as the journal holds it. */
    private record Owed(int seq, String name, String detail, String payload, Instant startedAt) {
        DeployJournal.Entry with(String deployId, String state, String outcome) {
            return new DeployJournal.Entry(deployId, seq, DeployJournal.ROLLBACK, name, state, outcome == null ? detail : outcome, null,
                    startedAt, state.equals("owed") ? null : Instant.now());
        }
    }

    /**
     * Plans the rollback (every step it owes, committed in the journal in one transaction before
     * the first starts), runs it, and proves the database back.
     */
    private DeployReport rollback(String why) {
        rollingBack = true;
        Instant t0 = Instant.now();
        List<String> details = new ArrayList<>();
        List<String> partial = partiallyApplied();
        List<String> applied = tool != null ? List.of() : newlyApplied(appliedBefore);
        List<DeployJournal.Entry> plan = new ArrayList<>();
        int rollbackStage = seq++;
        plan.add(new DeployJournal.Entry(id, rollbackStage, DeployJournal.STAGE, "rollback", "started", why, null, t0, null));
        if (tool != null) {
            if (execRollback != null) {
                plan.add(owe("exec-rollback", "run '" + execRollback + "'", execRollback));
            } else {
                details.add("no --exec-rollback command: only the backup can undo what '" + tool.command() + "' did");
            }
        } else if (!partial.isEmpty()) {
            details.add("not rolled back by downs: " + String.join(", ", partial) + " ran part way outside a transaction;"
                    + " its down would run against a half-applied migration");
        } else if (!applied.isEmpty()) {
            plan.add(owe("downs", "revert " + String.join(", ", applied), CatalogJson.write(applied)));
            List<Snapshots.Snapshot> mine = restoreOrder(taken.stream().filter(s -> applied.contains(s.migration())).toList(), beforeCatalog);
            for (Snapshots.Snapshot s : mine) {
                plan.add(owe("snapshot-restore", "put back the rows of " + s.table() + " from snapshot " + s.id(), CatalogJson.write(s)));
            }
        } else {
            details.add("no migration of this deploy stayed applied: nothing to undo by downs");
        }
        boolean structural = tool != null ? execRollback != null : partial.isEmpty();
        if (journaled) {
            journal.writeAll(plan, "rollback-plan");
        }
        List<Owed> owed = plan.stream().filter(DeployJournal.Entry::isOwed)
                .map(e -> new Owed(e.seq(), e.name(), e.detail(), e.payload(), e.startedAt())).toList();
        return runRollback(why, t0, rollbackStage, owed, details, structural, partial);
    }

    /**
     * The order a rollback puts snapshots back in: referenced tables before the tables that
     * reference them, by the foreign keys before the deploy, across every statement (a DELETE's
     * cascade, or a later statement deleting the children a SET NULL orphaned: the parents' rows
     * must be back before the children's rows, whose keys point at them); among snapshots of tables
     * at the same level, the statements' last first, and one statement's in the order taken (its
     * cascade's order, parents first), after those of removed rows at the same level those of rows
     * changed in place (an UPDATE's copy matches its rows by key, which must be back first). Every
     * snapshot is copied before the first migration runs, so two copies of one table hold the same
     * rows. Tables of a foreign-key cycle share a level; without a catalog, the foreign keys are not
     * known and only the rest applies.
     */
    static List<Snapshots.Snapshot> restoreOrder(List<Snapshots.Snapshot> taken, CatalogSnapshot catalog) {
        List<List<Snapshots.Snapshot>> byStatement = new ArrayList<>();
        for (Snapshots.Snapshot s : taken) {
            List<Snapshots.Snapshot> last = byStatement.isEmpty() ? null : byStatement.get(byStatement.size() - 1);
            if (last != null && last.get(0).migration().equals(s.migration()) && last.get(0).statement().equals(s.statement())) {
                last.add(s);
            } else {
                byStatement.add(new ArrayList<>(List.of(s)));
            }
        }
        java.util.Collections.reverse(byStatement);
        List<Snapshots.Snapshot> out = new ArrayList<>();
        byStatement.forEach(out::addAll);
        Map<TableRef, Integer> level = catalog == null || out.size() < 2 ? Map.of()
                : FkLevels.of(out.stream().map(Snapshots.Snapshot::table).distinct().toList(), catalog.foreignKeys().stream()
                        .filter(fk -> fk.references() != null).map(fk -> new TableRef[]{fk.table(), fk.references()}).toList());
        // stable: ties keep the order above
        out.sort(java.util.Comparator.<Snapshots.Snapshot>comparingInt(s -> level.getOrDefault(s.table(), 0))
                .thenComparing(s -> s.removesRows() ? 0 : 1));
        return out;
    }

    private DeployJournal.Entry owe(String name, String detail, String payload) {
        return new DeployJournal.Entry(id, seq++, DeployJournal.ROLLBACK, name, "owed", detail, payload, Instant.now(), null);
    }

    /**
     * A kill in the middle of a non-transactional migration leaves it half applied, and its down
     * cannot run against half of it. Before the rollback, a resume finishes such a migration
     * forward, exactly once (each statement committed with its progress; the engine checks the
     * catalog before it reruns one that cannot run in a transaction): then its down undoes all
     * of it. Only migrations the kill interrupted: one whose statement failed on its own stays
     * half applied, and the rollback says a human must act, as before. If finishing fails, the
     * same holds.
     */
    private void finishInterrupted() {
        if (tool != null) {
            return;
        }
        for (MigrationStatus s : b.status()) {
            HistoryEntry last = s.last();
            if (stoppedPartWay(s) && (last.status() == HistoryEntry.Status.RUNNING || last.status() == HistoryEntry.Status.INTERRUPTED)) {
                out.info("finishing " + s.id() + " (interrupted at statement " + (last.resumeFrom() + 1)
                        + " outside a transaction) before the rollback, so that its down undoes all of it");
                try {
                    b.migrate(s.id(), false, true);
                } catch (RuntimeException e) {
                    // any failure (not only the engine's own): reported, and the rollback below says a human must act
                    warn("warning: could not finish " + s.id() + ": " + message(e));
                }
                return; // migrations run in order: only the last one applied can be half applied
            }
        }
    }

    /** Migrations of this deploy that stopped part way outside a transaction: their downs would run against half of them. */
    private List<String> partiallyApplied() {
        List<String> partial = new ArrayList<>();
        if (tool != null) {
            return partial;
        }
        for (MigrationStatus s : b.status()) {
            if (stoppedPartWay(s)) {
                partial.add(s.id() + " (stopped at statement " + (s.last().resumeFrom() + 1) + ")");
            }
        }
        return partial;
    }

    /**
     * A migration of this deploy that stopped part way: failed (or killed) after at least one of
     * its statements committed outside a transaction (resume_from 0: the first statement failed,
     * so nothing of it stayed applied). The one decision behind {@link #finishInterrupted} and
     * {@link #partiallyApplied}.
     */
    private boolean stoppedPartWay(MigrationStatus s) {
        HistoryEntry last = s.last();
        return s.state() == MigrationState.FAILED && last != null && last.kind() != HistoryEntry.Kind.DOWN && last.resumeFrom() != null
                && last.resumeFrom() > 0 && last.startedAt().isAfter(started);
    }

    /** Runs the owed steps in order, each marked done (or failed) in the journal, then proves the database back. */
    private DeployReport runRollback(String why, Instant t0, int rollbackStage, List<Owed> owed, List<String> details, boolean structural,
                                     List<String> partial) {
        for (Owed o : owed) {
            if (!structural && !o.name().equals("restore")) {
                mark(o, "skipped", "skipped: an earlier rollback step failed");
                details.add(o.detail() + ": skipped, an earlier rollback step failed");
                continue;
            }
            CrashPoint.here("deploy.rollback." + o.name() + ".start");
            try {
                String result = switch (o.name()) {
                    case "downs" -> downs(o);
                    case "snapshot-restore" -> snapshotRestore(o);
                    case "exec-rollback" -> execRollback(o);
                    case "restore" -> fullRestore(o, details);
                    default -> throw new IllegalStateException("unknown rollback step " + o.name());
                };
                details.add(result);
            } catch (SQLException | RuntimeException e) {
                // a snapshot restore that fails rolls back its own transaction: the structure is as the downs left it, and
                // the other snapshots (other tables, or rows matched by key) still go back
                structural &= o.name().equals("snapshot-restore");
                String m = o.name() + " failed: " + message(e);
                details.add(m);
                mark(o, "failed", m);
            }
            CrashPoint.here("deploy.rollback." + o.name() + ".end");
        }
        List<String> differences = differences(before, beforeCatalog);
        boolean restored = owed.stream().anyMatch(o -> o.name().equals("restore"));
        if (!differences.isEmpty() && allowRestore && backup != null && !restored) {
            details.add("after downs and snapshots the database still differs: " + String.join("; ", differences));
            details.add("restoring the backup " + backup.name() + " (--allow-restore)");
            Owed o = new Owed(seq++, "restore", "restore the backup " + backup.name(), null, Instant.now());
            if (journaled) {
                journal.write(o.with(id, "owed", null));
            }
            try {
                details.add(fullRestore(o, details));
                restored = true;
            } catch (RuntimeException e) {
                details.add("full restore failed: " + message(e));
                mark(o, "failed", "full restore failed: " + message(e));
            }
            differences = differences(before, beforeCatalog);
        }
        boolean back = differences.isEmpty();
        details.add(back ? "verified: schema and every table's fingerprint equal the ones taken before the deploy"
                : "NOT back as before: " + String.join("; ", differences));
        String decision = back ? "rolled back" + (restored ? " by a full restore" : "") + " and verified"
                : "could not prove the database back: a human must act";
        stage("rollback", t0, rollbackStage, back ? Status.OK : Status.FAILED, decision, details);
        List<String> still = tool != null ? List.of() : newlyApplied(appliedBefore);
        if (back) {
            return finish(Outcome.ROLLED_BACK, List.of(),
                    "rolled back (" + why + "; see the report): the database is as before the deploy" + (versionBefore != null ? ", at " + versionBefore : ""),
                    "fix the cause, then deploy again");
        }
        String todo = backup != null
                ? "inspect the differences above; to return to the state before the deploy run 'bulwark backup restore " + backup.name()
                + " --force' (the data written since the backup is lost)"
                : "inspect the differences above and repair by hand; no backup was taken (--no-backup)";
        if (!partial.isEmpty()) {
            todo += "; then run 'bulwark repair' for " + String.join(", ", partial);
        }
        String now = version();
        return finish(Outcome.NOT_ROLLED_BACK, still,
                "NOT rolled back (" + why + "; see the report): the database" + (now != null ? " is at " + now + " and" : "")
                        + " differs from before the deploy", todo);
    }

    private void mark(Owed o, String state, String outcome) {
        if (journaled) {
            journal.write(o.with(id, state, outcome));
        }
    }

    /** Reverts the deploy's migrations that are still applied (all of them, or what a killed run left). */
    private String downs(Owed o) {
        List<String> ids = List.of(CatalogJson.read(o.payload(), String[].class));
        int steps = 0;
        for (MigrationStatus s : b.status()) {
            if (!ids.contains(s.id())) {
                continue;
            }
            boolean resumableDown = s.state() == MigrationState.FAILED && s.last() != null && s.last().kind() == HistoryEntry.Kind.DOWN;
            if (s.state() == MigrationState.APPLIED || s.state() == MigrationState.EDITED || resumableDown) {
                steps++;
            }
        }
        String result;
        if (steps == 0) {
            result = "downs: none of " + String.join(", ", ids) + " is applied any more: nothing left to revert";
        } else {
            List<String> kept = snapshotDowns(ids);
            MigrateResult r = b.rollback(steps, null, false);
            List<String> lines = new ArrayList<>(kept);
            r.applied().stream().map(a -> "down of " + a.id() + " " + a.description() + ": " + a.durationMs() + " ms").forEach(lines::add);
            result = String.join("; ", lines);
        }
        mark(o, "done", result);
        return result;
    }

    /**
     * Before the downs run: a snapshot of what they destroy (the statement model's destructive
     * row changes of each down, the up's own tables and columns included: they hold what was
     * written since the deploy applied them). Named {@code <deploy>_down_<n>} in the order the
     * downs run, so a rollback resumed after a kill takes each one once. These are not put back
     * by the rollback (it returns to the state before the deploy); they keep the data for a
     * human, listed by {@code bulwark snapshots}. A snapshot that fails does not stop the
     * rollback: it is reported.
     */
    private List<String> snapshotDowns(List<String> reverted) {
        List<String> lines = new ArrayList<>();
        List<Snapshots.Planned> plan = Snapshots.planDowns(b.migrations().migrations(), new java.util.HashSet<>(reverted));
        if (plan.isEmpty()) {
            return lines;
        }
        try (Connection c = b.target().open("bulwark-snapshot")) {
            int n = 0;
            for (Snapshots.Planned p : plan) {
                String sid = id + "_down_" + ++n;
                try {
                    if (snapshots.exists(c, sid)) {
                        lines.add("snapshot " + sid + " (before the down of " + p.migration() + ") was taken by the killed run");
                        continue;
                    }
                    CrashPoint.here("deploy.rollback.down-snapshot.before");
                    Snapshots.Snapshot s = snapshots.take(c, sid, id, p);
                    if (s != null) {
                        lines.add("snapshot " + s.id() + " of " + s.table() + " (" + s.rows() + " rows of " + String.join(", ", s.columns())
                                + ") before the down of " + p.migration() + " " + p.change().kind().label() + ": kept in " + s.location());
                    }
                } catch (SQLException | RuntimeException e) {
                    lines.add("could not snapshot " + p.change().table() + " before the down of " + p.migration() + ": " + message(e)
                            + " (the rollback goes on; what the down drops is lost)");
                }
            }
        } catch (SQLException e) {
            lines.add("could not snapshot what the downs drop: " + message(e) + " (the rollback goes on)");
        }
        return lines;
    }

    /** Puts a snapshot's rows back; the journal's done-mark commits in the same transaction, so it never runs twice. */
    private String snapshotRestore(Owed o) throws SQLException {
        Snapshots.Snapshot s = CatalogJson.read(o.payload(), Snapshots.Snapshot.class);
        try (Connection c = b.target().open("bulwark-snapshot")) {
            long[] n = new long[1];
            String[] result = new String[1];
            n[0] = snapshots.restore(c, s, tx -> {
                result[0] = "snapshot " + s.id() + " restored into " + s.table();
                if (journaled) {
                    journal.write(tx, o.with(id, "done", result[0]));
                }
            });
            taken.replaceAll(x -> x.id().equals(s.id()) ? x.restored(Instant.now()) : x);
            return result[0] + ": " + n[0] + " row(s) put back";
        }
    }

    private String execRollback(Owed o) {
        ExternalTool undo = new ExternalTool(o.payload(), b.config().projectDir());
        List<String> lines = new ArrayList<>();
        String bad = runTool(undo, lines);
        if (bad != null) {
            throw new BulwarkException(dev.bulwark.ErrorCode.FAILED_NOT_ROLLED_BACK, "'" + undo.command() + "' failed: " + bad, null);
        }
        String result = "'" + undo.command() + "' succeeded";
        mark(o, "done", result);
        return result;
    }

    /** Restores the full backup; the restored database's journal and audit predate this deploy, so both are written again. */
    private String fullRestore(Owed o, List<String> details) {
        if (backup == null) {
            throw new BulwarkException(dev.bulwark.ErrorCode.FAILED_NOT_ROLLED_BACK, "no backup to restore", null);
        }
        List<DeployJournal.Entry> sofar = journaled ? journal.entries(id) : List.of();
        releaseAllConnections();
        try {
            backups.restore(backup, options.backupKey(), b.target(), true, true,
                    new Backups.CreateOptions(1, options.backupKey(), options.toolVersion()));
        } finally {
            retakeLock();
        }
        CrashPoint.here("deploy.rollback.restore.restored");
        for (Stage s : stages) {
            warn(audit.record(id, s)); // the restored database's audit table predates this deploy
        }
        String result = "the backup " + backup.name() + " was restored";
        if (journaled) {
            List<DeployJournal.Entry> again = new ArrayList<>(sofar.stream().filter(e -> e.seq() != o.seq()).toList());
            again.add(o.with(id, "done", result));
            journal.writeAll(again, "rewrite-after-restore");
        }
        return result;
    }

    // ------------------------------------------------------------------ resume

    /**
     * {@code bulwark deploy --resume}: finishes every interrupted deploy whose journal is
     * unfinished. A deploy interrupted before its rollback is rolled back (it was never verified);
     * one interrupted inside its rollback runs the steps still owed. Each step checks its effect or
     * commits with its done-mark, so a resume killed in turn is resumed again without doing anything twice.
     *
     * @return one report per deploy finished; empty when none was unfinished
     */
    public List<DeployReport> resume() {
        takeLock();
        try {
            List<DeployReport> reports = new ArrayList<>();
            List<DeployJournal.Unfinished> open = journal.unfinished();
            if (!open.isEmpty()) {
                waitForEarlierSessions();
            }
            for (DeployJournal.Unfinished u : open) {
                reports.add(resume(u.deployId()));
            }
            return reports;
        } finally {
            releaseLock();
        }
    }

    /** The killed process's backend may still be executing its last statement: let it end first (bounded). */
    private void waitForEarlierSessions() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = b.target().open("bulwark-deploy-resume");
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname ="
                     + " pg_catalog.current_database() AND pid <> pg_catalog.pg_backend_pid() AND application_name LIKE 'bulwark%'"
                     + " AND application_name NOT IN ('bulwark-deploy-lock', 'bulwark-deploy-resume') AND state = 'active'")) {
            while (System.nanoTime() < deadline) {
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(200);
            }
            warn("warning: a session of an earlier Bulwark run is still executing after 30 s; resuming anyway");
        } catch (SQLException e) {
            warn("warning: cannot look for sessions of the interrupted run: " + message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DeployReport resume(String deployId) {
        id = deployId;
        database = b.targetDescription();
        List<DeployJournal.Entry> entries = journal.entries(deployId);
        DeployJournal.Entry header = entries.get(0);
        Context ctx = CatalogJson.read(header.payload(), Context.class);
        journaled = true;
        started = ctx.startedAt();
        versionBefore = ctx.versionBefore();
        appliedBefore = new LinkedHashSet<>(ctx.appliedBefore() == null ? List.of() : ctx.appliedBefore());
        backup = null;
        if (ctx.backupManifest() != null) {
            try {
                backup = backups.find(ctx.backupManifest());
            } catch (BulwarkException e) {
                warn("warning: the deploy's backup " + ctx.backupManifest() + " is gone (" + e.getMessage() + "): no full restore is possible");
            }
        }
        allowRestore = ctx.allowRestore() || settings.allowRestore();
        snapshots = new Snapshots(ctx.snapshotDir() == null ? null : Path.of(ctx.snapshotDir()));
        tool = ctx.exec() == null ? null : new ExternalTool(ctx.exec(), b.config().projectDir());
        execRollback = ctx.execRollback();
        expectChange = ctx.expectChange() == null ? List.of() : ctx.expectChange();
        before = ctx.before();
        beforeCatalog = ctx.beforeCatalog();
        seq = entries.stream().mapToInt(DeployJournal.Entry::seq).max().orElse(0) + 1;
        for (DeployJournal.Entry e : entries) {
            if (e.kind().equals(DeployJournal.STAGE) && e.state().equals("started") && !e.name().equals("rollback")) {
                stages.add(new Stage(e.name(), Status.FAILED, e.startedAt(), 0, "interrupted: the process ended before this stage did",
                        List.of()));
            } else if (e.kind().equals(DeployJournal.STAGE) && !e.state().equals("started")) {
                Status st = switch (e.state()) {
                    case "ok" -> Status.OK;
                    case "warn" -> Status.WARN;
                    case "skipped" -> Status.SKIPPED;
                    default -> Status.FAILED;
                };
                stages.add(new Stage(e.name(), st, e.startedAt(), e.finishedAt() == null ? 0
                        : Duration.between(e.startedAt(), e.finishedAt()).toMillis(), e.detail(), List.of()));
            }
        }
        try (Connection c = b.target().open("bulwark-snapshot")) {
            // the rollback's own snapshots (before its downs) are the data the downs drop, never put back by it
            snapshots.list(c).stream().filter(s -> s.deployId().equals(deployId) && !s.id().startsWith(deployId + "_down_")).forEach(taken::add);
        } catch (SQLException e) {
            throw new BulwarkException(dev.bulwark.ErrorCode.DATABASE, "cannot read the snapshots of " + deployId + ": " + e.getMessage(), null, e);
        }
        DeployJournal.Entry last = entries.stream().filter(e -> e.kind().equals(DeployJournal.STAGE)).reduce((x, y) -> y).orElse(null);
        String where = last == null ? "its start" : "stage " + last.name() + " (" + last.state() + ")";
        out.info("resuming " + deployId + " (started " + started + "), interrupted at " + where);
        rollingBack = true;
        if (before == null || beforeCatalog == null) {
            // the header is rewritten with the "before" picture ahead of the snapshots and apply stages: nothing was applied
            Instant t0 = Instant.now();
            stage("rollback", t0, seq++, Status.OK, "nothing to roll back: the deploy was interrupted at " + where + ", before it applied anything",
                    List.of("resumed by " + DeployJournal.RESUME_COMMAND));
            return finish(Outcome.ROLLED_BACK, List.of(), "rolled back (the deploy was interrupted at " + where
                    + " before applying anything): the database is as before the deploy", "deploy again");
        }
        Optional<DeployJournal.Entry> rollbackStage = entries.stream().filter(e -> e.kind().equals(DeployJournal.STAGE)
                && e.name().equals("rollback")).findFirst();
        if (rollbackStage.isEmpty()) {
            // interrupted before its rollback: the deploy was never verified, so it is rolled back
            finishInterrupted();
            return rollback("the deploy was interrupted at " + where + " and resumed");
        }
        String why = rollbackStage.get().detail() == null ? "interrupted" : rollbackStage.get().detail();
        List<Owed> owed = entries.stream().filter(DeployJournal.Entry::isOwed)
                .map(e -> new Owed(e.seq(), e.name(), e.detail(), e.payload(), e.startedAt())).toList();
        // as in runRollback: a failed snapshot restore rolled back its own transaction and stops nothing after it
        boolean structural = entries.stream().noneMatch(e -> e.kind().equals(DeployJournal.ROLLBACK) && e.state().equals("failed")
                && !e.name().equals("snapshot-restore"));
        List<String> details = new ArrayList<>();
        details.add("resumed by " + DeployJournal.RESUME_COMMAND + " after an interruption inside the rollback; " + owed.size()
                + " step(s) still owed");
        entries.stream().filter(e -> e.kind().equals(DeployJournal.ROLLBACK) && !e.isOwed())
                .forEach(e -> details.add("before the interruption: " + e.name() + " " + e.state() + (e.detail() == null ? "" : ": " + e.detail())));
        return runRollback(why + ", interrupted and resumed", rollbackStage.get().startedAt(), rollbackStage.get().seq(), owed, details,
                structural, partiallyApplied());
    }

    /** What differs from before: schema changes and tables whose fingerprint changed (own tables and --expect-change excluded). */
    private List<String> differences(DataSnapshot before, CatalogSnapshot beforeCatalog) {
        List<String> out = new ArrayList<>();
        try {
            CatalogSnapshot now = catalog();
            for (CatalogDiff.Change ch : CatalogDiff.between(beforeCatalog, now).changes()) {
                out.add("schema: " + ch);
            }
            ExpectedChanges others = ExpectedChanges.of(List.of(), expectChange);
            DataComparison d = compare(before, others);
            for (DataComparison.TableComparison t : d.tables()) {
                if (t.status() != DataComparison.TableComparison.Status.IDENTICAL && t.expectedBy() == null
                        && t.status() != DataComparison.TableComparison.Status.CHANGED_AS_EXPECTED) {
                    out.add("data: " + t.table() + " " + t.status().label() + " (" + t.rowsBefore() + " rows before, " + t.rowsAfter() + " now)");
                }
            }
        } catch (BulwarkException e) {
            out.add("could not compare: " + e.getMessage());
        }
        return out;
    }

    // ------------------------------------------------------------------ pictures of the database

    private static boolean own(TableRef t) {
        return t.schema().equals(Snapshots.SCHEMA) || HISTORY_TABLES.contains(t.name());
    }

    private static boolean ownObject(String name) {
        return name.startsWith(Snapshots.SCHEMA) || HISTORY_TABLES.stream().anyMatch(h -> name.contains(h));
    }

    private static DataSnapshot withoutOwnTables(DataSnapshot s) {
        List<TableFingerprint> kept = s.tables().stream().filter(t -> !own(t.table())).toList();
        return new DataSnapshot(s.format(), s.serverVersion(), s.takenAt(), s.knownAnswer(), s.algorithm(), kept);
    }

    private static CatalogSnapshot withoutOwnObjects(CatalogSnapshot c) {
        Predicate<TableRef> keep = t -> !own(t);
        return new CatalogSnapshot(c.serverVersion(), c.takenAt(), c.schemaFilter(),
                c.schemas().stream().filter(s -> !s.name().equals(Snapshots.SCHEMA)).toList(),
                c.tables().stream().filter(t -> keep.test(t.ref())).toList(),
                c.constraints().stream().filter(x -> keep.test(x.table())).toList(),
                c.indexes().stream().filter(x -> keep.test(x.table())).toList(),
                c.sequences().stream().filter(x -> !ownObject(x.ref().toString())).toList(),
                c.views(), c.functions(), c.triggers().stream().filter(x -> keep.test(x.table())).toList(), c.enums(), c.extensions());
    }

    private interface InSnapshot<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T readOnly(InSnapshot<T> body) {
        try (Connection c = b.target().open("bulwark-deploy-verify")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                s.execute("SET LOCAL lock_timeout = '10s'");
            }
            T t = body.run(c);
            c.rollback();
            return t;
        } catch (SQLException e) {
            throw new BulwarkException(dev.bulwark.ErrorCode.DATABASE, "cannot read " + database + ": " + e.getMessage(), null, e);
        }
    }

    private CatalogSnapshot catalog() {
        return readOnly(c -> withoutOwnObjects(new CatalogReader(c).read()));
    }

    /** Over several connections sharing {@code c}'s snapshot (readOnly's REPEATABLE READ transaction). */
    private Fingerprinter fingerprinter(Connection c) {
        return new Fingerprinter(c, Fingerprinter.DEFAULT_CHUNK_ROWS, () -> b.target().open("bulwark-deploy-fingerprint"),
                Fingerprinter.defaultJobs());
    }

    private DataSnapshot fingerprint() {
        return readOnly(c -> fingerprinter(c).snapshot(withoutOwnObjects(new CatalogReader(c).read())));
    }

    private DataComparison compare(DataSnapshot before, ExpectedChanges expected) {
        return readOnly(c -> new DataComparer(fingerprinter(c))
                .compare(before, withoutOwnObjects(new CatalogReader(c).read()), expected::why));
    }

    private VerifyResult verify() {
        try (Connection c = b.target().open("bulwark-deploy-verify")) {
            Path checks = settings.checksDir() != null ? settings.checksDir() : b.config().checksDir();
            return new Verifier(c, new VerifyOptions(List.of(), checks, Set.of(), VerifyOptions.DEFAULT_SAMPLE_ROWS)).run(database);
        } catch (SQLException e) {
            throw new BulwarkException(dev.bulwark.ErrorCode.DATABASE, "verify failed: " + e.getMessage(), null, e);
        }
    }

    private static Set<String> findingKeys(VerifyResult v) {
        Set<String> out = new HashSet<>();
        v.findings().forEach(f -> out.add(key(f)));
        return out;
    }

    private static String key(Finding f) {
        return f.check().id() + "|" + f.object();
    }

    // ------------------------------------------------------------------ migrations

    /** where the apply stage stopped before a contract-phase migration, or null */
    private dev.bulwark.execute.PhaseBarrier barrier;

    /** Where migrate stops when the contract phase is not allowed (the first pending contract-phase migration), else null. */
    private dev.bulwark.execute.PhaseBarrier contractWaiting() {
        if (b.contractPhaseAllowed()) {
            return null;
        }
        try {
            return dev.bulwark.execute.PhaseBarrier.inStatus(b.status());
        } catch (BulwarkException e) {
            return null;
        }
    }

    private List<Migration> pending() {
        try {
            return b.status().stream().filter(s -> s.migration() != null && (s.state() == MigrationState.PENDING
                    || s.state() == MigrationState.OUTDATED || s.state() == MigrationState.FAILED)).map(MigrationStatus::migration).toList()
                    .stream().collect(Collectors.collectingAndThen(Collectors.toList(), b::beforeBarrier));
        } catch (BulwarkException e) {
            return List.of(); // preflight's migration-set check reports it
        }
    }

    private Set<String> appliedVersions() {
        Set<String> out = new LinkedHashSet<>();
        for (MigrationStatus s : b.status()) {
            if (s.state() == MigrationState.APPLIED || s.state() == MigrationState.EDITED) {
                out.add(s.id());
            }
        }
        return out;
    }

    private List<String> newlyApplied(Set<String> before) {
        List<String> out = new ArrayList<>();
        for (String v : appliedVersions()) {
            if (!before.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private String version() {
        try (Connection c = b.target().open("bulwark-deploy")) {
            return CurrentVersion.read(c, b.config().historySchema());
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ stages and report

    private int stageSeq = -1;
    private String stageName;

    /** Journals that a stage starts (committed before its work begins); returns its start time. */
    private Instant begin(String name) {
        Instant t0 = Instant.now();
        stageSeq = seq++;
        stageName = name;
        if (journaled) {
            journal.write(new DeployJournal.Entry(id, stageSeq, DeployJournal.STAGE, name, "started", null, null, t0, null));
        }
        return t0;
    }

    private void stage(String name, Instant t0, Status status, String decision, List<String> details) {
        int at = name.equals(stageName) ? stageSeq : seq++;
        stageName = null;
        stage(name, t0, at, status, decision, details);
    }

    private void stage(String name, Instant t0, int at, Status status, String decision, List<String> details) {
        Stage s = new Stage(name, status, t0, Duration.between(t0, Instant.now()).toMillis(), Masking.mask(decision),
                details.stream().map(Masking::mask).toList());
        stages.add(s);
        if (journaled) {
            journal.write(new DeployJournal.Entry(id, at, DeployJournal.STAGE, name, status.label(), s.decision(), null, t0, Instant.now()));
        }
        String line = name + ": " + status.label() + " (" + Durations.human(Duration.ofMillis(s.durationMs())) + ")"
                + (decision == null ? "" : " — " + s.decision());
        if (status == Status.FAILED) {
            out.warn(line);
            s.details().forEach(d -> out.warn("  " + d));
        } else {
            out.info(line);
            if (status == Status.WARN) {
                s.details().forEach(d -> out.info("  " + d));
            }
        }
        warn(audit.record(id, s));
        note(s, "stage", null);
    }

    private void note(Stage s, String event, String summary) {
        warn(notifier.send(id, database, event, s, summary));
    }

    private void warn(String w) {
        if (w != null) {
            warnings.add(w);
            out.warn(w);
        }
    }

    private DeployReport finish(Outcome outcome, List<String> applied, String state, String todo) {
        DeployReport r = new DeployReport(id, database, started, Instant.now(), outcome, outcome.exitCode(), versionBefore, version(),
                stages, applied, backup == null ? null : backup.data().toString(), taken, preflight, Masking.mask(state),
                todo == null ? null : Masking.mask(todo));
        if (journaled) {
            // the deploy reached its outcome: from now on nothing is owed
            journal.write(new DeployJournal.Entry(id, 0, DeployJournal.HEADER, "deploy", "finished", outcome.label() + ": " + r.state(),
                    null, started, Instant.now()));
        }
        Path dir = PrivateFiles.directory(settings.reportDir());
        PrivateFiles.write(dir.resolve(id + ".json"), Masking.mask(CatalogJson.write(r)));
        PrivateFiles.write(dir.resolve(id + ".md"), Masking.mask(r.markdown()));
        note(null, "finished", outcome.label() + ": " + r.state());
        return r;
    }

    /** Where the reports of a deploy are written. */
    public static Path reportFile(DeploySettings s, DeployReport r, String extension) {
        return s.reportDir().resolve(r.id() + "." + extension);
    }

    private static String message(Exception e) {
        return e instanceof BulwarkException be ? be.describe() : Masking.mask(String.valueOf(e.getMessage()));
    }
}
