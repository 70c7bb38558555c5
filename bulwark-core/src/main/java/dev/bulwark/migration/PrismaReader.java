package dev.bulwark.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.bulwark.BulwarkException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prisma Migrate's layout: a folder {@code <timestamp>_<name>/} per migration holding
 * {@code migration.sql}, and {@code migration_lock.toml} beside the folders. Prisma has no down
 * migrations; a {@code down.sql} in the folder (what Prisma's docs suggest generating with
 * {@code prisma migrate diff}) becomes the down.
 */
public final class PrismaReader implements LenientReader {
    /** The {@code provider} of {@code migration_lock.toml}, when the file exists. */
    public static final String PROVIDER = "prisma.provider";

    static final String LOCK_FILE = "migration_lock.toml";
    static final String UP_FILE = "migration.sql";
    static final String DOWN_FILE = "down.sql";
    static final Pattern FOLDER = Pattern.compile("^(\\d+)_(.+)$");
    static final String EXPECTED = "<timestamp>_<name>/migration.sql, the timestamp in digits such as 20260101120000";
    private static final Set<String> POSTGRES = Set.of("postgresql", "postgres");

    @Override
    public MigrationFormat format() {
        return MigrationFormat.PRISMA;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        if (Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(LOCK_FILE))) {
            return Optional.of(LOCK_FILE);
        }
        return Sources.firstEvidence(dir, p -> Files.isRegularFile(p.resolve(UP_FILE)), p -> Sources.name(p) + "/" + UP_FILE);
    }

    @Override
    public List<Migration> read(Path dir, Consumer<LayoutProblem> problems) {
        Sources.requireDirectory(dir);
        Map<String, String> toolData = provider(dir.resolve(LOCK_FILE), problems)
                .map(p -> Map.of(PROVIDER, p))
                .orElse(Map.of());
        List<Migration> out = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        for (Path p : Sources.list(dir)) {
            if (Sources.isSqlFile(p)) {
                problems.accept(Sources.misnamedProblem(p, format(), EXPECTED));
                continue;
            }
            if (!Files.isDirectory(p)) {
                continue;
            }
            Matcher m = FOLDER.matcher(Sources.name(p));
            boolean hasUp = Files.isRegularFile(p.resolve(UP_FILE));
            if (!m.matches()) {
                if (hasUp) {
                    problems.accept(Sources.misnamedProblem(p.resolve(UP_FILE), format(), EXPECTED));
                }
                continue;
            }
            if (!hasUp) {
                problems.accept(LayoutProblem.layout(p, "has no " + UP_FILE + " (prisma migrate deploy fails on it too)",
                        "restore " + UP_FILE + ", or delete the folder"));
                continue;
            }
            folders.add(p);
        }
        Map<String, Long> perTimestamp = folders.stream().collect(java.util.stream.Collectors.groupingBy(
                p -> timestamp(p), java.util.stream.Collectors.counting()));
        for (Path p : folders) {
            Matcher m = FOLDER.matcher(Sources.name(p));
            m.matches();
            // Prisma orders by the whole folder name and applies both folders of a shared timestamp:
            // those two are known by their folder names, the rest keep the timestamp as their id.
            String version = perTimestamp.get(m.group(1)) > 1 ? Sources.name(p) : m.group(1);
            out.add(readFolder(p, version, m.group(2), toolData, problems));
        }
        return Sources.checkUnique(out, problems);
    }

    private static String timestamp(Path folder) {
        Matcher m = FOLDER.matcher(Sources.name(folder));
        return m.matches() ? m.group(1) : Sources.name(folder);
    }

    private Migration readFolder(Path folder, String version, String name, Map<String, String> toolData,
                                 Consumer<LayoutProblem> problems) {
        for (Path p : Sources.list(folder)) {
            String file = Sources.name(p);
            if (Sources.isSqlFile(p) && !file.equals(UP_FILE) && !file.equals(DOWN_FILE)) {
                problems.accept(LayoutProblem.layout(p,
                        "is neither " + UP_FILE + " nor " + DOWN_FILE + ", the only SQL files a Prisma"
                                + " migration folder holds",
                        "move the SQL into " + UP_FILE + " (or " + DOWN_FILE + " for the revert), or out of the"
                                + " migration directory"));
            }
        }
        SourceFile up = SourceFile.read(folder.resolve(UP_FILE));
        MigrationOptions options = Directives.options(up, 1, up.lineCount() + 1, MigrationOptions.DEFAULT, format());
        Script down = null;
        if (Files.isRegularFile(folder.resolve(DOWN_FILE))) {
            SourceFile downFile = SourceFile.read(folder.resolve(DOWN_FILE));
            Directives.checkDown(downFile, 1, downFile.lineCount() + 1, format());
            down = downFile.wholeScript();
        }
        // _prisma_migrations.migration_name holds the folder name
        return new Migration(MigrationVersion.of(version), Sources.description(name), MigrationKind.VERSIONED,
                format(), folder, up.wholeScript(), down, options, up.text(), Sources.name(folder), toolData);
    }

    /** The lock file's provider; anything but PostgreSQL is refused, since Bulwark only speaks PostgreSQL. */
    private static Optional<String> provider(Path lockFile, Consumer<LayoutProblem> problems) {
        if (!Files.isRegularFile(lockFile)) {
            return Optional.empty();
        }
        SourceFile file = SourceFile.read(lockFile);
        JsonNode provider;
        try {
            provider = new TomlMapper().readTree(file.text()).get("provider");
        } catch (JsonProcessingException e) {
            throw BulwarkException.usage(lockFile + " is not valid TOML: " + Sources.oneLine(e.getOriginalMessage()),
                    "restore it from version control; Prisma writes it as provider = \"postgresql\"");
        }
        if (provider == null || !provider.isTextual()) {
            return Optional.empty();
        }
        String value = provider.asText();
        if (!POSTGRES.contains(value.toLowerCase(Locale.ROOT))) {
            // lint reports it as dialect-mismatch (with schema.prisma's provider); migrate refuses
            problems.accept(new LayoutProblem(lockFile, "says provider = \"" + value + "\"; Bulwark migrates PostgreSQL only",
                    "regenerate the migrations for postgresql, or name the migrations folder of a PostgreSQL project (PATH for lint and audit, --dir for the other commands, or [migrations] dir in bulwark.toml)",
                    "dialect-mismatch"));
            return Optional.empty();
        }
        return Optional.of(value);
    }
}
