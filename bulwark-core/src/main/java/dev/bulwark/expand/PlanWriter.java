package dev.bulwark.expand;

import dev.bulwark.BulwarkException;
import dev.bulwark.migration.FolderSwap;
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

    /** One migration written: its files as they are in the folder, the first being the one holding the up SQL. */
    public record Written(PlannedMigration migration, List<Path> files) {
    }

    /**
     * Writes {@code plan} into {@code dir} in place of {@code replaced} (the one-statement migration
     * the plan replaces), through a {@link FolderSwap}: the new migrations are written and synced
     * apart, then a journal commits the swap, so a kill at any instant leaves the folder with the
     * old migration or the new ones as any Bulwark command reads it, never both nor neither. A write
     * that fails before the commit changes nothing.
     */
    public static List<Written> write(ExpandPlan plan, Path dir, MigrationFormat format, Migration replaced, Clock clock) {
        if (format != MigrationFormat.BULWARK && format != MigrationFormat.FLYWAY && format != MigrationFormat.GOLANG_MIGRATE
                && format != MigrationFormat.DBMATE && format != MigrationFormat.PRISMA) {
            throw BulwarkException.usage("bulwark plan --write writes bulwark, flyway, golang-migrate, dbmate and prisma"
                    + " migrations, and this folder is " + format.id(), "run bulwark plan without --write and copy the phases"
                    + " into your tool's migrations");
        }
        List<Path> originals = replaced == null ? List.of() : originalEntries(replaced, format);
        FolderSwap swap = FolderSwap.begin(dir, originals);
        List<Written> out = new ArrayList<>();
        try {
            for (PlannedMigration m : plan.migrations()) {
                // the scaffold sees the folder's names without the replaced migration, so versions continue as before
                List<Path> files = ProjectScaffold.newMigration(swap.newEntries(), m.name(), format, clock);
                fill(format, files, m);
                // a migration without a down has no down file (fill removed the scaffold's): it is not listed
                out.add(new Written(m, files.stream().filter(Files::exists).map(swap::finalPath).toList()));
            }
        } catch (IOException | RuntimeException e) {
            swap.abandon();
            if (e instanceof BulwarkException be) {
                throw be;
            }
            throw BulwarkException.usage("cannot write the plan into " + dir + ": " + e.getMessage(),
                    "check that the folder is writable; nothing was changed");
        }
        swap.commit(originals);
        return out;
    }

    /** What makes up {@code m} in the folder: the up file and the down file where the format keeps one apart; Prisma's folder. */
    private static List<Path> originalEntries(Migration m, MigrationFormat format) {
        Path up = m.location();
        if (format == MigrationFormat.PRISMA) {
            return List.of(up);
        }
        List<Path> out = new ArrayList<>();
        out.add(up);
        if (m.down() != null && m.down().file() != null && !m.down().file().equals(up)) {
            out.add(m.down().file());
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
