package dev.bulwark.execute;

import dev.bulwark.Backoff;
import dev.bulwark.Listener;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.CrashPoint;
import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.ErrorCode;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.history.HistoryEntry.Kind;
import dev.bulwark.history.HistoryEntry.Status;
import dev.bulwark.history.HistoryTable;
import dev.bulwark.history.ToolHistory;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationKind;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationVersion;
import dev.bulwark.migration.Script;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.pg.Masking;
import dev.bulwark.pg.SqlStates;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.plan.Reconciler;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.StatementClassifier;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies and reverts migrations on one database. Orchestrates: read history, reconcile with the
 * files, validate everything up front, then take the migration lock and run each migration in
 * its steps under lock_timeout with retries, recording history as it goes.
 *
 * <p>Two connections: {@code work} runs the migrations; {@code monitor} holds the advisory lock
 * and, while a statement runs, samples who blocks it.
 */
public final class Migrator {
    private final BulwarkConfig config;
    private final Connection work;
    private final Connection monitor;
    private final MigrationSet set;
    private final Listener out;
    private final HistoryTable history;
    private final ToolHistory tool;
    private final int pgMajor;
    private final Path projectDir;
    /** this run's id, in the application_name of its sessions ({@link RunSessions}) */
    private final String runId;
    /** asked when a resume meets a statement whose effect the catalog cannot show; null = stop and say how to decide */
    private volatile UncertainStepResolver resolver;

    private volatile java.sql.Statement running;
    /** how backfill steps pace themselves; null: the defaults */
    private volatile dev.bulwark.backfill.BackfillOptions backfillOptions;
    private volatile dev.bulwark.backfill.BackfillProgress backfillProgress;
    /** the backfill steps this Migrator ran, in order */
    private final List<dev.bulwark.backfill.BackfillResult> backfills = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Integer pid;
    /** the session's lock_timeout, as set for the migration running now */
    private Duration currentLockTimeout;

    public Migrator(BulwarkConfig config, Connection work, Connection monitor, MigrationSet set, Listener out) {
        this(config, work, monitor, set, out, RunSessions.newRunId());
    }

    /**
     * @param runId the run id the sessions {@code work} and {@code monitor} carry in their application_name
     *              ({@link RunSessions#applicationName}); a resume deals with other runs' backends first
     */
    public Migrator(BulwarkConfig config, Connection work, Connection monitor, MigrationSet set, Listener out, String runId) {
        this.runId = runId;
        this.config = config;
        this.work = work;
        this.monitor = monitor;
        this.set = set;
        this.out = out;
        this.history = new HistoryTable(config.historySchema());
        this.tool = ToolHistory.forFormat(set.format(), config.historySchema());
        this.projectDir = config.projectDir();
        HistoryTable.localHost(); // looked up now, not later while a migration holds its locks
        try {
            this.pgMajor = serverMajor(work);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read the server version: " + e.getMessage(), null, e);
        }
    }

    public int serverMajor() {
        return pgMajor;
    }

    /** What a resume does with a statement that was running when an earlier run was killed. */
    public enum StepDecision {
        /** it took effect: record it as done and go on */
        DONE,
        /** it did not: run it again */
        RERUN
    }

    /** A statement an earlier, killed run was executing, whose effect the catalog cannot show. */
    public record UncertainStep(String migrationId, String description, boolean down, int statement, int statements,
                                String position, String sql, String reason) {
    }

    /** Decides about an {@link UncertainStep}; returns null to stop without deciding. */
    @FunctionalInterface
    public interface UncertainStepResolver {
        StepDecision decide(UncertainStep step);
    }

    /** How {@code -- bulwark:backfill} steps pace themselves (lag limits, throttle query, target batch duration). */
    public void backfillOptions(dev.bulwark.backfill.BackfillOptions options, dev.bulwark.backfill.BackfillProgress progress) {
        this.backfillOptions = options;
        this.backfillProgress = progress;
    }

    /** The backfill steps run so far, in order. */
    public List<dev.bulwark.backfill.BackfillResult> backfills() {
        return List.copyOf(backfills);
    }

    /** Sets who decides about a statement whose effect cannot be checked; without one, the run stops and says how to decide. */
    public void onUncertainStep(UncertainStepResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * Deals with the backends of earlier runs (a killed run whose statement the server still
     * executes): waits for them up to --lock-wait, then terminates them. Holding the migration lock.
     */
    private void settleEarlierRuns() {
        try {
            RunSessions.settle(monitor, history.qualifiedName(), runId, config.lockWait(), out);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot look for an earlier run's sessions: " + e.getMessage(),
                    "the user needs to read pg_stat_activity (pg_read_all_stats) and to end its own sessions", e);
        }
    }

