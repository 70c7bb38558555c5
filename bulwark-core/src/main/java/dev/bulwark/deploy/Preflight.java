package dev.bulwark.deploy;

import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.backup.BackupManifest;
import dev.bulwark.backup.Backups;
import dev.bulwark.deploy.CheckResult.Outcome;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.migration.Migration;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.Statement;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code bulwark check}: every preflight check runs and is reported, whatever an earlier one
 * found (the seed scripts stopped at the first one that passed, or the first that failed). Each
 * has an id, a threshold from {@code [deploy]}, a result, the measured value and the fix.
 */
public final class Preflight {
    private static final String APP = "bulwark-preflight";
    private static final long MIB = 1L << 20;

    private final DeployTarget bulwark;
    private final DeploySettings settings;
    private final Backups backups;
    private final List<CheckResult> results = new ArrayList<>();
    private Connection c;
    private String connectError;
    private List<MigrationStatus> states;
    private BulwarkException migrationsError;
    private final Set<String> touched = new LinkedHashSet<>();

    private final String externalCommand;

    /** @param backups the project's backups, for the recent-backup check; null skips reading them */
    public Preflight(DeployTarget bulwark, DeploySettings settings, Backups backups) {
        this(bulwark, settings, backups, null);
    }

    /** @param externalCommand another tool's migration command ({@code --exec}), or null for Bulwark's own migrations */
    public Preflight(DeployTarget bulwark, DeploySettings settings, Backups backups, String externalCommand) {
        this.bulwark = bulwark;
        this.settings = settings;
        this.backups = backups;
        this.externalCommand = externalCommand;
    }

