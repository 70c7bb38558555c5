package dev.bulwark.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * diesel's layout: a folder {@code <version>_<name>/} per migration holding {@code up.sql}, an
 * optional {@code down.sql} and an optional {@code metadata.toml} ({@code run_in_transaction = false}
 * runs the migration, both ways, outside a transaction).
 *
 * <p>What diesel does, read in diesel_migrations' source (diesel-rs/diesel,
 * {@code diesel_migrations/migrations_internals/src/lib.rs} and
 * {@code diesel_migrations/src/file_based_migrations.rs}):
 * <ul>
 *   <li>the version is the folder name up to its first {@code _}, with every {@code -} removed
 *       ({@code version_from_string}: {@code path.split('_').next().map(|s| s.replace('-', ""))}), so
 *       {@code 2023-01-01-000000_create_users} is recorded as {@code 20230101000000};</li>
 *   <li>every non-hidden sub-folder must hold an {@code up.sql}, or diesel refuses the whole folder
 *       ({@code UnknownMigrationFormat}); files beside the folders are ignored;</li>
 *   <li>{@code metadata.toml} is read into {@code struct TomlMetadata { #[serde(default)]
 *       run_in_transaction: bool }}, defaulting to {@code true} only when the file is missing or
 *       does not parse: a file that parses but leaves the key out gives serde's field default,
 *       {@code false};</li>
 *   <li>an empty {@code up.sql} is an error when it runs ({@code EmptyMigration});</li>
 *   <li>pending migrations run in the order of their version strings, and the history table is
 *       {@code __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP
 *       NOT NULL DEFAULT CURRENT_TIMESTAMP)}.</li>
 * </ul>
 */
public final class DieselReader implements LenientReader {
    /** {@code "false"} when metadata.toml turns the transaction off; absent otherwise. */
    public static final String RUN_IN_TRANSACTION = "diesel.run_in_transaction";

    static final String UP_FILE = "up.sql";
    static final String DOWN_FILE = "down.sql";
    static final String METADATA = "metadata.toml";
    static final String EXPECTED = "<version>_<name>/up.sql (and down.sql), the version such as 2023-01-01-000000 or"
            + " 20230101000000";
    /** diesel's version column is VARCHAR(50). */
    static final int MAX_VERSION_LENGTH = 50;

    @Override
    public MigrationFormat format() {
        return MigrationFormat.DIESEL;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        return Sources.firstEvidence(dir, p -> Files.isDirectory(p) && Files.isRegularFile(p.resolve(UP_FILE)),
                p -> Sources.name(p) + "/" + UP_FILE);
    }

    @Override
    public List<Migration> read(Path dir, Consumer<LayoutProblem> problems) {
        Sources.requireDirectory(dir);
        List<Migration> out = new ArrayList<>();
        for (Path p : Sources.list(dir)) {
            if (Sources.isSqlFile(p)) {
                problems.accept(LayoutProblem.layout(p, "is an .sql file beside the migration folders, which diesel"
                                + " ignores: expected " + EXPECTED,
                        "move it into a migration folder as up.sql, or out of the migration directory"));
                continue;
            }
            if (!Files.isDirectory(p)) {
                continue;
            }
            if (!Files.isRegularFile(p.resolve(UP_FILE))) {
                problems.accept(LayoutProblem.layout(p, "has no " + UP_FILE + ", so diesel refuses the whole migration"
                                + " directory (UnknownMigrationFormat)",
                        "add the " + UP_FILE + " the migration runs, or delete the folder"));
                continue;
            }
            out.add(readFolder(p, problems));
        }
        return Sources.checkUnique(out, problems);
    }

    /** The version diesel records for a migration folder: the name up to its first _, dashes removed. */
    static String version(String folderName) {
        int underscore = folderName.indexOf('_');
        String head = underscore < 0 ? folderName : folderName.substring(0, underscore);
        return head.replace("-", "");
    }

    private Migration readFolder(Path folder, Consumer<LayoutProblem> problems) {
        String name = Sources.name(folder);
        String version = version(name);
        int underscore = name.indexOf('_');
        String description = underscore < 0 ? "" : name.substring(underscore + 1);
        for (Path p : Sources.list(folder)) {
            String file = Sources.name(p);
            if (Sources.isSqlFile(p) && !file.equals(UP_FILE) && !file.equals(DOWN_FILE)) {
                problems.accept(LayoutProblem.layout(p, "is neither " + UP_FILE + " nor " + DOWN_FILE + ", the only SQL"
                                + " files diesel runs from a migration folder",
                        "move the SQL into " + UP_FILE + " (or " + DOWN_FILE + " for the revert), or out of the"
                                + " migration directory"));
            }
        }
        if (version.isEmpty()) {
            problems.accept(LayoutProblem.layout(folder, "has no version before its first _, so diesel records an empty"
                    + " version", "rename the folder as " + EXPECTED));
            version = name;
        }
        if (version.length() > MAX_VERSION_LENGTH) {
            problems.accept(LayoutProblem.layout(folder, "has version " + version + " (" + version.length()
                            + " characters), longer than diesel's VARCHAR(50) version column holds",
                    "rename the folder with a shorter version"));
        }
        SourceFile up = SourceFile.read(folder.resolve(UP_FILE));
        if (up.text().isEmpty()) {
            problems.accept(LayoutProblem.layout(folder.resolve(UP_FILE), "is empty, and diesel refuses to run an empty"
                    + " migration (EmptyMigration)", "write the migration's SQL, or delete the folder"));
        }
        MigrationOptions base = MigrationOptions.DEFAULT;
        Map<String, String> toolData = Map.of();
        Path metadata = folder.resolve(METADATA);
        if (Files.isRegularFile(metadata)) {
            Boolean inTransaction = runInTransaction(metadata, problems);
            if (inTransaction != null && !inTransaction) {
                base = base.withTransactional(false);
                toolData = Map.of(RUN_IN_TRANSACTION, "false");
            }
        }
        MigrationOptions options = Directives.options(up, 1, up.lineCount() + 1, base, format());
        Script down = null;
        if (Files.isRegularFile(folder.resolve(DOWN_FILE))) {
            SourceFile downFile = SourceFile.read(folder.resolve(DOWN_FILE));
            Directives.checkDown(downFile, 1, downFile.lineCount() + 1, format());
            down = downFile.wholeScript();
        }
        return new Migration(MigrationVersion.of(version), Sources.description(description), MigrationKind.VERSIONED,
                format(), folder, up.wholeScript(), down, options, up.text(), version, toolData);
    }

    /**
     * metadata.toml's {@code run_in_transaction} as diesel reads it: the key's value; {@code false}
     * when the file parses but has no such key (serde's field default); null (diesel's default, a
     * transaction) when the file does not parse, which is also reported.
     */
    private static Boolean runInTransaction(Path metadata, Consumer<LayoutProblem> problems) {
        SourceFile file = SourceFile.read(metadata);
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.text());
        } catch (JsonProcessingException e) {
            problems.accept(LayoutProblem.layout(metadata, "is not valid TOML (" + Sources.oneLine(e.getOriginalMessage())
                            + "), so diesel ignores it and runs the migration in a transaction",
                    "fix the file (run_in_transaction = false), or delete it"));
            return null;
        }
        JsonNode value = root == null ? null : root.get("run_in_transaction");
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            problems.accept(LayoutProblem.layout(metadata, "says run_in_transaction = " + value + ", not true or false,"
                            + " so diesel ignores the file and runs the migration in a transaction",
                    "write run_in_transaction = false (or true)"));
            return null;
        }
        return value.booleanValue();
    }
}