    static int serverMajor(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        }
    }

    // ------------------------------------------------------------------ status

    public List<MigrationStatus> status() {
        try {
            Map<String, ToolHistory.ToolState> foreign = tool == null ? Map.of() : tool.read(work, set.migrations());
            List<MigrationStatus> states = Reconciler.reconcile(set, history.read(work), foreign, tool);
            return markLiveRuns(states);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read history: " + e.getMessage(), null, e);
        }
    }

    /**
     * A row still marked running is an interrupted run, unless another session holds the
     * migration lock right now: then it is a run in progress, and nothing may touch it.
     */
    private List<MigrationStatus> markLiveRuns(List<MigrationStatus> states) throws SQLException {
        if (states.stream().noneMatch(x -> x.last() != null && x.last().status() == Status.RUNNING)) {
            return states;
        }
        var holder = AdvisoryLock.holder(monitor, AdvisoryLock.keyFor(history.qualifiedName()));
        if (holder.isEmpty() || holder.get().pid() == monitorPid()) {
            return states;
        }
        List<MigrationStatus> out = new ArrayList<>();
        for (MigrationStatus x : states) {
            out.add(x.last() != null && x.last().status() == Status.RUNNING
                    ? new MigrationStatus(x.id(), x.description(), MigrationState.RUNNING, x.migration(), x.last(), x.recordedBy(),
                    "being applied now by " + holder.get().describe())
                    : x);
        }
        return out;
    }

    private Integer monitorPid;

    private int monitorPid() throws SQLException {
        if (monitorPid == null) {
            try (java.sql.Statement st = monitor.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
                rs.next();
                monitorPid = rs.getInt(1);
            }
        }
        return monitorPid;
    }

    public List<HistoryEntry> history() {
        return history.read(work);
    }

    // ------------------------------------------------------------------ migrate

    /**
     * Applies pending migrations up to {@code target} (inclusive; null = all).
     *
     * @param allowOutOfOrder apply migrations that sort before applied ones instead of refusing
     */
    public MigrateResult migrate(String target, boolean dryRun, boolean allowOutOfOrder) {
        if (dryRun) {
            List<Run> plan = planUp(status(), target, allowOutOfOrder);
            Barrier barrier = barrier(plan);
            return new MigrateResult(List.of(), dryRun(barrier.before(plan)), currentVersion(status()), barrier.stop());
        }
        try (AdvisoryLock lock = lock(); ToolHistory.Held toolLock = toolLock(); BlockerWatch watch = new BlockerWatch(monitor)) {
            CrashPoint.here("migrate.lock.acquired");
            settleEarlierRuns();
            List<MigrationStatus> states = status();
            List<Run> all = planUp(states, target, allowOutOfOrder);
            Barrier barrier = barrier(all);
            List<Run> plan = barrier.before(all);
            if (plan.isEmpty()) {
                if (barrier.stop() != null) {
                    out.info(barrier.stop().message());
                }
                return new MigrateResult(List.of(), List.of(), currentVersion(states), barrier.stop());
            }
            ensureHistory();
            List<Applied> done = new ArrayList<>();
            for (Run r : plan) {
                done.add(execute(r, watch));
            }
            if (barrier.stop() != null) {
                out.info(barrier.stop().message());
            }
            return new MigrateResult(done, List.of(), currentVersion(status()), barrier.stop());
        }
    }

    /**
     * Whether migrate runs {@code -- bulwark:phase contract} migrations. Off by default: migrate stops
     * before the first pending one (the application release between the phases is the user's), and
     * says so in {@link MigrateResult#barrier()}.
     */
    public void allowContractPhase(boolean allow) {
        this.allowContract = allow;
    }

    private volatile boolean allowContract;

    private record Barrier(int index, PhaseBarrier stop) {
        List<Run> before(List<Run> plan) {
            return index < 0 ? plan : plan.subList(0, index);
        }
    }

    private Barrier barrier(List<Run> plan) {
        if (allowContract) {
            return new Barrier(-1, null);
        }
        List<Migration> ups = plan.stream().map(Run::migration).toList();
        return new Barrier(PhaseBarrier.indexIn(ups), PhaseBarrier.in(ups));
    }

    /** One script to run: a migration's up or down, from a statement index. */
    /**
     * @param resuming    an earlier run of this script failed or was killed part way
     * @param interrupted the history row of a killed earlier run (still marked running), to mark interrupted; or null
     * @param uncertain   the statement at {@code resumeFrom} may have taken effect (it was running when the earlier run
     *                    ended without an answer from the server)
     */
    private record Run(Migration migration, boolean down, List<Statement> statements, List<Step> steps, int resumeFrom,
                       Migration previous, boolean resuming, Long interrupted, boolean uncertain, boolean ranAloneMark) {
        Run(Migration migration, boolean down, List<Statement> statements, List<Step> steps, int resumeFrom, Migration previous) {
            this(migration, down, statements, steps, resumeFrom, previous, false, null, false, false);
        }

        /** the earlier run was executing the statement at resumeFrom alone, outside a transaction */
        boolean ranAlone() {
            return uncertain && ranAloneMark;
        }

        Run resumingAfter(HistoryEntry row) {
            boolean killed = row.status() == Status.RUNNING || row.status() == Status.INTERRUPTED;
            boolean lost = row.status() == Status.FAILED && row.error() != null && connectionLost(row.error());
            return new Run(migration, down, statements, steps, resumeFrom, previous, true,
                    row.status() == Status.RUNNING ? row.id() : null, killed || lost || row.status() == Status.REPAIRED,
                    row.error() != null && row.error().startsWith(RAN_ALONE));
        }

        String label() {
            return (down ? "down of " : "") + migration.id() + " " + migration.description();
        }
    }

    private List<Run> planUp(List<MigrationStatus> states, String target, boolean allowOutOfOrder) {
        MigrationVersion to = target == null ? null : MigrationVersion.of(target);
        if (to != null && states.stream().noneMatch(s -> s.migration() != null && s.migration().version() != null
                && s.migration().version().equals(to))) {
            throw BulwarkException.usage("--to " + target + ": no migration has this version", "run 'bulwark status' to see the versions");
        }
        List<Run> runs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (MigrationStatus s : states) {
            Migration m = s.migration();
            if (m == null) {
                out.warn("warning: " + s.id() + " " + s.description() + " is recorded as applied but its file is missing");
                continue;
            }
            if (to != null && m.kind() == MigrationKind.VERSIONED && m.version().compareTo(to) > 0) {
                continue;
            }
            switch (s.state()) {
                case PENDING, OUTDATED -> {
                    HistoryEntry row = s.last();
                    if (s.state() == MigrationState.PENDING && row != null && row.status() == Status.REPAIRED
                            && row.kind() != Kind.DOWN && row.resumeFrom() != null && row.resumeFrom() > 0) {
                        // repaired part way: what ran before the failed statement stays applied and never runs twice
                        runs.add(run(m, false, row.resumeFrom()).resumingAfter(row));
                    } else {
                        runs.add(run(m, false, 0));
                    }
                }
                case OUT_OF_ORDER -> {
                    if (allowOutOfOrder) {
                        runs.add(run(m, false, 0));
                    } else {
                        problems.add(m.id() + " is out of order (" + s.detail() + ")"
                                + " — rename it to sort last, or pass --out-of-order"
                                + (m.format() == dev.bulwark.migration.MigrationFormat.GOOSE
                                ? " (what goose's -allow-missing does; goose refuses it too)" : ""));
                    }
                }
                case EDITED -> problems.add(m.id() + " was edited after it was applied (" + rel(m.location()) + ")"
                        + " — restore the file as it was, or run 'bulwark repair' to accept the edit");
                case RUNNING -> problems.add(m.id() + " " + s.detail());
                case FAILED -> {
                    HistoryEntry row = s.last();
                    if (row != null && row.kind() != Kind.DOWN && row.resumeFrom() != null) {
                        if (!m.up().sha256().equals(row.upSha256())) {
                            // the usual fix for a failed statement is to edit it; what ran before it must not change
                            out.warn("warning: " + m.id() + " changed since it failed; resuming at statement "
                                    + (row.resumeFrom() + 1) + " assumes the statements before it are the ones that ran");
                        }
                        runs.add(run(m, false, row.resumeFrom()).resumingAfter(row));
                    } else if (row != null && row.kind() == Kind.DOWN) {
                        problems.add(m.id() + ": its down failed part way — run 'bulwark rollback' to resume it, or"
                                + " repair the database and run 'bulwark repair'");
                    } else {
                        problems.add(m.id() + " failed earlier (" + s.detail() + ")"
                                + " — repair the database by hand, then run 'bulwark repair'");
                    }
                }
                default -> {
                }
            }
        }
        if (!problems.isEmpty()) {
            throw BulwarkException.usage("cannot migrate: " + String.join("; ", problems), "nothing was changed");
        }
        return runs;
    }

    private Run run(Migration m, boolean down, int resumeFrom) {
        Script script = down ? m.down() : m.up();
        List<Statement> statements = SqlSplitter.split(script.sql(), rel(script.file()), script.firstLine());
        List<Step> steps = StepPlanner.plan(statements, m.options().transactional(), pgMajor,
                dev.bulwark.migration.Directives.backfillLines(script));
        if (resumeFrom > statements.size()) {
            throw BulwarkException.usage(m.id() + ": history says resume at statement " + (resumeFrom + 1)
                    + " but the file has " + statements.size(), "run 'bulwark repair'");
        }
        return new Run(m, down, statements, steps, resumeFrom, null);
    }

    // ------------------------------------------------------------------ rollback

    /** Reverts the last {@code steps} applied migrations, or all above {@code toVersion}. */
    public MigrateResult rollback(Integer steps, String toVersion, boolean dryRun) {
        if (dryRun) {
            return new MigrateResult(List.of(), dryRun(planDown(status(), steps, toVersion)), currentVersion(status()));
        }
        try (AdvisoryLock lock = lock(); ToolHistory.Held toolLock = toolLock(); BlockerWatch watch = new BlockerWatch(monitor)) {
            CrashPoint.here("rollback.lock.acquired");
            settleEarlierRuns();
            List<Run> plan = planDown(status(), steps, toVersion);
            ensureHistory();
            List<Applied> done = new ArrayList<>();
            for (Run r : plan) {
                done.add(execute(r, watch));
            }
            return new MigrateResult(done, List.of(), currentVersion(status()));
        }
    }

    private List<Run> planDown(List<MigrationStatus> states, Integer steps, String toVersion) {
        if (steps != null && toVersion != null) {
            throw BulwarkException.usage("--steps and --to exclude each other", "give one of them");
        }
        List<MigrationStatus> applied = new ArrayList<>();
        MigrationStatus resumable = null;
        for (MigrationStatus s : states) {
            if (s.migration() == null || s.migration().kind() != MigrationKind.VERSIONED) {
                continue;
            }
            if (s.state() == MigrationState.APPLIED || s.state() == MigrationState.EDITED) {
                applied.add(s);
            } else if (s.state() == MigrationState.FAILED && s.last() != null && s.last().kind() == Kind.DOWN) {
                resumable = s;
            }
        }
        List<MigrationStatus> chosen = new ArrayList<>();
        if (resumable != null) {
            chosen.add(resumable);
        }
        java.util.Collections.reverse(applied);
        if (toVersion != null) {
            MigrationVersion to = MigrationVersion.of(toVersion);
            if (states.stream().noneMatch(s -> s.migration() != null && to.equals(s.migration().version()))) {
                throw BulwarkException.usage("--to " + toVersion + ": no migration has this version",
                        "run 'bulwark status' to see the versions");
            }
            for (MigrationStatus s : applied) {
                if (s.migration().version().compareTo(to) > 0) {
                    chosen.add(s);
                }
            }
        } else {
            int n = steps == null ? 1 : steps;
            if (n < 1) {
                throw BulwarkException.usage("--steps must be at least 1, was " + n, "give a positive number");
            }
            for (int i = 0; i < applied.size() && chosen.size() < n; i++) {  // a resumed down counts as one of the n
                chosen.add(applied.get(i));
            }
        }
        // never revert underneath a migration that is half applied or whose file is gone
        if (!chosen.isEmpty()) {
            MigrationVersion lowest = chosen.stream().map(x -> x.migration().version()).min(java.util.Comparator.naturalOrder()).orElseThrow();
            List<String> above = new ArrayList<>();
            for (MigrationStatus s : states) {
                boolean halfUp = s.state() == MigrationState.FAILED && s != resumable;
                boolean missing = s.state() == MigrationState.MISSING;
                if ((halfUp || missing) && s.last() != null && s.last().kind() != Kind.REPEATABLE
                        && MigrationVersion.of(s.id()).compareTo(lowest) > 0) {
                    above.add(s.id() + " (" + s.state().label() + ")");
                }
            }
            if (!above.isEmpty()) {
                throw BulwarkException.usage("cannot roll back underneath " + String.join(", ", above),
                        "finish or repair those first (bulwark migrate / bulwark repair); nothing was changed");
            }
        }
        List<String> noDown = new ArrayList<>();
        for (MigrationStatus s : chosen) {
            Migration m = s.migration();
            if (!m.hasDown() || dev.bulwark.sql.SqlText.isBlank(m.down().sql())) {
                noDown.add(m.id() + " " + m.description() + (m.hasDown() ? " (empty down)" : " (no down)"));
            } else if (s.state() == MigrationState.EDITED) {
                noDown.add(m.id() + " (edited after it was applied: its down may not match what ran)");
            }
        }
        if (!noDown.isEmpty()) {
            throw BulwarkException.usage("cannot roll back: " + String.join(", ", noDown),
                    "nothing was changed; write the down, or restore from a backup");
        }
        List<Run> runs = new ArrayList<>();
        for (MigrationStatus s : chosen) {
            Migration m = s.migration();
            int from = s == resumable && s.last().resumeFrom() != null ? s.last().resumeFrom() : 0;
            Run r = run(m, true, from);
            if (s == resumable) {
                r = r.resumingAfter(s.last());
            }
            // what is current once this is reverted: the highest version below it that stays applied (baselines count)
            Migration previous = states.stream()
                    .filter(p -> p.state().isApplied() && p.migration() != null && p.migration().kind() == MigrationKind.VERSIONED)
                    .map(MigrationStatus::migration)
                    .filter(p -> p.version().compareTo(m.version()) < 0)
                    .filter(p -> chosen.stream().noneMatch(c -> c.migration() == p))
                    .reduce((a, b) -> b).orElse(null);
            runs.add(new Run(r.migration(), true, r.statements(), r.steps(), r.resumeFrom(), previous, r.resuming(),
                    r.interrupted(), r.uncertain(), r.ranAloneMark()));
        }
        return runs;
    }

    // ------------------------------------------------------------------ baseline / repair

    /** Records that the database already has everything up to {@code version}. */
    public void baseline(String version, String description) {
        MigrationVersion v = MigrationVersion.of(version);
        try (AdvisoryLock lock = lock(); ToolHistory.Held toolLock = toolLock()) {
            List<HistoryEntry> rows = history.read(work);
            if (rows.stream().anyMatch(r -> r.status() == Status.SUCCESS && r.kind() != Kind.DOWN)) {
                throw BulwarkException.usage("cannot baseline: " + history.qualifiedName() + " already records applied migrations",
                        "baseline only adopts a database Bulwark has never migrated; see 'bulwark history'");
            }
            ensureHistory();
            Map<String, ToolHistory.ToolState> foreign = tool == null ? Map.of() : tool.read(work, set.migrations());
            // the baseline row and the tool's rows for what it covers, together: the tool run afterwards must not
            // run again what the database already has (diesel, goose, dbmate... have no baseline of their own)
            work.setAutoCommit(false);
            history.insert(work, new HistoryEntry(0, v.toString(), description, Kind.BASELINE, null, null, null, null,
                    Instant.now(), 0L, 0, 0L, 0L, Status.SUCCESS, null, null));
            if (tool != null) {
                for (Migration m : set.migrations()) {
                    if (m.kind() == MigrationKind.VERSIONED && m.version().compareTo(v) <= 0
                            && foreign.get(tool.key(m)) != ToolHistory.ToolState.APPLIED) {
                        tool.adopted(work, m);
                    }
                }
            }
            work.commit();
            work.setAutoCommit(true);
        } catch (SQLException e) {
            rollbackQuietly();
            throw new BulwarkException(ErrorCode.DATABASE, "baseline failed: " + e.getMessage(), null, e);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** One change {@code repair} makes. */
    public record RepairAction(String id, String description, long historyId, String what) {
    }

    /** What {@code repair} would change: failed entries to mark repaired, edited files to accept. */
    public List<RepairAction> planRepair() {
        return planRepair(status());
    }

    private static List<RepairAction> planRepair(List<MigrationStatus> states) {
        List<RepairAction> actions = new ArrayList<>();
        for (MigrationStatus s : states) {
            if (s.state() == MigrationState.FAILED && s.last() != null) {
                Integer at = s.last().resumeFrom();
                String next = s.last().kind() == Kind.DOWN ? "the migration counts as rolled back"
                        : at != null && at > 0 ? "the next migrate resumes at statement " + (at + 1)
                        + (s.last().statements() != null ? " of " + s.last().statements() : "")
                        + "; the statements before it stay applied and never run again"
                        : "the next migrate runs it again from the start";
                actions.add(new RepairAction(s.id(), s.description(), s.last().id(),
                        "mark the " + (s.last().status() == Status.FAILED ? "failed " : "interrupted ")
                                + (s.last().kind() == Kind.DOWN ? "down" : "run") + " (history #" + s.last().id()
                                + ") as repaired: " + next));
            } else if (s.state() == MigrationState.EDITED) {
                actions.add(new RepairAction(s.id(), s.description(), s.last().id(),
                        "accept the edited file: record its new SHA-256 in history #" + s.last().id()));
            }
        }
        return actions;
    }

    /** Applies the confirmed actions that still apply once the lock is held (a run may have finished meanwhile). */
    public void repair(List<RepairAction> actions) {
        try (AdvisoryLock lock = lock()) {
            settleEarlierRuns();
            List<MigrationStatus> now = status();
            java.util.Set<Long> still = new java.util.HashSet<>();
            planRepair(now).forEach(x -> still.add(x.historyId()));
            for (RepairAction a : actions) {
                MigrationStatus s = now.stream().filter(x -> x.id().equals(a.id())).findFirst().orElse(null);
                if (s == null || !still.contains(a.historyId())) {
                    out.warn("skipped " + a.id() + ": its state changed while repair waited for the migration lock");
                    continue;
                }
                if (s.state() == MigrationState.EDITED) {
                    Migration m = s.migration();
                    history.realign(work, a.historyId(), m.up().sha256(), m.hasDown() ? m.down().sha256() : null);
                } else if (!history.markRepaired(work, a.historyId())) {
                    out.warn("skipped " + a.id() + ": history #" + a.historyId() + " is no longer failed");
                }
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "repair failed: " + e.getMessage(), null, e);
        }
    }

    // ------------------------------------------------------------------ execution

    private AdvisoryLock lock() {
        long key = AdvisoryLock.keyFor(history.qualifiedName());
        return AdvisoryLock.acquire(monitor, key, config.lockWait(),
                h -> out.warn("waiting for the migration lock, held by " + h.describe()
                        + " (up to " + Durations.human(config.lockWait()) + ", --lock-wait)"));
    }

    /** The owning tool's own lock (Liquibase's DATABASECHANGELOGLOCK), taken after Bulwark's. */
    private ToolHistory.Held toolLock() {
        if (tool == null) {
            return () -> {
            };
        }
        try {
            return tool.lock(monitor);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot take " + tool.table() + "'s lock: " + e.getMessage(),
                    "the user needs to create and update the tool's lock table in schema " + config.historySchema(), e);
        }
    }

    private void ensureHistory() {
        try {
            history.ensure(work);
            if (tool != null) {
                tool.ensure(work);
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot create " + history.qualifiedName() + ": " + e.getMessage(),
                    "the user needs CREATE on schema " + config.historySchema(), e);
        }
    }

    private Applied execute(Run r, BlockerWatch watch) {
        Migration m = r.migration();
        Duration lockTimeout = m.options().lockTimeout() != null ? m.options().lockTimeout() : config.lockTimeout();
        Duration statementTimeout = m.options().statementTimeout() != null ? m.options().statementTimeout() : config.statementTimeout();
        out.info((r.down() ? "Reverting " : "Applying ") + m.id() + " " + m.description()
                + (r.resumeFrom() > 0 ? " (resuming at statement " + (r.resumeFrom() + 1) + " of " + r.statements().size() + ")" : "")
                + (r.steps().size() == 1 && r.steps().get(0).transactional() ? "" : " [" + describeSteps(r) + "]"));
        try {
            work.setAutoCommit(true);
            for (String s : sessionSettings(lockTimeout, statementTimeout)) {
                exec(s);
            }
            currentLockTimeout = lockTimeout;
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot prepare the session: " + e.getMessage(), null, e);
        }
        boolean atomic = r.steps().size() == 1 && r.steps().get(0).transactional() && r.resumeFrom() == 0 && !r.resuming();
        return atomic ? executeAtomic(r, watch) : executeSteps(r, watch);
    }

    private List<String> sessionSettings(Duration lockTimeout, Duration statementTimeout) {
        List<String> s = new ArrayList<>();
        s.add("SET lock_timeout = '" + Durations.toSetting(lockTimeout) + "'");
        s.add("SET statement_timeout = '" + Durations.toSetting(statementTimeout) + "'");
        if (pgMajor >= 14) {
            // a killed runner's statement is cancelled within a second instead of holding its locks to the end
            s.add("SET client_connection_check_interval = '1s'");
        }
        return s;
    }

    /** The whole migration, and its history rows, in one transaction: all or nothing. */
    private Applied executeAtomic(Run r, BlockerWatch watch) {
        Migration m = r.migration();
        Backoff backoff = new Backoff(config.lockRetryBudget());
        long lockWait = 0;
        while (true) {
            long t0 = System.nanoTime();
            Instant started = Instant.now();
            long rows = 0;
            int index = 0;
            try {
                work.setAutoCommit(false);
                if (tool != null && !r.down()) {
                    tool.started(work, m);
                }
                for (Statement s : r.statements()) {
                    rows += runStatement(s, watch);
                    lockWait += watch.waitedMs();
                    index++;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                CrashPoint.here("migrate.progress.before-write");
                history.insert(work, entry(r, started, ms, rows, lockWait, Status.SUCCESS, null, null));
                recordTool(r, ms);
                CrashPoint.here("migrate.progress.written");
                CrashPoint.here("migrate.commit.before");
                work.commit();
                CrashPoint.here("migrate.commit.after");
                work.setAutoCommit(true);
                Applied a = new Applied(m.id(), m.description(), r.down(), ms, r.statements().size(), rows, lockWait,
                        backoff.attempts(), 0);
                out.info("  done in " + Durations.human(Duration.ofMillis(ms)) + summary(a));
                return a;
            } catch (SQLException e) {
                rollbackQuietly();
                lockWait += watch.waitedMs();
                Statement failing = index < r.statements().size() ? r.statements().get(index) : null;
                if (isLockFailure(e)) {
                    long sleep = backoff.nextSleepMs();
                    if (sleep >= 0) {
                        out.warn("  lock timeout on " + where(failing) + blockedBy(watch) + "; rolled back, retry "
                                + backoff.attempts() + " in " + Durations.human(Duration.ofMillis(sleep)));
                        lockWait += sleep;
                        sleepQuietly(sleep);
                        continue;
                    }
                    throw lockBudgetExhausted(r, failing, watch, backoff);
                }
                throw new BulwarkException(ErrorCode.FAILED_ROLLED_BACK,
                        r.label() + " failed at " + where(failing) + ": " + serverMessage(e)
                                + "; rolled back, the database is " + atVersion(),
                        "fix the migration and run the command again", e);
            }
        }
    }

    /** Step by step, recording after each step where a later run resumes. */
    private Applied executeSteps(Run r, BlockerWatch watch) {
        Migration m = r.migration();
        long t0 = System.nanoTime();
        Instant started = Instant.now();
        long rows = 0;
        long lockWait = 0;
        int retries = 0;
        long rowId;
        // the statement the killed run was executing: decided before anything is written, so a run that stops
        // here to ask leaves history exactly as it found it
        int from = r.resumeFrom();
        for (Step step : r.steps()) {
            if (r.uncertain() && step.first() == r.resumeFrom() && !step.isBackfill() && (!step.transactional() || r.ranAlone())
                    && step.statements().size() == 1 && alreadyDone(r, step, step.statements().get(0))) {
                from = step.end();
            }
        }
        try {
            // the new row and the killed run's row marked interrupted: one transaction
            work.setAutoCommit(false);
            CrashPoint.here("migrate.history.before-start");
            rowId = history.insert(work, entry(r, started, null, null, null, Status.RUNNING, from, null));
            if (r.interrupted() != null) {
                history.markInterrupted(work, r.interrupted(), rowId);
            }
            if (tool != null && !r.down() && r.resumeFrom() == 0) {
                tool.started(work, m);
            }
            work.commit();
            work.setAutoCommit(true);
            CrashPoint.here("migrate.history.started");
        } catch (SQLException e) {
            rollbackQuietly();
            throw new BulwarkException(ErrorCode.DATABASE, "cannot record the start of " + r.label() + ": " + e.getMessage(), null, e);
        }
        boolean anyApplied = r.resumeFrom() > 0 || r.resuming();
        for (Step step : r.steps()) {
            if (step.end() <= from) {
                continue;
            }
            if (step.isBackfill()) {
                // resumable by its own progress row: a run that resumes at this step goes on after its last batch
                boolean continuing = r.resuming() && from == step.first();
                String job = "migration " + m.id() + (r.down() ? " down" : " up") + " statement " + (step.first() + 1);
                Statement s = step.statements().get(0);
                out.info("  statement " + (step.first() + 1) + " of " + r.statements().size() + ": backfill in batches ("
                        + where(s) + ")");
                dev.bulwark.backfill.BackfillState state = new dev.bulwark.backfill.BackfillState(config.historySchema());
                try {
                    dev.bulwark.backfill.BackfillResult b = new dev.bulwark.backfill.Backfiller(work, config.historySchema(),
                            backfillOptions != null ? backfillOptions : dev.bulwark.backfill.BackfillOptions.defaults(config.lockRetryBudget()),
                            out, backfillProgress).run(step.backfill(), job, !continuing);
                    backfills.add(b);
                    // the step done and its progress row gone, together: the row exists only while the step is unfinished
                    work.setAutoCommit(false);
                    CrashPoint.here("migrate.progress.before-write");
                    history.update(work, rowId, Status.RUNNING, step.end(), null, r.statements().size(), rows + b.rows(), lockWait, null);
                    state.delete(work, job);
                    CrashPoint.here("migrate.progress.written");
                    CrashPoint.here("migrate.commit.before");
                    work.commit();
                    CrashPoint.here("migrate.commit.after");
                    work.setAutoCommit(true);
                    rows += b.rows();
                    anyApplied = true;
                    continue;
                } catch (SQLException | BulwarkException e) {
                    rollbackQuietly();
                    boolean batchesDone = anyApplied;
                    try {
                        batchesDone = batchesDone || state.read(work, job).map(x -> x.batches() > 0).orElse(false);
                    } catch (SQLException unreadable) {
                        batchesDone = true; // cannot tell: never claim the database is as it was
                    }
                    SQLException cause = e instanceof SQLException q ? q : new SQLException(e.getMessage(), e);
                    String problem = e instanceof SQLException q ? serverMessage(q) : e.getMessage();
                    return failSteps(r, rowId, step.first(), step.first(), batchesDone, (System.nanoTime() - t0) / 1_000_000,
                            rows, lockWait, s, problem + (batchesDone ? "; the committed batches stay done and a new run resumes after the last one" : ""),
                            cause);
                }
            }
            List<Statement> todo = step.statements().subList(Math.max(0, from - step.first()), step.statements().size());
            int firstIndex = Math.max(step.first(), from);
            Backoff backoff = new Backoff(config.lockRetryBudget());
            // a no-transaction migration's statement runs in a transaction with its progress record, unless the
            // server refuses it there (a procedure that commits): then it runs alone
            boolean inTransaction = step.transactional();
            while (true) {
                int index = firstIndex;
                IndexBuildCleanup cleanup = null;
                try {
                    if (inTransaction) {
                        work.setAutoCommit(false);
                    } else {
                        cleanup = IndexBuildCleanup.before(work, todo.get(0));
                        if (cleanup != null) {
                            cleanup.dropLeftover(work).forEach(q ->
                                    out.warn("  dropped INVALID index " + q + " left by an earlier interrupted build"));
                        }
                    }
                    CrashPoint.here("migrate.step.begin");
                    long stepRows = 0;
                    for (Statement s : todo) {
                        stepRows += runStatement(s, watch, lockTimeoutFor(s, currentLockTimeout));
                        lockWait += watch.waitedMs();
                        index++;
                    }
                    // in a transactional step, the step and its resume point commit together
                    CrashPoint.here("migrate.progress.before-write");
                    history.update(work, rowId, Status.RUNNING, step.end(), null, r.statements().size(), rows + stepRows, lockWait, null);
                    CrashPoint.here("migrate.progress.written");
                    if (inTransaction) {
                        CrashPoint.here("migrate.commit.before");
                        work.commit();
                        CrashPoint.here("migrate.commit.after");
                        work.setAutoCommit(true);
                    }
                    rows += stepRows;
                    anyApplied = true;
                    break;
                } catch (SQLException e) {
                    if (inTransaction) {
                        rollbackQuietly();
                        if (!m.options().transactional() && refusedInTransaction(e)) {
                            out.warn("  " + where(todo.get(0)) + " cannot run in a transaction (" + serverMessage(e)
                                    + "); running it alone: a kill while it runs leaves its effect to be confirmed");
                            inTransaction = false;
                            try {
                                // a resume must know this statement ran alone: its effect then needs confirming
                                history.update(work, rowId, Status.RUNNING, firstIndex, null, r.statements().size(), rows, lockWait,
                                        RAN_ALONE + (firstIndex + 1));
                            } catch (SQLException recording) {
                                return failSteps(r, rowId, firstIndex, firstIndex, anyApplied, (System.nanoTime() - t0) / 1_000_000,
                                        rows, lockWait, todo.get(0), serverMessage(recording), recording);
                            }
                            continue;
                        }
                    } else if (cleanup != null) {
                        dropInvalid(cleanup);
                    }
                    lockWait += watch.waitedMs();
                    Statement failing = r.statements().get(Math.min(index, r.statements().size() - 1));
                    long sleep = isLockFailure(e) ? backoff.nextSleepMs() : -1;
                    if (sleep >= 0) {
                        retries++;
                        out.warn("  lock timeout on " + where(failing) + blockedBy(watch) + "; retry " + backoff.attempts()
                                + " in " + Durations.human(Duration.ofMillis(sleep)));
                        lockWait += sleep;
                        sleepQuietly(sleep);
                        continue;
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    String problem = isLockFailure(e)
                            ? "gave up after " + backoff.attempts() + " lock timeouts within the retry budget of "
                            + Durations.human(config.lockRetryBudget()) + blockedBy(watch)
                            : serverMessage(e);
                    // a transactional step rolled back whole: the next run starts at its first statement
                    int resumeAt = inTransaction ? firstIndex : index;
                    return failSteps(r, rowId, resumeAt, index, anyApplied, ms, rows, lockWait, failing, problem, e);
                }
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        try {
            CrashPoint.here("migrate.history.before-finish");
            // Bulwark's row and the tool's table in one transaction: a kill between two commits left Bulwark saying
            // applied and the tool (diesel, goose, Liquibase...) not, for good, since no later run writes the tool's row
            work.setAutoCommit(false);
            history.update(work, rowId, Status.SUCCESS, null, ms, r.statements().size(), rows, lockWait, null);
            CrashPoint.here("migrate.history.tool-before");
            recordTool(r, ms);
            work.commit();
            work.setAutoCommit(true);
            CrashPoint.here("migrate.history.finished");
        } catch (SQLException e) {
            rollbackQuietly();
            throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, r.label() + " ran completely but recording it failed: "
                    + e.getMessage(), "run 'bulwark " + (r.down() ? "rollback" : "migrate") + "' again once "
                    + history.qualifiedName() + " is writable: nothing of it is left to run, it records it (as after a kill here)", e);
        }
        Applied a = new Applied(m.id(), m.description(), r.down(), ms, r.statements().size(), rows, lockWait, retries, r.resumeFrom());
        out.info("  done in " + Durations.human(Duration.ofMillis(ms)) + summary(a));
        return a;
    }

    /**
     * Whether the statement a killed run was executing took effect: the catalog says so for the
     * statements that cannot run in a transaction ({@link StepCheck}); where it cannot, the
     * resolver (the user) decides, and without one the run stops before running anything.
     */
    private boolean alreadyDone(Run r, Step step, Statement s) {
        StepCheck.Verdict v;
        try {
            CrashPoint.here("migrate.check.before");
            v = StepCheck.check(work, s, pgMajor);
        } catch (SQLException e) {
            v = new StepCheck.Verdict(StepCheck.Outcome.UNKNOWN, "the catalog could not be read: " + serverMessage(e));
        }
        String at = "statement " + (step.first() + 1) + " of " + r.statements().size() + " (" + where(s) + ")";
        switch (v.outcome()) {
            case DONE -> {
                out.warn("  " + at + " was running when an earlier run was killed; it took effect (" + v.reason()
                        + "): recorded as done, not run again");
                return true;
            }
            case RUN -> {
                out.warn("  " + at + " was running when an earlier run was killed; it did not take effect (" + v.reason()
                        + "): running it again");
                return false;
            }
            default -> {
            }
        }
        UncertainStep u = new UncertainStep(r.migration().id(), r.migration().description(), r.down(), step.first(),
                r.statements().size(), s.position(), Masking.mask(s.sql()), v.reason());
        UncertainStepResolver who = resolver;
        StepDecision d = who == null ? null : who.decide(u);
        if (d == StepDecision.DONE) {
            out.warn("  " + at + ": recorded as done, as confirmed (--step-done)");
            return true;
        }
        if (d == StepDecision.RERUN) {
            out.warn("  " + at + ": running it again, as confirmed (--rerun-step)");
            return false;
        }
        String cmd = r.down() ? "bulwark rollback" : "bulwark migrate";
        throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK,
                r.label() + ": " + at + " was running when an earlier run was killed, and whether it took effect cannot be"
                        + " read from the catalog (" + v.reason() + "); nothing was run",
                "if it took effect, run '" + cmd + " --step-done'; if not, run '" + cmd + " --rerun-step'", null);
    }

    /** The history row's error while a statement of a no-transaction migration runs alone: a resume must confirm it. */
    static final String RAN_ALONE = "running alone, outside a transaction: statement ";

    /** The server refused the statement inside a transaction block (25001), or it ended the transaction itself (2D000). */
    private static boolean refusedInTransaction(SQLException e) {
        return "25001".equals(e.getSQLState()) || "2D000".equals(e.getSQLState());
    }

    /** A failure recorded with a lost connection or a terminated session: the statement may have taken effect. */
    static boolean connectionLost(String error) {
        return error.contains("SQLSTATE 08") || error.contains("SQLSTATE 57P") || error.contains("I/O error");
    }

    private Applied failSteps(Run r, long rowId, int resumeAt, int failedAt, boolean anyApplied, long ms, long rows, long lockWait,
                              Statement failing, String problem, SQLException cause) {
        try {
            work.setAutoCommit(true);
            // Bulwark's row and the tool's table change together: a kill between them must not leave the two disagreeing
            work.setAutoCommit(false);
            if (!anyApplied) {
                // nothing of this migration stayed applied: forget the attempt, the database is as it was
                history.deleteRunning(work, rowId);
                if (tool != null && !r.down()) {
                    tool.rolledBack(work, r.migration(), previousApplied(r.migration()));
                }
                work.commit();
                work.setAutoCommit(true);
                throw new BulwarkException(ErrorCode.FAILED_ROLLED_BACK,
                        r.label() + " failed at " + where(failing) + ": " + problem
                                + "; nothing of it was applied, the database is " + atVersion(),
                        "fix the migration and run the command again", cause);
            }
            history.update(work, rowId, Status.FAILED, resumeAt, ms, r.statements().size(), rows, lockWait, Masking.mask(problem));
            if (tool != null && !r.down()) {
                tool.failed(work, r.migration(), ms, problem);
            }
            work.commit();
            work.setAutoCommit(true);
        } catch (SQLException e) {
            rollbackQuietly();
            cause.addSuppressed(e);
        } catch (RuntimeException e) {
            rollbackQuietly(); // status() failing inside the transaction; a no-op after the commit above
            throw e;
        }
        throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK,
                r.label() + " failed at " + where(failing) + " (statement " + (failedAt + 1) + " of " + r.statements().size()
                        + "): " + problem + "; the steps before " + (resumeAt == failedAt ? "it" : "its transaction (from statement "
                        + (resumeAt + 1) + ")") + " stay applied",
                "fix the cause and run '" + (r.down() ? "bulwark rollback" : "bulwark migrate")
                        + "' again to resume at statement " + (resumeAt + 1)
                        + ", or repair the database by hand and run 'bulwark repair'", cause);
    }

    private Migration previousApplied(Migration m) {
        if (m.version() == null) {
            return null;
        }
        return status().stream()
                .filter(s -> s.state().isApplied() && s.migration() != null && s.migration().kind() == MigrationKind.VERSIONED)
                .map(MigrationStatus::migration)
                .filter(p -> p.version().compareTo(m.version()) < 0)
                .reduce((a, b) -> b).orElse(null);
    }

    private long runStatement(Statement s, BlockerWatch watch) throws SQLException {
        return runStatement(s, watch, null);
    }

    /** @param lockTimeout a lock_timeout for this statement only, or null to keep the migration's */
    private long runStatement(Statement s, BlockerWatch watch, Duration lockTimeout) throws SQLException {
        if (lockTimeout == null || lockTimeout.equals(currentLockTimeout)) {
            return execute(s, watch);
        }
        Duration was = currentLockTimeout;
        exec("SET lock_timeout = '" + Durations.toSetting(lockTimeout) + "'");
        try {
            return execute(s, watch);
        } finally {
            exec("SET lock_timeout = '" + Durations.toSetting(was) + "'");
        }
    }

    private long execute(Statement s, BlockerWatch watch) throws SQLException {
        try (java.sql.Statement st = work.createStatement()) {
            st.setEscapeProcessing(false);
            running = st;
            watch.watch(backendPid());
            Thread sent = CRASH_TESTING ? sentPoint() : null;
            try {
                boolean hasResult = st.execute(s.sql());
                long count = hasResult ? 0 : Math.max(0, st.getUpdateCount());
                joinQuietly(sent);
                CrashPoint.here("migrate.statement.returned");
                return count;
            } finally {
                joinQuietly(sent);
                watch.stop();
                running = null;
                watch.autovacuumNotes().forEach(n -> out.warn("  " + n));
            }
        }
    }

    /** The crash harness is on: statements report the point just after they were sent. */
    private static final boolean CRASH_TESTING = System.getenv("BULWARK_CRASH_AT") != null
            || System.getenv("BULWARK_CRASH_TRACE") != null;

    /**
     * Crash harness only: the point "the statement was sent and the server is executing it". JDBC
     * blocks while a statement runs, so a helper thread reaches the point a moment after the send;
     * the statement's own thread waits for it before going on, so the points keep their order.
     */
    private static Thread sentPoint() {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            CrashPoint.here("migrate.statement.sent");
        }, "bulwark-crash-point");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void joinQuietly(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int backendPid() throws SQLException {
        if (pid == null) {
            try (java.sql.Statement st = work.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
        }
        return pid;
    }

    /** Cancels the running statement (Ctrl-C): its transaction rolls back and its locks go. */
    public void cancel() {
        java.sql.Statement st = running;
        if (st != null) {
            try {
                st.cancel();
            } catch (SQLException ignored) {
                // nothing more we can do from here
            }
        }
    }

    private void recordTool(Run r, long ms) throws SQLException {
        if (tool == null) {
            return;
        }
        if (r.down()) {
            tool.rolledBack(work, r.migration(), r.previous());
        } else {
            tool.succeeded(work, r.migration(), ms);
        }
    }

    private HistoryEntry entry(Run r, Instant started, Long ms, Long rows, Long lockWait, Status status, Integer resumeFrom,
                               String error) {
        Migration m = r.migration();
        Kind kind = r.down() ? Kind.DOWN : m.kind() == MigrationKind.REPEATABLE ? Kind.REPEATABLE : Kind.VERSIONED;
        return new HistoryEntry(0, m.id(), m.description(), kind, m.up().sha256(), m.hasDown() ? m.down().sha256() : null,
                null, null, started, ms, r.statements().size(), rows, lockWait, status, resumeFrom, error);
    }

    // ------------------------------------------------------------------ concurrent index builds

    /** After a failed concurrent build: drop what it left INVALID on its table, and say so. */
    private void dropInvalid(IndexBuildCleanup cleanup) {
        try {
            work.setAutoCommit(true);
            cleanup.dropNewInvalid(work).forEach(q -> out.warn("  dropped INVALID index " + q + " left by the failed build"));
        } catch (SQLException e) {
            out.warn("  could not drop the INVALID index the failed build left: " + e.getMessage());
        }
    }

    /**
     * CONCURRENTLY statements wait for every older transaction, and those waits count against
     * lock_timeout; their own locks (SHARE UPDATE EXCLUSIVE at most) never queue the application's
     * reads or writes. So they run without a lock timeout, bounded by statement_timeout.
     */
    private static Duration lockTimeoutFor(Statement s, Duration configured) {
        boolean concurrently = s.tokens().stream().anyMatch(t -> t.isWord("concurrently"));
        return concurrently ? Duration.ZERO : configured;
    }

    // ------------------------------------------------------------------ dry run

    private List<String> dryRun(List<Run> runs) {
        List<String> sql = new ArrayList<>();
        for (Run r : runs) {
            Migration m = r.migration();
            Duration lt = m.options().lockTimeout() != null ? m.options().lockTimeout() : config.lockTimeout();
            Duration st = m.options().statementTimeout() != null ? m.options().statementTimeout() : config.statementTimeout();
            sql.add("-- " + r.label() + " (" + rel((r.down() ? m.down() : m.up()).file()) + ")"
                    + (r.resumeFrom() > 0 ? ", resuming at statement " + (r.resumeFrom() + 1) : ""));
            for (String s : sessionSettings(lt, st)) {
                sql.add(s + ";");
            }
            boolean atomic = r.steps().size() == 1 && r.steps().get(0).transactional() && r.resumeFrom() == 0;
            if (!atomic) {
                sql.add("-- not one transaction: " + describeSteps(r) + "; progress is recorded after each step");
            }
            for (Step step : r.steps()) {
                if (step.end() <= r.resumeFrom()) {
                    continue;
                }
                if (step.transactional()) {
                    sql.add("BEGIN;");
                }
                if (step.isBackfill()) {
                    sql.add("-- backfill: in batches by primary key, each its own transaction committed with its progress in "
                            + new dev.bulwark.backfill.BackfillState(config.historySchema()).qualifiedName()
                            + (step.first() == r.resumeFrom() && r.resuming() ? " (resuming after its last committed batch)" : ""));
                }
                for (int i = Math.max(0, r.resumeFrom() - step.first()); i < step.statements().size(); i++) {
                    Statement stmt = step.statements().get(i);
                    Duration own = lockTimeoutFor(stmt, lt);
                    if (!own.equals(lt)) {
                        sql.add("SET lock_timeout = '" + Durations.toSetting(own) + "';  -- CONCURRENTLY waits block no one");
                    }
                    sql.add(stmt.sql() + ";");
                    if (!own.equals(lt)) {
                        sql.add("SET lock_timeout = '" + Durations.toSetting(lt) + "';");
                    }
                }
                if (step.transactional()) {
                    if (atomic) {
                        sql.add("-- record " + m.id() + " in " + history.qualifiedName() + (tool != null ? " and " + tool.table() : ""));
                    }
                    sql.add("COMMIT;");
                }
            }
            sql.add("");
        }
        return sql;
    }

    private String describeSteps(Run r) {
        long tx = r.steps().stream().filter(Step::transactional).count();
        long auto = r.steps().size() - tx;
        return (r.migration().options().transactional() ? "" : "no-transaction, ")
                + auto + " statement" + (auto == 1 ? "" : "s") + " outside a transaction"
                + (tx > 0 ? ", " + tx + " transaction" + (tx == 1 ? "" : "s") : "");
    }

    // ------------------------------------------------------------------ helpers

    private String currentVersion(List<MigrationStatus> states) {
        return states.stream()
                .filter(s -> s.state().isApplied() && s.migration() != null && s.migration().kind() == MigrationKind.VERSIONED)
                .map(MigrationStatus::id).reduce((a, b) -> b).orElse(null);
    }

    private String atVersion() {
        try {
            String v = currentVersion(status());
            return v == null ? "at no version (nothing applied)" : "at " + v;
        } catch (RuntimeException e) {
            // the failure may have taken the connection with it: keep the original error
            return "at a version that could not be read back (" + e.getMessage() + ")";
        }
    }

    private static boolean isLockFailure(SQLException e) {
        String state = e.getSQLState();
        return SqlStates.LOCK_NOT_AVAILABLE.equals(state) || SqlStates.DEADLOCK_DETECTED.equals(state);
    }

    private BulwarkException lockBudgetExhausted(Run r, Statement failing, BlockerWatch watch, Backoff backoff) {
        return new BulwarkException(ErrorCode.FAILED_ROLLED_BACK, r.label() + ": gave up at " + where(failing) + " after " + backoff.attempts()
                + " lock timeouts in " + Durations.human(Duration.ofMillis(backoff.elapsedMs()))
                + " (retry budget " + Durations.human(config.lockRetryBudget()) + ")" + blockedBy(watch)
                + "; rolled back, the database is " + atVersion(),
                "end the blocking session or run again when it is done; raise --lock-retry-budget to wait longer");
    }

    private static String blockedBy(BlockerWatch watch) {
        List<LockHolder> b = watch.lastBlockers();
        if (b.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(", blocked by ");
        for (int i = 0; i < b.size(); i++) {
            if (i > 0) s.append(", ");
            s.append(b.get(i).describe());
        }
        return s.toString();
    }

    private String where(Statement s) {
        if (s == null) {
            return "commit";
        }
        String text = Masking.mask(s.sql()).replaceAll("\\s+", " ").trim();
        return s.position() + " (" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + ")";
    }

    private static String serverMessage(SQLException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return msg + (e.getSQLState() != null ? " (SQLSTATE " + e.getSQLState() + ")" : "");
    }

    private static String summary(Applied a) {
        return " (" + a.statements() + " statement" + (a.statements() == 1 ? "" : "s")
                + (a.rowsAffected() > 0 ? ", " + a.rowsAffected() + " row" + (a.rowsAffected() == 1 ? "" : "s") : "")
                + (a.lockRetries() > 0 ? ", " + a.lockRetries() + " lock retries" : "") + ")";
    }

    private void exec(String sql) throws SQLException {
        try (java.sql.Statement st = work.createStatement()) {
            st.setEscapeProcessing(false);
            st.execute(sql);
        }
    }

    private void rollbackQuietly() {
        try {
            if (!work.getAutoCommit()) {
                work.rollback();
                work.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // the connection may be gone; the server rolls back with it
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException(ErrorCode.FAILED_ROLLED_BACK, "interrupted while waiting to retry", null, e);
        }
    }

    private String rel(Path p) {
        try {
            return projectDir.relativize(p.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }

}
