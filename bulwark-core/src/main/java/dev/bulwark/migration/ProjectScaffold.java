package dev.bulwark.migration;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.BulwarkException;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes new files: a project's {@code bulwark.toml} and {@code migrations/} ({@code bulwark init}),
 * and a new migration in whatever layout the directory already uses ({@code bulwark new}). It never
 * overwrites a file.
 */
public final class ProjectScaffold {
    public static final String CONFIG_FILE = "bulwark.toml";
    public static final String MIGRATIONS_DIR = "migrations";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** A timestamp version has 14 digits; shorter all-digit versions are a sequence (0001, 0002, …). */
    private static final int TIMESTAMP_DIGITS = 14;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\- ]+");

    static final String CONFIG = """
            # Bulwark configuration. Values shown are the defaults; uncomment a line to change it.

            [migrations]
            # Folder of the migration files, relative to this file.
            dir = "migrations"
            # Layout of the files: bulwark, flyway, golang-migrate, dbmate, prisma or drizzle.
            # Left out, Bulwark detects it from the files in dir.
            # format = "bulwark"

            [database]
            # The database to migrate. Keep passwords out of this file, which is committed:
            # give them through the environment (PGPASSWORD, ~/.pgpass, or a URL in an
            # environment variable) instead. Left out, commands that need a database use an
            # embedded PostgreSQL whose data lives under .bulwark/.
            # url = "postgresql://app@localhost:5432/app"

            [execution]
            # lock_timeout of every statement: a migration that waits longer for a lock gives up
            # (and retries) instead of queueing the application's queries behind it.
            lock_timeout = "2s"
            # statement_timeout of every statement; "0" means no limit.
            statement_timeout = "0"
            # How long, in total, to keep retrying statements that hit lock_timeout.
            lock_retry_budget = "5min"
            # How long to wait for another Bulwark run to release the migration lock.
            lock_wait = "60s"
            """;

    private ProjectScaffold() {
    }

    /**
     * Creates {@code bulwark.toml} with commented defaults and an empty {@code migrations/}
     * (kept if it exists) in {@code projectDir}.
     *
     * @return the files and folders created, in that order
     * @throws BulwarkException (USAGE) when {@code bulwark.toml} already exists
     */
    public static List<Path> init(Path projectDir) {
        Path config = projectDir.resolve(CONFIG_FILE);
        if (Files.exists(config)) {
            throw BulwarkException.usage(config + " already exists; bulwark init never overwrites it",
                    "edit it instead, or delete it and run bulwark init again to start over");
        }
        List<Path> created = new ArrayList<>();
        createDirectories(projectDir);
        create(config, CONFIG);
        created.add(config);
        Path migrations = projectDir.resolve(MIGRATIONS_DIR);
        if (!Files.isDirectory(migrations)) {
            createDirectories(migrations);
            created.add(migrations);
        }
        return created;
    }

    /**
     * Writes a new, empty migration with an up and (where the tool has one) a down part.
     *
     * <p>The version continues the directory's style: after {@code 0001}…{@code 0007} comes
     * {@code 0008}; otherwise it is the UTC time {@code yyyyMMddHHmmss}, moved past the newest
     * version when the clock is behind it, so the new migration always sorts last.
     *
     * @param name   letters, digits, {@code _}, {@code -} and spaces; written in snake_case
     * @param format the layout to write, or null for the directory's (bulwark when it is empty)
     * @return the files written; for Drizzle, the SQL file and the journal
     */
    public static List<Path> newMigration(Path migrationsDir, String name, MigrationFormat format, Clock clock) {
        String snake = snakeName(name);
        Sources.requireDirectory(migrationsDir);
        MigrationFormat f = format != null ? format
                : MigrationSources.detectIfAny(migrationsDir).orElse(MigrationFormat.BULWARK);
        String timestamp = TIMESTAMP.format(clock.instant());
        String title = Sources.description(snake);
        return switch (f) {
            case BULWARK -> {
                String v = nextVersion(migrationsDir, versionsOf(migrationsDir, BulwarkReader.FILE), timestamp, true);
                yield List.of(create(migrationsDir.resolve(v + "_" + snake + ".sql"), """
                        -- %s
                        -- Directives such as lock-timeout 5s or no-transaction go on comment lines above the
                        -- up marker, written as: -- bulwark:<directive>
                        -- bulwark:up


                        -- bulwark:down
                        -- SQL that reverts the up section. Leave the section empty if there is nothing to revert;
                        -- remove it, marker included, if the migration cannot be reverted.

                        """.formatted(title)));
            }
            case FLYWAY -> {
                List<String> versions = new ArrayList<>();
                for (Path p : FlywayReader.sqlFiles(migrationsDir)) {
                    Matcher m = FlywayReader.VERSIONED.matcher(Sources.name(p));
                    if (m.matches()) {
                        versions.add(m.group(2).replace('_', '.'));
                    }
                }
                String v = nextVersion(migrationsDir, versions, timestamp, true);
                String up = "V" + v + "__" + snake + ".sql";
                yield List.of(
                        create(migrationsDir.resolve(up), "-- " + title + "\n\n"),
                        create(migrationsDir.resolve("U" + v + "__" + snake + ".sql"),
                                "-- Reverts " + up + ". Bulwark runs it as the down of version " + v + ".\n\n"));
            }
            case GOLANG_MIGRATE -> {
                String v = nextVersion(migrationsDir, versionsOf(migrationsDir, GolangMigrateReader.FILE), timestamp,
                        true);
                yield List.of(
                        create(migrationsDir.resolve(v + "_" + snake + ".up.sql"), "-- " + title + "\n\n"),
                        create(migrationsDir.resolve(v + "_" + snake + ".down.sql"),
                                "-- Reverts " + v + "_" + snake + ".up.sql.\n\n"));
            }
            case DBMATE -> {
                String v = nextVersion(migrationsDir, versionsOf(migrationsDir, DbmateReader.FILE), timestamp, true);
                // dbmate's own template
                yield List.of(create(migrationsDir.resolve(v + "_" + snake + ".sql"),
                        "-- migrate:up\n\n\n-- migrate:down\n\n"));
            }
            case PRISMA -> {
                List<String> versions = new ArrayList<>();
                for (Path p : Sources.list(migrationsDir)) {
                    Matcher m = PrismaReader.FOLDER.matcher(Sources.name(p));
                    if (m.matches() && Files.isDirectory(p)) {
                        versions.add(m.group(1));
                    }
                }
                // Prisma orders folders by name, so only same-width timestamps keep the order right
                String v = nextVersion(migrationsDir, versions, timestamp, false);
                Path folder = migrationsDir.resolve(v + "_" + snake);
                createDirectories(folder);
                yield List.of(
                        create(folder.resolve(PrismaReader.UP_FILE), "-- " + title + "\n\n"),
                        create(folder.resolve(PrismaReader.DOWN_FILE), "-- Reverts migration.sql. Prisma ignores"
                                + " this file; Bulwark runs it as the down.\n\n"));
            }
            case DRIZZLE -> newDrizzleMigration(migrationsDir, snake, clock);
            case ALEMBIC -> throw BulwarkException.usage("writing alembic migrations is not supported",
                    "create it with alembic revision -m \"" + name + "\"");
            case DIESEL -> {
                List<String> versions = new ArrayList<>();
                for (Path p : Sources.list(migrationsDir)) {
                    if (Files.isDirectory(p)) {
                        versions.add(DieselReader.version(Sources.name(p)));
                    }
                }
                // diesel migration generate's own style: 2026-01-01-120000
                String v = nextVersion(migrationsDir, versions, timestamp, false);
                String folderVersion = v.length() == TIMESTAMP_DIGITS ? v.substring(0, 4) + "-" + v.substring(4, 6) + "-"
                        + v.substring(6, 8) + "-" + v.substring(8) : v;
                Path folder = migrationsDir.resolve(folderVersion + "_" + snake);
                createDirectories(folder);
                yield List.of(
                        create(folder.resolve(DieselReader.UP_FILE), "-- " + title + "\n\n"),
                        create(folder.resolve(DieselReader.DOWN_FILE), "-- Reverts up.sql.\n\n"));
            }
            case GOOSE -> {
                String v = nextVersion(migrationsDir, versionsOf(migrationsDir, GooseReader.FILE), timestamp, true);
                yield List.of(create(migrationsDir.resolve(v + "_" + snake + ".sql"),
                        "-- +goose Up\n-- " + title + "\n\n\n-- +goose Down\n\n"));
            }
            case LIQUIBASE -> {
                java.util.Optional<Path> master = LiquibaseReader.master(migrationsDir);
                if (master.isPresent()) {
                    throw BulwarkException.usage("writing into " + master.get().getFileName() + " is not supported",
                            "add a changeSet to " + master.get().getFileName() + " by hand");
                }
                // a formatted SQL changelog of its own, read after the others as includeAll would
                yield List.of(create(migrationsDir.resolve(timestamp + "_" + snake + ".sql"), "--liquibase formatted sql\n\n"
                        + LiquibaseReader.CHANGESET_LINE + System.getProperty("user.name", "bulwark").replaceAll("[\\s:]", "_") + ":" + timestamp
                        + "-" + snake + "\n-- " + title + "\n\n--rollback \n"));
            }
        };
    }

    /** A name as it goes into a file name: snake_case, lower case. */
    static String snakeName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw BulwarkException.usage(
                    "migration name '" + name + "' may hold only letters, digits, _, - and spaces",
                    "use a name such as \"add user email\" or add_user_email");
        }
        String snake = name.strip().toLowerCase(Locale.ROOT)
                .replaceAll("[\\s\\-_]+", "_")
                .replaceAll("^_+|_+$", "");
        if (snake.isEmpty()) {
            throw BulwarkException.usage("migration name '" + name + "' has no letters or digits",
                    "use a name such as \"add user email\" or add_user_email");
        }
        return snake;
    }

    private static List<String> versionsOf(Path dir, Pattern fileName) {
        List<String> versions = new ArrayList<>();
        for (Path p : Sources.list(dir)) {
            Matcher m = fileName.matcher(Sources.name(p));
            if (m.matches()) {
                versions.add(m.group(1));
            }
        }
        return versions;
    }

    private static String nextVersion(Path dir, List<String> existing, String timestamp, boolean sequenceAllowed) {
        MigrationVersion newest = existing.stream().map(MigrationVersion::of)
                .max(Comparator.naturalOrder()).orElse(null);
        if (newest == null) {
            return timestamp;
        }
        String text = newest.toString();
        boolean integer = text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (sequenceAllowed && integer && text.length() < TIMESTAMP_DIGITS) {
            return String.format("%0" + text.length() + "d", new BigInteger(text).add(BigInteger.ONE));
        }
        if (MigrationVersion.of(timestamp).compareTo(newest) > 0) {
            return timestamp;
        }
        if (integer) {
            // the clock is behind the newest migration (another machine's, or a version typed by
            // hand): a version below it would sort before migrations that may already be applied
            return new BigInteger(text).add(BigInteger.ONE).toString();
        }
        throw BulwarkException.usage("cannot choose a version after " + newest + " in " + dir,
                "create the migration by hand with a version above " + newest);
    }

    private static List<Path> newDrizzleMigration(Path dir, String snake, Clock clock) {
        Path journal = dir.resolve(DrizzleReader.JOURNAL);
        ObjectNode root;
        boolean trailingNewline = false;
        if (Files.isRegularFile(journal)) {
            DrizzleReader.entries(journal); // validates it before it is changed
            root = DrizzleReader.tree(journal);
            trailingNewline = SourceFile.read(journal).text().endsWith("\n");
        } else {
            root = DrizzleReader.json().createObjectNode();
            root.put("version", "7");
            root.put("dialect", "postgresql");
            root.putArray("entries");
        }
        ArrayNode entries = (ArrayNode) root.get("entries");
        JsonNode last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        int idx = last == null ? 0 : last.get("idx").asInt() + 1;
        String prefix = String.format("%04d", idx);
        if (last != null) {
            Matcher m = DrizzleReader.TAG_PREFIX.matcher(last.get("tag").asText());
            if (m.matches() && m.group(1).length() <= 9 && Integer.parseInt(m.group(1)) == idx - 1) {
                prefix = String.format("%0" + m.group(1).length() + "d", idx);
            } else if (m.matches() && m.group(1).length() == TIMESTAMP_DIGITS) {
                prefix = TIMESTAMP.format(clock.instant()); // drizzle-kit's prefix = "timestamp"
            }
        }
        String tag = prefix + "_" + snake;
        // Drizzle applies an entry only if its 'when' is later than the newest applied one
        long when = clock.millis();
        if (last != null && last.has("when")) {
            when = Math.max(when, last.get("when").asLong() + 1);
        }
        // the hint must not contain the breakpoint marker itself: Drizzle splits on it even in comments
        Path sql = create(dir.resolve(tag + ".sql"), """
                -- %s
                -- Separate statements with statement-breakpoint lines as drizzle-kit writes them.
                -- Drizzle has no down migrations: revert with a new migration.

                """.formatted(Sources.description(snake)));
        ObjectNode entry = DrizzleReader.json().createObjectNode();
        entry.put("idx", idx);
        entry.put("version", last != null && last.has("version") ? last.get("version").asText()
                : root.path("version").asText("7"));
        entry.put("when", when);
        entry.put("tag", tag);
        entry.put("breakpoints", true);
        entries.add(entry);
        createDirectories(journal.getParent());
        try {
            String json = DrizzleReader.json().writer(journalPrinter()).writeValueAsString(root);
            Files.writeString(journal, trailingNewline ? json + "\n" : json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw cannotWrite(journal, e);
        }
        return List.of(sql, journal);
    }

    /** Formats the journal as drizzle-kit does (JSON.stringify with two spaces), so diffs stay small. */
    private static DefaultPrettyPrinter journalPrinter() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }

    private static Path create(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            return file;
        } catch (FileAlreadyExistsException e) {
            throw BulwarkException.usage(file + " already exists", "choose another name for the migration");
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
    }

    private static BulwarkException cannotWrite(Path path, IOException e) {
        return BulwarkException.usage("cannot write " + path + ": " + Sources.oneLine(e.toString()),
                "check that the folder exists and is writable");
    }
}
