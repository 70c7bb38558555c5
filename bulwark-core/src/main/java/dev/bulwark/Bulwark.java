package dev.bulwark;

import dev.bulwark.execute.Listener;
import dev.bulwark.execute.MigrateResult;
import dev.bulwark.execute.Migrator;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.EmbeddedServer;
import dev.bulwark.plan.MigrationStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The library's entry point: one method per operation, on one target database. Open it with a
 * connection, or with none to use the project's embedded PostgreSQL, and close it when done
 * (which stops the embedded server if this process started it).
 */
public final class Bulwark implements AutoCloseable {
    public static final String APPLICATION_NAME = "bulwark";

    private final BulwarkConfig config;
    private final ConnectionSpec target;
    private final EmbeddedServer embedded;
    private final Listener listener;
    private MigrationSet migrations;
    private Connection work;
    private Connection monitor;
    private volatile Migrator migrator;

    private Bulwark(BulwarkConfig config, ConnectionSpec target, EmbeddedServer embedded, Listener listener) {
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
        EmbeddedServer server = EmbeddedServer.open(config.projectDir());
        return new Bulwark(config, server.connection(), server, listener);
    }

    public BulwarkConfig config() {
        return config;
    }

    /** The target, password masked, for messages. */
    public String targetDescription() {
        return target.masked() + (embedded != null ? " (embedded, " + config.projectDir().relativize(
                config.projectDir().resolve(".bulwark/pgdata")) + ")" : "");
    }

    /** The target's connection settings (they hold the password: never print them, use {@link #targetDescription}). */
    public ConnectionSpec target() {
        return target;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The migrations of the configured directory, read once. */
    public synchronized MigrationSet migrations() {
        if (migrations == null) {
            migrations = MigrationSources.read(config.migrationsDir(), config.format());
        }
        return migrations;
    }

    private synchronized Migrator migrator() {
        if (migrator == null) {
            MigrationSet set = migrations();
            work = target.open(APPLICATION_NAME);
            monitor = target.open(APPLICATION_NAME + "-lock");
            migrator = new Migrator(config, work, monitor, set, listener);
        }
        return migrator;
    }

    public List<MigrationStatus> status() {
        return migrator().status();
    }

    public List<HistoryEntry> history() {
        return migrator().history();
    }

    public MigrateResult migrate(String to, boolean dryRun, boolean allowOutOfOrder) {
        return migrator().migrate(to, dryRun, allowOutOfOrder);
    }

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

    /**
     * Rehearses every migration on a throwaway database created on this target's server
     * (for the embedded default: the embedded server), then drops it.
     *
     * @param sampleRows rows to insert into each table a migration creates (0: none)
     */
    public dev.bulwark.rehearse.RehearsalResult rehearse(int sampleRows) {
        return new dev.bulwark.rehearse.Rehearsal(migrations(), target, config.projectDir(), sampleRows, listener).run();
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
    public void cancel() {
        Migrator m = migrator;
        if (m != null) {
            m.cancel();
        }
    }

    /**
     * Closes this instance's sessions on the target (a full restore needs the database to
     * itself); the next operation opens new ones. The embedded server keeps running.
     */
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
