package dev.bulwark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.BulwarkException;
import dev.bulwark.backup.BackupSettings.Toml;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code [deploy]} in {@code bulwark.toml}: the pipeline's options and the preflight thresholds.
 *
 * @param maxDuration               roll back when the deploy runs longer (zero: no limit)
 * @param healthUrl                 probed after verification (2xx/3xx passes), or null
 * @param notifyUrl                 receives a JSON event per stage, or null
 * @param allowRestore              a full restore from the backup is an allowed last resort
 * @param backupMaxAge              a verified backup younger than this is reused
 * @param snapshotRetention         snapshots older than this are pruned
 * @param snapshotDir               snapshots go to files here instead of the {@code bulwark_snapshots} schema, or null
 * @param checksDir                 invariant queries ({@code checks/}), or null
 * @param reportDir                 where reports go
 * @param longQuery                 active queries running longer fail the preflight
 * @param idleInTransaction         sessions idle in a transaction longer warn (fail on touched tables)
 * @param minFreeDiskPercent        free space on the data directory below this fails
 * @param maxReplicationLag         standby replay lag above this fails
 * @param minFreeConnectionsPercent free connection slots below this fail
 * @param maxXidAge                 transaction ID age above this fails (half of it warns)
 */
public record DeploySettings(Duration maxDuration, String healthUrl, String notifyUrl, boolean allowRestore,
                             Duration backupMaxAge, Duration snapshotRetention, Path snapshotDir, Path checksDir,
                             Path reportDir, Duration longQuery, Duration idleInTransaction, int minFreeDiskPercent,
                             Duration maxReplicationLag, int minFreeConnectionsPercent, long maxXidAge) {

    public DeploySettings {
        if (minFreeDiskPercent < 0 || minFreeDiskPercent > 99) {
            throw BulwarkException.usage("deploy.min_free_disk_percent must be 0 to 99, was " + minFreeDiskPercent, "use e.g. 20");
        }
        if (minFreeConnectionsPercent < 0 || minFreeConnectionsPercent > 99) {
            throw BulwarkException.usage("deploy.min_free_connections_percent must be 0 to 99, was " + minFreeConnectionsPercent, "use e.g. 10");
        }
        if (maxXidAge < 1 || maxXidAge > 2_000_000_000L) {
            throw BulwarkException.usage("deploy.max_xid_age must be 1 to 2000000000, was " + maxXidAge,
                    "use e.g. 1000000000 (wraparound stops writes at about 2.1 billion)");
        }
    }

    public static DeploySettings defaults(Path projectDir) {
        Path checks = projectDir.resolve("checks");
        return new DeploySettings(Duration.ZERO, null, null, false, Duration.ofHours(24), Duration.ofDays(7), null,
                java.nio.file.Files.isDirectory(checks) ? checks : null, projectDir.resolve(".bulwark/reports"),
                Duration.ofMinutes(5), Duration.ofMinutes(1), 20, Duration.ofSeconds(30), 10, 1_000_000_000L);
    }

    public static DeploySettings load(Path projectDir) {
        DeploySettings d = defaults(projectDir);
        JsonNode n = Toml.section(projectDir, "deploy");
        if (n == null) {
            return d;
        }
        return new DeploySettings(
                Toml.duration(n, "max_duration", "deploy.max_duration", d.maxDuration),
                n.has("health_url") ? n.get("health_url").asText() : null,
                n.has("notify_url") ? n.get("notify_url").asText() : null,
                n.has("allow_restore") ? Toml.bool(n, "deploy.allow_restore") : d.allowRestore,
                Toml.duration(n, "backup_max_age", "deploy.backup_max_age", d.backupMaxAge),
                Toml.duration(n, "snapshot_retention", "deploy.snapshot_retention", d.snapshotRetention),
                n.has("snapshot_dir") ? projectDir.resolve(n.get("snapshot_dir").asText()) : null,
                n.has("checks_dir") ? projectDir.resolve(n.get("checks_dir").asText()) : d.checksDir,
                n.has("report_dir") ? projectDir.resolve(n.get("report_dir").asText()) : d.reportDir,
                Toml.duration(n, "long_query", "deploy.long_query", d.longQuery),
                Toml.duration(n, "idle_in_transaction", "deploy.idle_in_transaction", d.idleInTransaction),
                n.has("min_free_disk_percent") ? Toml.integer(n, "deploy.min_free_disk_percent") : d.minFreeDiskPercent,
                Toml.duration(n, "max_replication_lag", "deploy.max_replication_lag", d.maxReplicationLag),
                n.has("min_free_connections_percent") ? Toml.integer(n, "deploy.min_free_connections_percent") : d.minFreeConnectionsPercent,
                n.has("max_xid_age") ? n.get("max_xid_age").asLong() : d.maxXidAge);
    }

    public DeploySettings with(Duration maxDuration, String healthUrl, String notifyUrl, Boolean allowRestore,
                               Path snapshotDir, Path reportDir) {
        return new DeploySettings(maxDuration != null ? maxDuration : this.maxDuration, healthUrl != null ? healthUrl : this.healthUrl,
                notifyUrl != null ? notifyUrl : this.notifyUrl, allowRestore != null ? allowRestore : this.allowRestore,
                backupMaxAge, snapshotRetention, snapshotDir != null ? snapshotDir : this.snapshotDir, checksDir,
                reportDir != null ? reportDir : this.reportDir, longQuery, idleInTransaction, minFreeDiskPercent,
                maxReplicationLag, minFreeConnectionsPercent, maxXidAge);
    }
}
