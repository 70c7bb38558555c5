package dev.bulwark.backup;

import dev.bulwark.Listener;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.PgTools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A backup run in its own JVM, for {@link BackupIT} to kill (at a crash point,
 * {@code BULWARK_CRASH_AT}, or with SIGKILL). Arguments: the mode, the backup folder, the JDBC
 * URL, the user, the password, and the folder pg_dump is taken from (empty: none, so
 * {@code template-create} copies with a template). Modes: {@code template-create},
 * {@code create} (a plain dump), {@code prune} (with the server).
 */
public final class BackupChild {
    public static void main(String[] a) throws Exception {
        Path bin = Files.createDirectories(Path.of(a[5]));
        Backups b = new Backups(Path.of(a[1]), new PgTools(bin, Map.of("PATH", bin.toString())), "public", Listener.SILENT);
        ConnectionSpec spec = new ConnectionSpec(a[2], a[3], a[4], Map.of());
        switch (a[0]) {
            case "template-create" -> b.create(spec, new Backups.CreateOptions(1, null, "test", true));
            case "create" -> b.create(spec, new Backups.CreateOptions(1, null, "test"));
            case "prune" -> b.prune(Duration.ZERO, 1, false, spec);
            default -> throw new IllegalArgumentException(a[0]);
        }
    }
}
