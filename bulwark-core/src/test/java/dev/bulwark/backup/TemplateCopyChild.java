package dev.bulwark.backup;

import dev.bulwark.execute.Listener;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.PgTools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A backup run in its own JVM, for {@link BackupIT} to kill at a crash point
 * ({@code BULWARK_CRASH_AT}): {@code create} takes a template copy (no pg_dump on its path),
 * {@code prune} prunes with the server. Arguments: the mode, the backup folder, the JDBC URL,
 * the user and the password.
 */
public final class TemplateCopyChild {
    public static void main(String[] a) throws Exception {
        Path empty = Files.createDirectories(Path.of(a[1]).resolveSibling("no-pg-bin"));
        Backups b = new Backups(Path.of(a[1]), new PgTools(empty, Map.of("PATH", empty.toString())), "public", Listener.SILENT);
        ConnectionSpec spec = new ConnectionSpec(a[2], a[3], a[4], Map.of());
        if (a[0].equals("create")) {
            b.create(spec, new Backups.CreateOptions(1, null, "test", true));
        } else {
            b.prune(Duration.ZERO, 1, false, spec);
        }
    }
}
