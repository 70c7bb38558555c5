package dev.bulwark.audit;

import dev.bulwark.BulwarkConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a project keeps its migrations and its tool's config, found from one folder the user
 * names: the project root (alembic.ini, prisma/, flyway.conf, bulwark.toml, migrations/) or the
 * migrations folder itself.
 *
 * @param projectDir    the folder holding the tool's config files
 * @param migrationsDir the folder to read migrations from
 */
public record ProjectLayout(Path projectDir, Path migrationsDir) {
    private static final Pattern SCRIPT_LOCATION = Pattern.compile("(?m)^\\s*script_location\\s*=\\s*(\\S+)");
    private static final Pattern FLYWAY_LOCATIONS = Pattern.compile("(?m)^\\s*flyway\\.locations\\s*=\\s*(?:filesystem:)?([^,\\s]+)");
    private static final Set<String> TOOL_FOLDERS = Set.of("migrations", "versions", "alembic", "prisma", "db", "sql");

    public static ProjectLayout locate(Path folder) {
        Path p = folder.toAbsolutePath().normalize();
        String ini = read(p.resolve("alembic.ini"));
        if (ini != null) {
            Matcher m = SCRIPT_LOCATION.matcher(ini);
            return new ProjectLayout(p, p.resolve(m.find() ? m.group(1).replace("%(here)s/", "") : "alembic").normalize());
        }
        if (Files.isDirectory(p.resolve("prisma/migrations"))) {
            return new ProjectLayout(p, p.resolve("prisma/migrations"));
        }
        String flyway = read(p.resolve("flyway.conf"));
        if (flyway != null) {
            Matcher m = FLYWAY_LOCATIONS.matcher(flyway);
            Path dir = p.resolve(m.find() ? m.group(1) : "sql").normalize();
            if (Files.isDirectory(dir)) {
                return new ProjectLayout(p, dir);
            }
        }
        if (Files.isRegularFile(p.resolve(BulwarkConfig.FILE_NAME))) {
            return new ProjectLayout(p, BulwarkConfig.load(p).migrationsDir());
        }
        if (Files.isDirectory(p.resolve("migrations"))) {
            return new ProjectLayout(p, p.resolve("migrations"));
        }
        // the migrations folder itself: its config lives above the tool's own folders
        Path project = p;
        while (project.getParent() != null && project.getFileName() != null
                && TOOL_FOLDERS.contains(project.getFileName().toString())) {
            project = project.getParent();
        }
        return new ProjectLayout(project, p);
    }

    private static String read(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
