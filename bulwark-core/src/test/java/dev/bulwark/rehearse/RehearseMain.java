package dev.bulwark.rehearse;

import dev.bulwark.Listener;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.pg.ConnectionSpec;

import java.nio.file.Path;
import java.util.Map;

/** A rehearsal in its own JVM, for tests that interrupt it: args = projectDir jdbcUrl user. */
public final class RehearseMain {
    private RehearseMain() {
    }

    public static void main(String[] args) {
        Path project = Path.of(args[0]);
        new Rehearsal(MigrationSources.read(project.resolve("migrations"), null),
                new ConnectionSpec(args[1], args[2], null, Map.of()), project, 0, Listener.SILENT).run();
    }
}
