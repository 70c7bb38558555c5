package dev.bulwark.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code [backup]} in {@code bulwark.toml}; command-line options override each value.
 *
 * @param dir     where backups go (default {@code .bulwark/backups})
 * @param encrypt encrypt every backup
 * @param keyEnv  environment variable holding the key (default {@code BULWARK_BACKUP_KEY})
 * @param keyFile file holding the key, or null
 * @param jobs    parallel dump jobs (more than 1: folder format)
 * @param keep    prune never goes below this many backups
 * @param maxAge  prune deletes backups older than this
 * @param pgBin   folder of pg_dump and pg_restore, or null to search
 */
public record BackupSettings(Path dir, boolean encrypt, String keyEnv, Path keyFile, int jobs, int keep, Duration maxAge,
                             Path pgBin) {
    public static final String DEFAULT_KEY_ENV = "BULWARK_BACKUP_KEY";

    public BackupSettings {
        if (jobs < 1) {
            throw BulwarkException.usage("backup.jobs must be at least 1, was " + jobs, "use 1 for one file, more for a parallel dump");
        }
        if (keep < 1) {
            throw BulwarkException.usage("backup.keep must be at least 1, was " + keep, "prune always keeps at least one backup");
        }
    }

    public static BackupSettings defaults(Path projectDir) {
        return new BackupSettings(projectDir.resolve(".bulwark/backups"), false, DEFAULT_KEY_ENV, null, 1, 3, Duration.ofDays(30), null);
    }

    public static BackupSettings load(Path projectDir) {
        BackupSettings d = defaults(projectDir);
        JsonNode b = Toml.section(projectDir, "backup");
        if (b == null) {
            return d;
        }
        return new BackupSettings(
                b.has("dir") ? projectDir.resolve(b.get("dir").asText()).normalize() : d.dir(),
                b.has("encrypt") ? Toml.bool(b, "backup.encrypt") : d.encrypt(),
                b.has("key_env") ? b.get("key_env").asText() : d.keyEnv(),
                b.has("key_file") ? projectDir.resolve(b.get("key_file").asText()) : null,
                b.has("jobs") ? Toml.integer(b, "backup.jobs") : d.jobs(),
                b.has("keep") ? Toml.integer(b, "backup.keep") : d.keep(),
                b.has("max_age") ? Durations.parse(b.get("max_age").asText(), "backup.max_age") : d.maxAge(),
                b.has("pg_bin") ? projectDir.resolve(b.get("pg_bin").asText()) : null);
    }

    /** The key for encrypting or decrypting: the key file if one is set, else the environment variable. */
    public BackupCipher.Key key(java.util.Map<String, String> env) {
        return keyFile != null ? BackupCipher.Key.fromFile(keyFile) : BackupCipher.Key.fromEnvironment(keyEnv, env);
    }

    public BackupSettings with(Path dir, Boolean encrypt, String keyEnv, Path keyFile, Integer jobs, Path pgBin) {
        return new BackupSettings(dir != null ? dir : this.dir, encrypt != null ? encrypt : this.encrypt,
                keyEnv != null ? keyEnv : this.keyEnv, keyFile != null ? keyFile : this.keyFile, jobs != null ? jobs : this.jobs,
                keep, maxAge, pgBin != null ? pgBin : this.pgBin);
    }

    /** Reads one section of bulwark.toml; {@link BulwarkConfig#load} has already rejected unknown keys. */
    public static final class Toml {
        private Toml() {
        }

        public static JsonNode section(Path projectDir, String name) {
            Path file = projectDir.resolve(BulwarkConfig.FILE_NAME);
            if (!Files.isRegularFile(file)) {
                return null;
            }
            try {
                JsonNode root = new TomlMapper().readTree(file.toFile());
                return root == null || !root.path(name).isObject() ? null : root.get(name);
            } catch (IOException e) {
                throw BulwarkException.usage(file + ": not valid TOML: " + e.getMessage().lines().findFirst().orElse(""),
                        "fix the file");
            }
        }

        public static boolean bool(JsonNode node, String name) {
            JsonNode v = node.get(name.substring(name.indexOf('.') + 1));
            if (!v.isBoolean()) {
                throw BulwarkException.usage(name + " must be true or false, was " + v, "write " + name.substring(name.indexOf('.') + 1) + " = true");
            }
            return v.asBoolean();
        }

        public static int integer(JsonNode node, String name) {
            JsonNode v = node.get(name.substring(name.indexOf('.') + 1));
            if (!v.canConvertToInt()) {
                throw BulwarkException.usage(name + " must be a whole number, was " + v, "write e.g. " + name.substring(name.indexOf('.') + 1) + " = 3");
            }
            return v.asInt();
        }

        public static Duration duration(JsonNode node, String key, String name, Duration fallback) {
            return node == null || !node.has(key) ? fallback : Durations.parse(node.get(key).asText(), name);
        }
    }
}
