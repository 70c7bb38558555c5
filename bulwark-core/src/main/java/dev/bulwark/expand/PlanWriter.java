package dev.bulwark.expand;

import dev.bulwark.BulwarkException;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.ProjectScaffold;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a plan's migrations into the folder, in its format, through the same scaffolding as
 * {@code bulwark new} (so versions continue the folder's style and sort after every other
 * migration), and removes the migration the plan replaces.
 */
public final class PlanWriter {
    private PlanWriter() {
    }

    /** One migration written: its files, the first being the one holding the up SQL. */
    public record Written(PlannedMigration migration, List<Path> files) {
    }

    /**
     * Writes {@code plan} into {@code dir} and deletes {@code replaced} (the one-statement migration
     * the plan replaces). If a write fails, the files written so far are removed and the replaced
     * migration is put back as it was.
     */
    public static List<Written> write(ExpandPlan plan, Path dir, MigrationFormat format, Migration replaced, Clock clock) {
        if (format != MigrationFormat.BULWARK && format != MigrationFormat.FLYWAY && format != MigrationFormat.GOLANG_MIGRATE
                && format != MigrationFormat.DBMATE && format != MigrationFormat.PRISMA) {
            throw BulwarkException.usage("bulwark plan --write writes bulwark, flyway, golang-migrate, dbmate and prisma"
                    + " migrations, and this folder is " + format.id(), "run bulwark plan without --write and copy the phases"
                    + " into your tool's migrations");
        }
        List<Path> originals = replaced == null ? List.of() : originalFiles(replaced, format);
        List<byte[]> saved = new ArrayList<>();
        List<Written> out = new ArrayList<>();
        try {
            for (Path p : originals) {
                saved.add(Files.readAllBytes(p));
            }
            for (Path p : originals) {
                Files.delete(p);
            }
            if (format == MigrationFormat.PRISMA && replaced != null) {
                Files.deleteIfExists(replaced.location()); // the folder, now empty
            }
            for (PlannedMigration m : plan.migrations()) {
                List<Path> files = ProjectScaffold.newMigration(dir, m.name(), format, clock);
                fill(format, files, m);
                out.add(new Written(m, files));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            for (Written w : out) {
                for (Path p : w.files()) {
                    try {
                        Files.deleteIfExists(p);
                        if (format == MigrationFormat.PRISMA) {
                            Files.deleteIfExists(p.getParent());
                        }
                    } catch (IOException ignored) {
                        // best effort: the error below names the folder
                    }
                }
            }
            for (int i = 0; i < saved.size(); i++) {
                try {
                    Files.createDirectories(originals.get(i).getParent());
                    Files.write(originals.get(i), saved.get(i));
                } catch (IOException ignored) {
                    // reported below
                }
            }
            if (e instanceof BulwarkException be) {
                throw be;
            }
            throw BulwarkException.usage("cannot write the plan into " + dir + ": " + e.getMessage(),
                    "check that the folder is writable; nothing was changed");
        }
    }

    /** The files that make up {@code m}: the up file, and the down file where the format keeps one apart. */
    private static List<Path> originalFiles(Migration m, MigrationFormat format) {
        Path up = m.location();
        List<Path> out = new ArrayList<>();
        switch (format) {
            case PRISMA -> {
                try (var files = Files.list(up)) {
                    files.forEach(out::add);
                } catch (IOException e) {
                    throw BulwarkException.usage("cannot read " + up + ": " + e.getMessage(), "check the folder");
                }
            }
            default -> {
                out.add(up);
                if (m.down() != null && m.down().file() != null && !m.down().file().equals(up)) {
                    out.add(m.down().file());
                }
            }
        }
        return out;
    }

    /** The directive lines above the up SQL. */
    static String header(PlannedMigration m) {
        StringBuilder b = new StringBuilder();
        b.append("-- ").append(m.purpose()).append("\n");
        b.append("-- Written by bulwark plan: see docs/expand-contract.md\n");
        b.append("-- bulwark:phase ").append(m.phase().id()).append("\n");
        for (String d : m.directives()) {
            b.append("-- bulwark:").append(d).append("\n");
        }
        return b.toString();
    }

    /** The up SQL, led by the file-wide ignore that says why a migration has no down or an empty one. */
    static String up(PlannedMigration m) {
        if (m.down() == null) {
            return "-- bulwark:ignore missing-down the contract phase is one-way (bulwark plan says what it gives up)\n\n" + m.up();
        }
        if (m.down().isBlank()) {
            return "-- bulwark:ignore missing-down nothing to revert: the expand migration before it drops what this one adds\n\n"
                    + m.up();
        }
        return m.up();
    }

    private static void fill(MigrationFormat format, List<Path> files, PlannedMigration plain) throws IOException {
        PlannedMigration m = new PlannedMigration(plain.phase(), plain.name(), plain.purpose(), plain.directives(), up(plain),
                plain.down());
        String head = header(m);
        String down = m.down() == null ? null : m.down();
        switch (format) {
            case BULWARK -> write(files.get(0), head + "-- bulwark:up\n" + m.up()
                    + (down == null ? "" : "-- bulwark:down\n" + down));
            case DBMATE -> write(files.get(0), head + "-- migrate:up\n" + m.up()
                    + "\n-- migrate:down\n" + (down == null ? "" : down));
            default -> { // flyway, golang-migrate, prisma: up file and down file
                write(files.get(0), head + m.up());
                if (down == null) {
                    Files.delete(files.get(1));
                } else {
                    write(files.get(1), down);
                }
            }
        }
    }

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }
}
