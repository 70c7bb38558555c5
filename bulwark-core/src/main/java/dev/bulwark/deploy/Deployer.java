package dev.bulwark.deploy;

import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.backup.BackupCipher;
import dev.bulwark.backup.Backups;
import dev.bulwark.backup.CurrentVersion;
import dev.bulwark.backup.PrivateFiles;
import dev.bulwark.catalog.CatalogDiff;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.deploy.DeployReport.Outcome;
import dev.bulwark.deploy.DeployReport.Stage;
import dev.bulwark.deploy.DeployReport.Status;
import dev.bulwark.execute.Listener;
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
import java.util.Locale;
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
    private static final Set<String> HISTORY_TABLES = Set.of(HistoryTable.NAME, Audit.NAME, "flyway_schema_history",
            "schema_migrations", "_prisma_migrations", "__drizzle_migrations", "alembic_version");

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

    private final DeployTarget b;
    private final DeploySettings settings;
    private final Backups backups;
    private final Options options;
    private final Listener out;
    private final Notifier notifier;
    private final Audit audit;
    private final Snapshots snapshots;
    private final List<Stage> stages = new ArrayList<>();
    private final List<Snapshots.Snapshot> taken = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final ExternalTool tool;
    private String id;
    private String database;

    public Deployer(DeployTarget b, DeploySettings settings, Backups backups, Options options, Listener out) {
        this.b = b;
        this.settings = settings;
        this.backups = backups;
        this.options = options;
        this.out = out;
        this.notifier = new Notifier(settings.notifyUrl());
        this.audit = new Audit(b.target(), b.config().historySchema());
        this.snapshots = new Snapshots(settings.snapshotDir());
        this.tool = options.exec() == null ? null : new ExternalTool(options.exec(), b.config().projectDir());
    }

    public DeployReport run() {
        Instant started = Instant.now();
        // a random suffix: two deploys in one second (a retry, two hosts) must not share snapshot names
        id = "deploy_" + STAMP.format(started).toLowerCase(Locale.ROOT) + "_" + java.util.UUID.randomUUID().toString().substring(0, 4);
        database = b.targetDescription();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bulwark-deploy-deadline");
            t.setDaemon(true);
            return t;
        });
        if (!settings.maxDuration().isZero()) {
            watchdog.schedule(() -> {
                timedOut.set(true);
                if (tool != null) {
                    tool.kill();
                }
                b.cancel(); // the running statement's transaction rolls back; the pipeline then rolls back the rest
            }, settings.maxDuration().toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            return pipeline(started);
        } finally {
            watchdog.shutdownNow();
        }
    }

    private DeployReport pipeline(Instant started) {
        String versionBefore = version();
        note(null, "started", "deploy " + id + " started");

        // ---- preflight
        Instant t0 = Instant.now();
        CheckResult.Report preflight = new Preflight(b, settings, backups, options.exec()).run();
        List<CheckResult> failing = preflight.checks().stream()
                .filter(c -> c.outcome() == CheckResult.Outcome.FAIL && !options.ignoreChecks().contains(c.id())).toList();
        List<String> pre = preflight.checks().stream().filter(c -> c.outcome() != CheckResult.Outcome.PASS)
                .map(c -> c.outcome().label() + " " + c.id() + ": " + c.message()).toList();
        List<Migration> pending = tool != null ? List.of() : pending();
        if (!failing.isEmpty()) {
            stage("preflight", t0, Status.FAILED, "refused: " + failing.size() + " check(s) failed ("
                    + String.join(", ", failing.stream().map(CheckResult::id).toList()) + "); nothing was changed", pre);
            return finish(started, Outcome.REFUSED, versionBefore, List.of(), null, preflight,
                    "unchanged: the deploy was refused before anything ran", "fix the failed checks ('bulwark check' shows them)");
        }
        Set<String> baseline = findingKeys(verify());
        stage("preflight", t0, preflight.worst() == CheckResult.Outcome.WARN ? Status.WARN : Status.OK,
                pending.size() + " pending migration(s); " + preflight.count(CheckResult.Outcome.PASS) + " checks passed, "
                        + preflight.count(CheckResult.Outcome.WARN) + " warned", pre);
        if (pending.isEmpty() && tool == null) {
            stage("apply", Instant.now(), Status.SKIPPED, "nothing to deploy: the database is up to date", List.of());
            return finish(started, Outcome.DEPLOYED, versionBefore, List.of(), null, preflight,
                    "unchanged: it was already up to date" + (versionBefore != null ? " at " + versionBefore : ""), null);
        }

        // ---- backup, and the "before" picture the deploy is verified against
        t0 = Instant.now();
        Backups.Backup backup = null;
        DataSnapshot before;
        CatalogSnapshot beforeCatalog;
        try {
            if (options.backup()) {
                b.releaseConnections(); // a template-copy backup (embedded server, no pg_dump) needs the database to itself
                backup = backups.create(b.target(), new Backups.CreateOptions(1, options.backupKey(), options.toolVersion(), b.isEmbedded()));
                Backups.VerifyOutcome v = backups.verify(backup, options.backupKey(),
                        "template".equals(backup.manifest().dumpFormat()) ? b.target() : null);
                if (!v.ok()) {
                    throw new BulwarkException(dev.bulwark.ErrorCode.FINDINGS, "the backup just taken fails verification: "
                            + String.join("; ", v.problems()), "check the backup folder's disk");
                }
                before = withoutOwnTables(backup.manifest().data());
                beforeCatalog = catalog();
                stage("backup", t0, Status.OK, "backed up and verified: " + backup.name(), List.of(backup.data().toString()));
            } else {
                beforeCatalog = catalog();
                before = fingerprint();
                stage("backup", t0, Status.SKIPPED, "--no-backup: fingerprints taken, but no full restore is possible", List.of());
            }
        } catch (BulwarkException e) {
            stage("backup", t0, Status.FAILED, "refused: the backup failed; nothing was changed", List.of(e.describe()));
            return finish(started, Outcome.REFUSED, versionBefore, List.of(), null, preflight,
                    "unchanged: the deploy stopped before applying anything", "fix the backup (" + e.getMessage() + ") or pass --no-backup");
        }

        // ---- snapshots of what destructive statements remove
        t0 = Instant.now();
        try (Connection c = b.target().open("bulwark-snapshot")) {
            int n = 0;
            for (Snapshots.Planned p : Snapshots.plan(b.migrations().migrations(), pending.stream().map(Migration::id)
                    .collect(Collectors.toSet()))) {
                Snapshots.Snapshot s = snapshots.take(c, id, ++n, p.migration(), p.statement(), p.change());
                if (s != null) {
                    taken.add(s);
                }
            }
            stage("snapshots", t0, taken.isEmpty() ? Status.SKIPPED : Status.OK, taken.isEmpty()
                            ? (tool != null ? "the migrations are run by --exec: their statements are not known, the backup covers them"
                            : "no destructive statement touches an existing table") : taken.size() + " snapshot(s) taken",
                    taken.stream().map(s -> s.kind().label() + " " + s.table() + " (" + s.statement() + "): " + s.rows() + " rows in "
                            + s.location()).toList());
        } catch (SQLException | RuntimeException e) {
            stage("snapshots", t0, Status.FAILED, "refused: a snapshot failed; nothing was applied", List.of(message(e)));
            return finish(started, Outcome.REFUSED, versionBefore, List.of(), backup, preflight,
                    "unchanged: the deploy stopped before applying anything (snapshots already taken stay in " + Snapshots.SCHEMA + ")",
                    "fix the cause, then deploy again");
        }

        Set<String> appliedBefore = tool != null ? Set.of() : appliedVersions();
        // ---- apply
        t0 = Instant.now();
        String failure = null;
        List<String> applyDetails = new ArrayList<>();
        try {
            if (tool != null) {
                failure = runTool(tool, applyDetails);
                throw new Done();
            }
            MigrateResult r = b.migrate(null, false, false);
            r.applied().forEach(a -> applyDetails.add(a.id() + " " + a.description() + ": " + a.durationMs() + " ms, " + a.statements()
                    + " statement(s), lock waits " + a.lockWaitMs() + " ms, " + a.lockRetries() + " retries"));
            if (timedOut.get()) {
                failure = "max duration " + Durations.human(settings.maxDuration()) + " passed";
                applyDetails.add(failure);
            }
        } catch (Done done) {
            // the external tool ran; failure says how
        } catch (BulwarkException e) {
            failure = timedOut.get() ? "max duration " + Durations.human(settings.maxDuration()) + " passed: " + e.getMessage() : e.getMessage();
            if (timedOut.get()) {
                applyDetails.add("max duration " + Durations.human(settings.maxDuration()) + " passed: the running statement was cancelled");
            }
            applyDetails.add(e.describe());
        }
        List<String> applied = tool != null ? List.of() : newlyApplied(appliedBefore);
        if (failure != null) {
            stage("apply", t0, Status.FAILED, "rolling back: the apply failed", applyDetails);
            return rollback(started, versionBefore, applied, backup, preflight, before, beforeCatalog, "the apply stage failed", appliedBefore);
        }
        stage("apply", t0, Status.OK, tool != null ? "'" + tool.command() + "' succeeded"
                : applied.size() + " migration(s) applied; the database is at " + version(), applyDetails);

        // ---- verify
        t0 = Instant.now();
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
                    appliedMigrations.stream().map(Migration::id).collect(Collectors.toSet()), options.expectChange());
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
        if (timedOut.get()) {
            problems.add("max duration " + Durations.human(settings.maxDuration()) + " passed");
        }
        if (!problems.isEmpty()) {
            verifyDetails.addAll(0, problems);
            stage("verify", t0, Status.FAILED, "rolling back: " + problems.size() + " problem(s) after applying", verifyDetails);
            return rollback(started, versionBefore, applied, backup, preflight, before, beforeCatalog, "verification failed", appliedBefore);
        }
        stage("verify", t0, Status.OK, "integrity, invariants and data as expected", verifyDetails);

        // ---- health
        if (settings.healthUrl() != null) {
            t0 = Instant.now();
            String bad = Notifier.probe(settings.healthUrl(), 3, Duration.ofSeconds(2));
            if (bad != null) {
                stage("health", t0, Status.FAILED, "rolling back: the health check failed", List.of(bad));
                return rollback(started, versionBefore, applied, backup, preflight, before, beforeCatalog, "the health check failed", appliedBefore);
            }
            stage("health", t0, Status.OK, "healthy", List.of(Masking.mask(settings.healthUrl()) + " answered"));
        }
        pruneSnapshots();
        return finish(started, Outcome.DEPLOYED, versionBefore, applied, backup, preflight,
                "deployed: " + applied.size() + " migration(s) applied and verified; the database is at " + version(), null);
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
        if (timedOut.get()) {
            return "max duration " + Durations.human(settings.maxDuration()) + " passed; '" + t.command() + "' was ended";
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

    // ------------------------------------------------------------------ rollback

    private DeployReport rollback(Instant started, String versionBefore, List<String> applied, Backups.Backup backup,
                                  CheckResult.Report preflight, DataSnapshot before, CatalogSnapshot beforeCatalog, String why,
                                  Set<String> appliedBefore) {
        Instant t0 = Instant.now();
        List<String> details = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        List<MigrationStatus> states = tool != null ? List.of() : b.status();
        for (MigrationStatus s : states) {
            HistoryEntry last = s.last();
            // resume_from 0: the first statement failed, so nothing of it stayed applied
            if (s.state() == MigrationState.FAILED && last != null && last.kind() != HistoryEntry.Kind.DOWN && last.resumeFrom() != null
                    && last.resumeFrom() > 0 && last.startedAt().isAfter(started)) {
                partial.add(s.id() + " (stopped at statement " + (last.resumeFrom() + 1) + ")");
            }
        }
        boolean structural = true;
        if (tool != null) {
            if (options.execRollback() != null) {
                ExternalTool undo = new ExternalTool(options.execRollback(), b.config().projectDir());
                String bad = runTool(undo, details);
                structural = bad == null;
                details.add(bad == null ? "'" + undo.command() + "' succeeded" : "'" + undo.command() + "' failed: " + bad);
            } else {
                structural = false;
                details.add("no --exec-rollback command: only the backup can undo what '" + tool.command() + "' did");
            }
        } else if (!partial.isEmpty()) {
            structural = false;
            details.add("not rolled back by downs: " + String.join(", ", partial) + " ran part way outside a transaction;"
                    + " its down would run against a half-applied migration");
        } else if (!applied.isEmpty()) {
            try {
                MigrateResult r = b.rollback(applied.size(), null, false);
                r.applied().forEach(a -> details.add("down of " + a.id() + " " + a.description() + ": " + a.durationMs() + " ms"));
            } catch (BulwarkException e) {
                structural = false;
                details.add("downs failed: " + e.describe());
            }
        } else {
            details.add("no migration of this deploy stayed applied: nothing to undo by downs");
        }
        if (structural) {
            try (Connection c = b.target().open("bulwark-snapshot")) {
                List<Snapshots.Snapshot> mine = new ArrayList<>(taken.stream().filter(s -> applied.contains(s.migration())).toList());
                java.util.Collections.reverse(mine);
                for (Snapshots.Snapshot s : mine) {
                    long n = snapshots.restore(c, s);
                    details.add("snapshot " + s.id() + " restored into " + s.table() + ": " + n + " row(s) put back");
                    taken.replaceAll(x -> x.id().equals(s.id()) ? x.restored(Instant.now()) : x);
                }
            } catch (SQLException | RuntimeException e) {
                structural = false;
                details.add("snapshot restore failed: " + message(e));
            }
        }
        List<String> differences = differences(before, beforeCatalog);
        boolean restored = false;
        if (!differences.isEmpty() && settings.allowRestore() && backup != null) {
            details.add("after downs and snapshots the database still differs: " + String.join("; ", differences));
            details.add("restoring the backup " + backup.name() + " (--allow-restore)");
            try {
                b.releaseConnections();
                backups.restore(backup, options.backupKey(), b.target(), true, true,
                        new Backups.CreateOptions(1, options.backupKey(), options.toolVersion()));
                restored = true;
                for (Stage s : stages) {
                    warn(audit.record(id, s)); // the restored database's audit table predates this deploy
                }
                differences = differences(before, beforeCatalog);
            } catch (BulwarkException e) {
                details.add("full restore failed: " + e.describe());
            }
        }
        boolean back = differences.isEmpty();
        details.add(back ? "verified: schema and every table's fingerprint equal the ones taken before the deploy"
                : "NOT back as before: " + String.join("; ", differences));
        String decision = back ? "rolled back" + (restored ? " by a full restore" : "") + " and verified"
                : "could not prove the database back: a human must act";
        stage("rollback", t0, back ? Status.OK : Status.FAILED, decision, details);
        List<String> still = tool != null ? List.of() : newlyApplied(appliedBefore);
        if (back) {
            return finish(started, Outcome.ROLLED_BACK, versionBefore, List.of(), backup, preflight,
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
        return finish(started, Outcome.NOT_ROLLED_BACK, versionBefore, still, backup, preflight,
                "NOT rolled back (" + why + "; see the report): the database" + (version() != null ? " is at " + version() + " and" : "")
                        + " differs from before the deploy", todo);
    }

    /** What differs from before: schema changes and tables whose fingerprint changed (own tables and --expect-change excluded). */
    private List<String> differences(DataSnapshot before, CatalogSnapshot beforeCatalog) {
        List<String> out = new ArrayList<>();
        try {
            CatalogSnapshot now = catalog();
            for (CatalogDiff.Change ch : CatalogDiff.between(beforeCatalog, now).changes()) {
                out.add("schema: " + ch);
            }
            ExpectedChanges others = ExpectedChanges.of(List.of(), options.expectChange());
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

    private DataSnapshot fingerprint() {
        return readOnly(c -> new Fingerprinter(c, Fingerprinter.DEFAULT_CHUNK_ROWS).snapshot(withoutOwnObjects(new CatalogReader(c).read())));
    }

    private DataComparison compare(DataSnapshot before, ExpectedChanges expected) {
        return readOnly(c -> new DataComparer(new Fingerprinter(c, Fingerprinter.DEFAULT_CHUNK_ROWS))
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

    private List<Migration> pending() {
        try {
            return b.status().stream().filter(s -> s.migration() != null && (s.state() == MigrationState.PENDING
                    || s.state() == MigrationState.OUTDATED || s.state() == MigrationState.FAILED)).map(MigrationStatus::migration).toList();
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

    private void stage(String name, Instant t0, Status status, String decision, List<String> details) {
        Stage s = new Stage(name, status, t0, Duration.between(t0, Instant.now()).toMillis(), Masking.mask(decision),
                details.stream().map(Masking::mask).toList());
        stages.add(s);
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

    private DeployReport finish(Instant started, Outcome outcome, String versionBefore, List<String> applied, Backups.Backup backup,
                                CheckResult.Report preflight, String state, String todo) {
        DeployReport r = new DeployReport(id, database, started, Instant.now(), outcome, outcome.exitCode(), versionBefore, version(),
                stages, applied, backup == null ? null : backup.data().toString(), taken, preflight, Masking.mask(state),
                todo == null ? null : Masking.mask(todo));
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
