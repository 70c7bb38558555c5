package dev.bulwark.execute;

import dev.bulwark.Listener;
import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.pg.ConnectionSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A migrations folder in a temp dir, and Bulwark opened on it against a test database. */
final class TestProject {
    final Path dir;
    final List<String> info = new CopyOnWriteArrayList<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();
    MigrationFormat format;
    Duration lockTimeout = Duration.ofMillis(300);
    Duration retryBudget = Duration.ofSeconds(20);
    Duration lockWait = Duration.ofSeconds(20);

    TestProject(Path dir) {
        this.dir = dir;
    }

    TestProject write(String relative, String content) {
        try {
            Path p = dir.resolve("migrations").resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TestProject delete(String relative) {
        try {
            Files.delete(dir.resolve("migrations").resolve(relative));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BulwarkConfig config() {
        BulwarkConfig c = BulwarkConfig.defaults(dir).withTimeouts(lockTimeout, Duration.ZERO, retryBudget, lockWait);
        return format == null ? c : c.withFormat(format);
    }

    Bulwark open(ConnectionSpec db) {
        return Bulwark.open(config(), db, new Listener() {
            @Override
            public void info(String line) {
                info.add(line);
            }

            @Override
            public void warn(String line) {
                warnings.add(line);
            }
        });
    }

    static String bulwark(String up, String down) {
        return "-- bulwark:up\n" + up + "\n" + (down == null ? "" : "-- bulwark:down\n" + down + "\n");
    }
}