    /** Runs every check; never throws for what a check finds. */
    public CheckResult.Report run() {
        try {
            c = bulwark.target().open(APP);
        } catch (BulwarkException e) {
            connectError = e.getMessage();
        }
        try {
            check("connectivity", this::connectivity);
            check("server-version", this::serverVersion);
            check("migration-set", this::migrationSet);
            check("failed-migrations", this::failedMigrations);
            check("unfinished-deploy", this::unfinishedDeploy);
            check("privileges", this::privileges);
            check("recent-backup", this::recentBackup);
            check("long-running-queries", this::longQueries);
            check("idle-in-transaction", this::idleInTransaction);
            check("locks-on-touched-tables", this::locks);
            check("disk-space", this::disk);
            check("replication-lag", this::replication);
            check("connection-headroom", this::connections);
            check("xid-wraparound", this::xid);
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing
                }
            }
        }
        return new CheckResult.Report(results);
    }

    private interface Body {
        CheckResult run(String id) throws Exception;
    }

    private void check(String id, Body body) {
        try {
            results.add(body.run(id));
        } catch (NoConnection e) {
            results.add(new CheckResult(id, Outcome.FAIL, "not measured", null, "not run: the database is unreachable",
                    "fix the connectivity check first"));
        } catch (BulwarkException e) {
            results.add(new CheckResult(id, Outcome.FAIL, "error", null, e.getMessage(), e.fix()));
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            results.add(new CheckResult(id, Outcome.FAIL, "error", null, "the check itself failed: " + dev.bulwark.pg.Masking.mask(msg),
                    "check that the user may read pg_catalog views (pg_monitor role)"));
        }
    }

    private static final class NoConnection extends RuntimeException {
    }

    private Connection db() {
        if (c == null) {
            throw new NoConnection();
        }
        return c;
    }

    // ------------------------------------------------------------------ checks

    private CheckResult connectivity(String id) throws SQLException {
        if (c == null) {
            return new CheckResult(id, Outcome.FAIL, "unreachable", null, connectError,
                    "check the URL, the network and the credentials (PGPASSWORD or ~/.pgpass)");
        }
        long t0 = System.nanoTime();
        query("SELECT 1", rs -> null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return CheckResult.pass(id, ms + "ms round trip", null, "connected to " + bulwark.targetDescription());
    }

    /** An interrupted deploy owes a rollback ({@link DeployJournal}); one running now holds the journal lock. */
    private CheckResult unfinishedDeploy(String id) throws SQLException {
        List<DeployJournal.Unfinished> open = new DeployJournal(bulwark.target(), bulwark.config().historySchema()).unfinished(db());
        if (open.isEmpty()) {
            return CheckResult.pass(id, "none", null, "no deploy is unfinished");
        }
        DeployJournal.Unfinished u = open.get(0);
        return new CheckResult(id, Outcome.FAIL, open.size() + " unfinished", null, String.join("; ", u.describe()),
                u.interrupted() ? "run '" + DeployJournal.RESUME_COMMAND + "'; it finishes what the interrupted deploy owes"
                        : "wait for that deploy to finish");
    }

    private CheckResult serverVersion(String id) throws SQLException {
        String v = single("SHOW server_version");
        int num = Integer.parseInt(single("SHOW server_version_num"));
        if (num < 130000) {
            return new CheckResult(id, Outcome.FAIL, v, "13", "PostgreSQL " + v + " is older than 13, which Bulwark's catalog checks need",
                    "upgrade the server (13 is out of support since November 2025)");
        }
        if (num < 140000) {
            return new CheckResult(id, Outcome.WARN, v, "14", "PostgreSQL " + v + ": client_connection_check_interval (14+) is missing,"
                    + " so a killed deploy's statement runs on until it finishes", "upgrade to 14 or newer");
        }
        return CheckResult.pass(id, v, "14", "PostgreSQL " + v);
    }

    private List<MigrationStatus> states() {
        if (states == null) {
            db();
            if (externalCommand != null) {
                states = List.of(); // another tool runs the migrations: Bulwark does not read them
                return states;
            }
            try {
                states = bulwark.status();
            } catch (BulwarkException e) {
                // reported once, by migration-set; the other checks go on without the pending migrations
                migrationsError = e;
                states = List.of();
            }
        }
        return states;
    }

    private List<Migration> pending() {
        List<Migration> out = new ArrayList<>();
        for (MigrationStatus s : states()) {
            if (dev.bulwark.execute.PhaseBarrier.mayRun(s)) {
                out.add(s.migration());
            }
        }
        // what lies beyond the phase barrier does not run in this deploy
        return bulwark.beforeBarrier(out);
    }

    private CheckResult migrationSet(String id) {
        if (externalCommand != null) {
            return new CheckResult(id, Outcome.WARN, "not checked", null, "the migrations are run by '" + externalCommand
                    + "': Bulwark does not read them", "run that tool's own check (alembic check, prisma migrate status) in CI");
        }
        states();
        if (migrationsError != null) {
            return new CheckResult(id, Outcome.FAIL, "unreadable", null, migrationsError.getMessage(), migrationsError.fix());
        }
        int files = bulwark.migrations().migrations().size();
        List<String> problems = new ArrayList<>();
        for (MigrationStatus s : states()) {
            if (s.state() == MigrationState.EDITED) {
                problems.add(s.id() + " edited after it was applied (checksum differs)");
            } else if (s.state() == MigrationState.MISSING) {
                problems.add(s.id() + " applied but its file is missing");
            } else if (s.state() == MigrationState.OUT_OF_ORDER) {
                problems.add(s.id() + " is out of order");
            }
        }
        List<Migration> pending = pending();
        for (Migration m : pending) {
            try {
                SqlSplitter.split(m.up().sql(), m.location().getFileName().toString(), m.up().firstLine());
            } catch (RuntimeException e) {
                problems.add(m.id() + " cannot be parsed: " + e.getMessage());
            }
        }
        // the tables the statement model says the pending statements lock or write
        StatementAnalysis.ups(bulwark.migrations().migrations(), pending.stream().map(Migration::id).collect(java.util.stream.Collectors.toSet()),
                StatementAnalysis.DEFAULT_PG_MAJOR).values().forEach(effects -> effects.forEach(e -> {
                    e.locks().forEach(l -> touched.add(Name.bare(l.table())));
                    e.rows().forEach(r -> touched.add(r.bareName()));
                }));
        problems.addAll(lintErrors(pending));
        if (!problems.isEmpty()) {
            return new CheckResult(id, Outcome.FAIL, problems.size() + " problem(s) in " + files + " files", "0",
                    String.join("; ", problems), "run 'bulwark lint' and fix its errors (--fix rewrites many of them); restore edited or missing files, or"
                    + " run 'bulwark repair' after review; rename out-of-order files");
        }
        return CheckResult.pass(id, files + " files, " + pending.size() + " pending", "0",
                "checksums match the history, no lint error; " + pending.size() + " pending migration(s)");
    }

    /**
     * Lint findings at the project's fail_on level (default error) in the pending migrations and
     * about the set as a whole (several heads, duplicate versions…). Applied migrations already
     * ran: their findings cannot be acted on by this deploy and do not block it.
     */
    private List<String> lintErrors(List<Migration> pending) {
        dev.bulwark.lint.LintConfig lint = dev.bulwark.lint.LintConfig.load(bulwark.config().projectDir());
        int major;
        try {
            major = Integer.parseInt(single("SHOW server_version_num")) / 10000;
        } catch (SQLException e) {
            major = dev.bulwark.lint.LintOptions.DEFAULT_PG_VERSION;
        }
        List<String> out = new ArrayList<>();
        java.util.Set<String> subscribed = java.util.Set.of();
        try {
            subscribed = dev.bulwark.replicate.SubscribedTables.of(db());
        } catch (SQLException e) {
            // not read as "subscribes to nothing": the check says it could not tell, and the other rules still run
            out.add("cannot read the target's subscriptions (" + e.getMessage() + "), so breaks-subscription could not run");
        }
        dev.bulwark.lint.LintResult r = dev.bulwark.lint.Linter.standard(lint.options().withPgVersion(major).withHistory(states())
                        .withSubscribedTables(subscribed))
                .lint(bulwark.migrations(), bulwark.config().projectDir());
        Set<String> ids = new java.util.HashSet<>();
        pending.forEach(m -> ids.add(m.id()));
        for (dev.bulwark.lint.Finding f : r.findings()) {
            if (f.severity().atLeast(lint.failOn()) && (f.migration() == null || ids.contains(f.migration()))) {
                out.add("lint " + f.ruleId() + " (" + f.severity().label() + ") at " + bulwark.config().projectDir().relativize(
                        f.file().toAbsolutePath().normalize()) + ":" + f.line() + ": " + f.message());
            }
        }
        return out;
    }

    private CheckResult failedMigrations(String id) throws SQLException {
        if (externalCommand != null) {
            List<String> history = ExternalTool.history(db());
            List<String> failed = history.stream().filter(h -> h.matches(".*\\b[1-9]\\d* failed.*")).toList();
            if (!failed.isEmpty()) {
                return new CheckResult(id, Outcome.FAIL, String.join("; ", failed), "0", "the tool's history records failed migrations: "
                        + String.join("; ", failed), "resolve them with the tool (prisma migrate resolve, flyway repair) first");
            }
            return CheckResult.pass(id, history.isEmpty() ? "no history table yet" : String.join("; ", history), "0",
                    "the tool's history records no failed migration");
        }
        if (states().isEmpty() && migrationsError != null) {
            return new CheckResult(id, Outcome.FAIL, "not measured", null, "the migrations could not be read (see migration-set)",
                    "fix the migration-set check first");
        }
        List<String> failed = states().stream().filter(s -> s.state() == MigrationState.FAILED)
                .map(s -> s.id() + (s.detail() != null ? " (" + s.detail() + ")" : "")).toList();
        if (!failed.isEmpty()) {
            return new CheckResult(id, Outcome.FAIL, failed.size() + " failed", "0", "failed or interrupted: " + String.join(", ", failed),
                    "'bulwark migrate' resumes a non-transactional one; otherwise repair the database and run 'bulwark repair'");
        }
        return CheckResult.pass(id, "0 failed", "0", "no failed or interrupted migration");
    }

    private CheckResult privileges(String id) throws SQLException {
        Connection db = db();
        if ("on".equals(single("SHOW is_superuser"))) {
            return CheckResult.pass(id, "superuser", null, "the user is a superuser");
        }
        List<String> missing = new ArrayList<>();
        String schema = bulwark.config().historySchema();
        Boolean createInSchema;
        try (PreparedStatement ps = db.prepareStatement("SELECT has_schema_privilege(current_user, n.oid, 'CREATE')"
                + " FROM pg_catalog.pg_namespace n WHERE n.nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                createInSchema = rs.next() ? rs.getBoolean(1) : null;
            }
        }
        if (createInSchema == null && !"true".equals(single("SELECT has_database_privilege(current_user, current_database(), 'CREATE')::text"))) {
            missing.add("CREATE on the database (to create schema " + schema + " for bulwark_history)");
        } else if (Boolean.FALSE.equals(createInSchema)) {
            missing.add("CREATE on schema " + schema + " (for bulwark_history)");
        }
        states();
        if (!touched.isEmpty()) {
            try (PreparedStatement ps = db.prepareStatement("SELECT c.relname FROM pg_catalog.pg_class c"
                    + " WHERE c.relname = ANY (?) AND c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)"
                    + " AND NOT pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE')")) {
                ps.setArray(1, db.createArrayOf("text", touched.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        missing.add("ownership of " + rs.getString(1) + " (ALTER and DROP need it)");
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            return new CheckResult(id, Outcome.FAIL, missing.size() + " missing", null, "the pending migrations need " + String.join(", ", missing),
                    "run as the tables' owner, or GRANT the owning role to " + single("SELECT current_user"));
        }
        return CheckResult.pass(id, "all present", null, "the user owns every table the pending migrations change");
    }

    private CheckResult recentBackup(String id) {
        Duration max = settings.backupMaxAge();
        if (backups == null) {
            return new CheckResult(id, Outcome.WARN, "not looked up", human(max), "backups were not looked up", "run bulwark check with the project's backup folder");
        }
        String database = bulwark.target().database();
        Instant cutoff = Instant.now().minus(max);
        BackupManifest newest = null;
        for (Backups.Backup b : backups.list()) {
            BackupManifest m = b.manifest();
            if ((database == null || database.equals(m.database())) && m.verification() != null && m.verification().ok()) {
                newest = m;
                break;
            }
        }
        if (newest != null && newest.createdAt().isAfter(cutoff)) {
            return CheckResult.pass(id, "verified " + Durations.human(Duration.between(newest.createdAt(), Instant.now())) + " ago",
                    human(max), "verified backup " + newest.file());
        }
        return new CheckResult(id, Outcome.WARN, newest == null ? "no verified backup" : "newest verified is "
                + Durations.human(Duration.between(newest.createdAt(), Instant.now())) + " old", human(max),
                "no verified backup younger than " + human(max) + "; deploy will take one",
                "nothing to do before a deploy; or run 'bulwark backup create' then 'bulwark backup verify --drill'");
    }

    private CheckResult longQueries(String id) throws SQLException {
        long limit = settings.longQuery().toMillis();
        List<String> found = list("SELECT pid, application_name, usename, (extract(epoch FROM now() - query_start) * 1000)::bigint,"
                + " left(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_catalog.pg_stat_activity"
                + " WHERE state = 'active' AND pid <> pg_catalog.pg_backend_pid() AND backend_type = 'client backend'"
                + " AND now() - query_start > make_interval(secs => " + limit / 1000.0 + ") ORDER BY query_start",
                rs -> "pid " + rs.getInt(1) + " (" + rs.getString(2) + ", " + rs.getString(3) + ") running "
                        + Durations.human(Duration.ofMillis(rs.getLong(4))) + ": " + rs.getString(5));
        if (!found.isEmpty()) {
            return new CheckResult(id, Outcome.FAIL, found.size() + " active longer", Durations.human(settings.longQuery()),
                    String.join("; ", found), "wait for them, or end them (SELECT pg_cancel_backend(pid)): DDL queues behind them");
        }
        return CheckResult.pass(id, "0 active longer", Durations.human(settings.longQuery()), "no query has been running longer than "
                + Durations.human(settings.longQuery()));
    }

    private CheckResult idleInTransaction(String id) throws SQLException {
        long limit = settings.idleInTransaction().toMillis();
        states();
        List<String> found = new ArrayList<>();
        boolean onTouched = false;
        try (PreparedStatement ps = db().prepareStatement("SELECT a.pid, a.application_name, a.usename,"
                + " (extract(epoch FROM now() - a.state_change) * 1000)::bigint,"
                + " (SELECT string_agg(DISTINCT c.relname, ', ') FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid = l.relation"
                + "   WHERE l.pid = a.pid AND c.relname = ANY (?))"
                + " FROM pg_catalog.pg_stat_activity a WHERE a.state LIKE 'idle in transaction%' AND a.pid <> pg_catalog.pg_backend_pid()"
                + " AND now() - a.state_change > make_interval(secs => " + limit / 1000.0 + ")")) {
            ps.setArray(1, db().createArrayOf("text", touched.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String tables = rs.getString(5);
                    onTouched |= tables != null;
                    found.add("pid " + rs.getInt(1) + " (" + rs.getString(2) + ", " + rs.getString(3) + ") idle in transaction "
                            + Durations.human(Duration.ofMillis(rs.getLong(4))) + (tables != null ? ", holding locks on " + tables : ""));
                }
            }
        }
        if (!found.isEmpty()) {
            return new CheckResult(id, onTouched ? Outcome.FAIL : Outcome.WARN, found.size() + " session(s)",
                    Durations.human(settings.idleInTransaction()), String.join("; ", found),
                    "fix the application that leaves transactions open, or end them (SELECT pg_terminate_backend(pid))");
        }
        return CheckResult.pass(id, "0 sessions", Durations.human(settings.idleInTransaction()), "no session idle in a transaction");
    }

    /**
     * Locks on the tables the pending migrations touch that would hold a migration up: any lock
     * already awaited (a queue has formed), and locks held by transactions older than the
     * migration's lock_timeout (it would give up on them). The short row locks of ordinary
     * traffic are counted but pass: they come and go faster than the lock_timeout.
     */
    private CheckResult locks(String id) throws SQLException {
        states();
        if (touched.isEmpty()) {
            return CheckResult.pass(id, "no tables touched", null, "the pending migrations touch no existing table");
        }
        long limitMs = bulwark.config().lockTimeout().toMillis();
        String threshold = "awaited, or held longer than lock_timeout " + Durations.human(bulwark.config().lockTimeout());
        List<String> found = new ArrayList<>();
        int shortLived = 0;
        try (PreparedStatement ps = db().prepareStatement("SELECT c.relname, l.mode, l.granted, l.pid, a.application_name,"
                + " (extract(epoch FROM now() - a.xact_start) * 1000)::bigint"
                + " FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid = l.relation"
                + " LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
                + " WHERE c.relname = ANY (?) AND l.pid <> pg_catalog.pg_backend_pid() AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())"
                + " ORDER BY c.relname, l.pid")) {
            ps.setArray(1, db().createArrayOf("text", touched.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean granted = rs.getBoolean(3);
                    long age = rs.getLong(6);
                    if (granted && age <= limitMs) {
                        shortLived++;
                        continue;
                    }
                    found.add(rs.getString(1) + ": " + rs.getString(2) + (granted ? " held" : " awaited") + " by pid "
                            + rs.getInt(4) + " (" + rs.getString(5) + ", transaction open " + Durations.human(Duration.ofMillis(age)) + ")");
                }
            }
        }
        if (!found.isEmpty()) {
            return new CheckResult(id, Outcome.FAIL, found.size() + " lock(s)", threshold, String.join("; ", found),
                    "deploy when those sessions are done: the migration's lock would queue behind them (it retries under lock_timeout);"
                            + " --ignore-check " + id + " to deploy anyway");
        }
        return CheckResult.pass(id, "0 blocking locks" + (shortLived > 0 ? ", " + shortLived + " short-lived" : ""), threshold,
                "no session holds a lock on " + String.join(", ", touched) + " long enough to hold a migration up");
    }

    private CheckResult disk(String id) throws SQLException {
        states();
        long needed = 0;
        if (!touched.isEmpty()) {
            try (PreparedStatement ps = db().prepareStatement("SELECT COALESCE(sum(pg_catalog.pg_total_relation_size(c.oid)), 0)"
                    + " FROM pg_catalog.pg_class c WHERE c.relname = ANY (?) AND c.relkind IN ('r', 'p')")) {
                ps.setArray(1, db().createArrayOf("text", touched.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    // a rewrite or an index build can need up to the table's size again, plus WAL
                    needed = rs.getLong(1) * 2;
                }
            }
        }
        String dataDir = null;
        try {
            dataDir = single("SHOW data_directory");
        } catch (SQLException notAllowed) {
            // reading data_directory needs pg_read_all_settings: estimate instead
        }
        if (dataDir != null && isLocal() && Files.isDirectory(Path.of(dataDir))) {
            try {
                FileStore store = Files.getFileStore(Path.of(dataDir));
                long free = store.getUsableSpace();
                long total = store.getTotalSpace();
                long pct = total == 0 ? 100 : free * 100 / total;
                String measured = free / MIB + " MiB free (" + pct + "%), about " + needed / MIB + " MiB needed";
                String threshold = settings.minFreeDiskPercent() + "% and the estimate";
                if (free < needed || pct < settings.minFreeDiskPercent()) {
                    return new CheckResult(id, Outcome.FAIL, measured, threshold, "not enough free space on " + dataDir,
                            "free space on the data directory's disk before deploying");
                }
                return CheckResult.pass(id, measured, threshold, "free space on " + dataDir);
            } catch (IOException e) {
                // fall through to the estimate
            }
        }
        return new CheckResult(id, needed == 0 ? Outcome.PASS : Outcome.WARN, "about " + needed / MIB + " MiB needed", null,
                "the server is not on this host: free space cannot be measured; rewrites and index builds of the touched tables need about "
                        + needed / MIB + " MiB", needed == 0 ? null : "check the server's free disk space is well above that");
    }

    private boolean isLocal() {
        String host = bulwark.target().host();
        if (host.startsWith("/")) {
            return true;
        }
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private CheckResult replication(String id) throws SQLException {
        String max = Durations.human(settings.maxReplicationLag());
        List<String> lagging = new ArrayList<>();
        int standbys = 0;
        try (java.sql.Statement s = db().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT application_name, client_addr, (extract(epoch FROM COALESCE(replay_lag, '0'::interval)) * 1000)::bigint"
                        + " FROM pg_catalog.pg_stat_replication")) {
            while (rs.next()) {
                standbys++;
                long ms = rs.getLong(3);
                if (ms > settings.maxReplicationLag().toMillis()) {
                    lagging.add(rs.getString(1) + " (" + rs.getString(2) + ") " + Durations.human(Duration.ofMillis(ms)) + " behind");
                }
            }
        }
        if (!lagging.isEmpty()) {
            return new CheckResult(id, Outcome.FAIL, lagging.size() + " of " + standbys + " standbys lag", max, String.join("; ", lagging),
                    "wait until the standbys catch up: a migration adds WAL and the lag grows");
        }
        dev.bulwark.replicate.ReplicationSlot slot = dev.bulwark.replicate.ReplicationSlot.read(db()).orElse(null);
        if (slot != null && slot.warning() != null) {
            return new CheckResult(id, Outcome.WARN, "inactive slot of bulwark replicate", max, slot.warning(), slot.note());
        }
        return CheckResult.pass(id, standbys == 0 ? "no standbys" : standbys + " standbys within the limit", max,
                (standbys == 0 ? "no standby is connected" : "every standby replays within " + max)
                        + (slot == null ? "" : "; " + slot.note()));
    }

    private CheckResult connections(String id) throws SQLException {
        int max = Integer.parseInt(single("SHOW max_connections"));
        int reserved = Integer.parseInt(single("SHOW superuser_reserved_connections"));
        int used = Integer.parseInt(single("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'"));
        int available = max - reserved;
        int free = available - used;
        long pct = available <= 0 ? 0 : Math.round(free * 100.0 / available);
        String measured = used + " of " + available + " used, " + free + " free (" + pct + "%)";
        String threshold = settings.minFreeConnectionsPercent() + "% free";
        if (pct < settings.minFreeConnectionsPercent() || free < 3) {
            return new CheckResult(id, Outcome.FAIL, measured, threshold, "too few free connections: a deploy needs 3 (work, lock, monitor)",
                    "close idle connections or use a pooler; raising max_connections needs a restart");
        }
        return CheckResult.pass(id, measured, threshold, "enough free connections");
    }

    private CheckResult xid(String id) throws SQLException {
        long age = Long.parseLong(single("SELECT max(age(datfrozenxid)) FROM pg_catalog.pg_database"));
        String measured = String.format(java.util.Locale.ROOT, "%,d", age);
        String threshold = String.format(java.util.Locale.ROOT, "%,d", settings.maxXidAge());
        if (age > settings.maxXidAge()) {
            return new CheckResult(id, Outcome.FAIL, measured, threshold, "transaction ID age " + measured + " is near wraparound"
                    + " (writes stop at about 2.1 billion)", "VACUUM (FREEZE) the oldest tables before deploying");
        }
        if (age > settings.maxXidAge() / 2) {
            return new CheckResult(id, Outcome.WARN, measured, threshold, "transaction ID age " + measured + " is past half the limit",
                    "check that autovacuum keeps up (pg_stat_user_tables.last_autovacuum)");
        }
        return CheckResult.pass(id, measured, threshold, "transaction ID age is far from wraparound");
    }

    // ------------------------------------------------------------------ helpers

    /** Like {@link Durations#human}, with whole hours and days as such (24h, 7d). */
    static String human(Duration d) {
        if (!d.isZero() && d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (!d.isZero() && d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        return Durations.human(d);
    }

    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Row<T> row) throws SQLException {
        try (java.sql.Statement s = db().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? row.map(rs) : null;
        }
    }

    private <T> List<T> list(String sql, Row<T> row) throws SQLException {
        List<T> out = new ArrayList<>();
        try (java.sql.Statement s = db().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    private String single(String sql) throws SQLException {
        return query(sql, rs -> rs.getString(1));
    }

}
