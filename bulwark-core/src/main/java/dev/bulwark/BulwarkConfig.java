package dev.bulwark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.bulwark.migration.MigrationFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Validated, immutable configuration: {@code bulwark.toml} values overridden by command-line
 * options. Validation happens once, here, with messages that name the setting and the limit.
 *
 * @param projectDir       the folder holding {@code bulwark.toml} and {@code .bulwark/}
 * @param migrationsDir    where the migrations are (absolute)
 * @param format           the migration format, or null to detect it
 * @param databaseUrl      {@code [database] url} from the file (may hold ${VAR} references), or null
 * @param lockTimeout      lock_timeout for every migration statement
 * @param statementTimeout statement_timeout for every migration statement (zero: none)
 * @param lockRetryBudget  total time spent retrying statements that hit lock_timeout
 * @param lockWait         how long a run waits for another run's migration lock
 * @param historySchema    schema of {@code bulwark_history}
 * @param checksDir        folder of invariant queries for {@code verify} (absolute; may not exist)
 */
public record BulwarkConfig(
        Path projectDir,
        Path migrationsDir,
        MigrationFormat format,
        String databaseUrl,
        Duration lockTimeout,
        Duration statementTimeout,
        Duration lockRetryBudget,
        Duration lockWait,
        String historySchema,
        Path checksDir) {

    public static final String FILE_NAME = "bulwark.toml";
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(60);
    /** {@code [backup]} settings, read by {@link dev.bulwark.backup.BackupSettings}. */
    public static final Set<String> BACKUP_KEYS = Set.of("dir", "encrypt", "key_env", "key_file", "jobs", "keep", "max_age", "pg_bin");
    /** {@code [deploy]} settings, read by {@link dev.bulwark.deploy.DeploySettings}. */
    public static final Set<String> DEPLOY_KEYS = Set.of("max_duration", "health_url", "notify_url", "allow_restore",
            "backup_max_age", "snapshot_retention", "snapshot_dir", "checks_dir", "report_dir", "long_query",
            "idle_in_transaction", "min_free_disk_percent", "max_replication_lag", "min_free_connections_percent",
            "max_xid_age");

    public BulwarkConfig {
        Objects.requireNonNull(projectDir, "projectDir");
        Objects.requireNonNull(migrationsDir, "migrationsDir");
        Objects.requireNonNull(checksDir, "checksDir");
        requirePositive(lockTimeout, "execution.lock_timeout");
        requireNotNegative(statementTimeout, "execution.statement_timeout");
        requireNotNegative(lockRetryBudget, "execution.lock_retry_budget");
        requireNotNegative(lockWait, "execution.lock_wait");
        if (historySchema == null || historySchema.isBlank()) {
            throw BulwarkException.usage("history.schema cannot be empty", "remove the setting to use 'public'");
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw BulwarkException.usage(name + " must be greater than 0, was " + d,
                    "a lock timeout of 0 waits forever behind a long transaction and stalls every query queued behind it; use e.g. 2s");
        }
    }

    private static void requireNotNegative(Duration d, String name) {
        if (d == null || d.isNegative()) {
            throw BulwarkException.usage(name + " cannot be negative, was " + d, "use 0 for none");
        }
    }

    /** Defaults for a project folder with no {@code bulwark.toml}. */
    public static BulwarkConfig defaults(Path projectDir) {
        Path p = projectDir.toAbsolutePath().normalize();
        return new BulwarkConfig(p, p.resolve("migrations"), null, null, DEFAULT_LOCK_TIMEOUT, Duration.ZERO,
                DEFAULT_RETRY_BUDGET, DEFAULT_LOCK_WAIT, "public", p.resolve("checks"));
    }

    /** Reads {@code projectDir/bulwark.toml} when it exists, else the defaults. */
    public static BulwarkConfig load(Path projectDir) {
        BulwarkConfig c = defaults(projectDir);
        Path file = c.projectDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return c;
        }
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw BulwarkException.usage(file + ": not valid TOML: " + firstLine(e.getMessage()),
                    "fix the file or run 'bulwark init' in an empty folder to see a valid one");
        }
        if (root == null) {
            return c;
        }
        checkKeys(file, root, "", Set.of("migrations", "database", "execution", "history", "lint", "verify", "deploy", "backup", "copy", "audit", "test"));
        JsonNode migrations = root.path("migrations");
        checkKeys(file, migrations, "migrations.", Set.of("dir", "format"));
        JsonNode database = root.path("database");
        checkKeys(file, database, "database.", Set.of("url"));
        JsonNode execution = root.path("execution");
        checkKeys(file, execution, "execution.", Set.of("lock_timeout", "statement_timeout", "lock_retry_budget", "lock_wait"));
        JsonNode history = root.path("history");
        checkKeys(file, history, "history.", Set.of("schema"));
        checkKeys(file, root.path("backup"), "backup.", BACKUP_KEYS);
        checkKeys(file, root.path("deploy"), "deploy.", DEPLOY_KEYS);
        checkKeys(file, root.path("lint"), "lint.", Set.of("fail_on", "pg_version", "rules", "protected_tables"));
        JsonNode verify = root.path("verify");
        checkKeys(file, verify, "verify.", Set.of("checks_dir"));

        Path dir = migrations.has("dir") ? c.projectDir.resolve(text(file, migrations, "dir")).normalize() : c.migrationsDir;
        MigrationFormat format = migrations.has("format") ? MigrationFormat.fromId(text(file, migrations, "format")) : null;
        String url = database.has("url") ? text(file, database, "url") : null;
        return new BulwarkConfig(c.projectDir, dir, format, url,
                duration(file, execution, "lock_timeout", c.lockTimeout),
                duration(file, execution, "statement_timeout", c.statementTimeout),
                duration(file, execution, "lock_retry_budget", c.lockRetryBudget),
                duration(file, execution, "lock_wait", c.lockWait),
                history.has("schema") ? text(file, history, "schema") : c.historySchema,
                verify.has("checks_dir") ? c.projectDir.resolve(text(file, verify, "checks_dir")).normalize() : c.checksDir);
    }

    private static void checkKeys(Path file, JsonNode node, String prefix, Set<String> known) {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!known.contains(key)) {
                throw BulwarkException.usage(file + ": unknown setting '" + prefix + key + "'",
                        "known settings here: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static String text(Path file, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw BulwarkException.usage(file + ": '" + key + "' must be a string, was " + v, "quote the value");
        }
        return v.asText();
    }

    private static Duration duration(Path file, JsonNode node, String key, Duration fallback) {
        if (!node.has(key)) {
            return fallback;
        }
        JsonNode v = node.get(key);
        String what = file.getFileName() + " execution." + key;
        String text = v.isNumber() ? v.asText() : text(file, node, key);
        return key.endsWith("_timeout") ? Durations.parseTimeout(text, what) : Durations.parse(text, what);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    public BulwarkConfig withMigrationsDir(Path dir) {
        return new BulwarkConfig(projectDir, projectDir.resolve(dir).normalize(), format, databaseUrl, lockTimeout,
                statementTimeout, lockRetryBudget, lockWait, historySchema, checksDir);
    }

    public BulwarkConfig withFormat(MigrationFormat f) {
        return new BulwarkConfig(projectDir, migrationsDir, f, databaseUrl, lockTimeout, statementTimeout,
                lockRetryBudget, lockWait, historySchema, checksDir);
    }

    public BulwarkConfig withTimeouts(Duration lockTimeout, Duration statementTimeout, Duration retryBudget, Duration lockWait) {
        return new BulwarkConfig(projectDir, migrationsDir, format, databaseUrl,
                lockTimeout != null ? lockTimeout : this.lockTimeout,
                statementTimeout != null ? statementTimeout : this.statementTimeout,
                retryBudget != null ? retryBudget : this.lockRetryBudget,
                lockWait != null ? lockWait : this.lockWait, historySchema, checksDir);
    }

    public BulwarkConfig withChecksDir(Path dir) {
        return new BulwarkConfig(projectDir, migrationsDir, format, databaseUrl, lockTimeout, statementTimeout,
                lockRetryBudget, lockWait, historySchema, projectDir.resolve(dir).normalize());
    }
}
