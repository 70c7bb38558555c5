package dev.bulwark.deploy;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.backup.Backups;
import dev.bulwark.Listener;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.PgTools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deploy without backup in its own JVM, for {@link DeployIT} to halt at a crash point
 * ({@code BULWARK_CRASH_AT}). Arguments: the project folder, the JDBC URL, the user, the password.
 */
public final class DeployChild {
    public static void main(String[] a) {
        Path project = Path.of(a[0]);
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofMillis(500), null, Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (Bulwark b = Bulwark.open(c, new ConnectionSpec(a[1], a[2], a[3], Map.of()), Listener.SILENT)) {
            Backups backups = new Backups(project.resolve("backups"), new PgTools(null, System.getenv()), "public", Listener.SILENT);
            new Deployer(b, DeployIT.settings(project), backups, new Deployer.Options(false, null, List.of(), Set.of(), "test"),
                    Listener.SILENT).run();
        }
    }
}
