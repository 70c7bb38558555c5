package dev.bulwark.execute;

import dev.bulwark.Listener;
import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.pg.ConnectionSpec;

import java.nio.file.Path;
import java.util.Map;

/** A migrate run in its own JVM, for tests that kill it: args = projectDir jdbcUrl user. */
public final class MigrateMain {
    private MigrateMain() {
    }

    public static void main(String[] args) {
        ConnectionSpec spec = new ConnectionSpec(args[1], args[2], null, Map.of());
        try (Bulwark b = Bulwark.open(BulwarkConfig.defaults(Path.of(args[0])), spec, new Listener() {
            @Override
            public void info(String line) {
                System.out.println(line);
            }

            @Override
            public void warn(String line) {
                System.err.println(line);
            }
        })) {
            b.migrate(null, false, false);
        }
    }
}
