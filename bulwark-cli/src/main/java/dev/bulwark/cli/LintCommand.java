package dev.bulwark.cli;

import dev.bulwark.catalog.LiveSizes;
import dev.bulwark.lint.SizeSeverities;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.audit.ProjectLayout;
import dev.bulwark.ErrorCode;
import dev.bulwark.Listener;
import dev.bulwark.pg.ConnectionResolver;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.BulwarkException;
import dev.bulwark.lint.LintConfig;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.Linter;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.RuleRegistry;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.fix.Fixer;
import dev.bulwark.lint.report.GithubRenderer;
import dev.bulwark.lint.report.JsonRenderer;
import dev.bulwark.lint.report.JunitRenderer;
import dev.bulwark.lint.report.SarifRenderer;
import dev.bulwark.lint.report.TextRenderer;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "lint", mixinStandardHelpOptions = true,
        description = {"Find dangerous migrations before they run (no database).",
                "Locks, rewrites, data loss, cascades, broken revision graphs, committed passwords."
                        + " Needs no database. Exits 1 when a finding is at or above --fail-on."})
final class LintCommand implements Callable<Integer> {
    @ParentCommand
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Migration folders to lint (default: [migrations] dir in bulwark.toml, else ./migrations).")
    List<Path> paths;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: text, json, sarif, junit, github (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--migration-format", paramLabel = "LAYOUT",
            description = "Migration layout: bulwark, flyway, golang-migrate, dbmate, prisma, drizzle, alembic, diesel, goose, liquibase (default: detected).")
    String migrationFormat;

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "Exit 1 when a finding is at or above this: error, warning, info (default: [lint] fail_on, else error).")
    String failOn;

    @Option(names = "--pg-version", paramLabel = "MAJOR",
            description = "PostgreSQL major version the migrations run on (default: [lint] pg_version, else 15).")
    Integer pgVersion;

    @Option(names = "--fix", description = "Rewrite the mechanical cases in place (CONCURRENTLY, NOT VALID + VALIDATE,"
            + " the CHECK sequence for SET NOT NULL), then lint again.")
    boolean fix;

    @Option(names = "--render-cmd", paramLabel = "COMMAND",
            description = "Lint exactly the SQL this command prints, e.g. \"alembic upgrade head --sql\" or"
                    + " \"npx prisma migrate diff --from-migrations prisma/migrations --to-schema-datamodel prisma/schema.prisma --script\".")
    String renderCmd;

    @Option(names = "--url", paramLabel = "URL",
            description = "Also read the target database (read only): which migrations it applied (out-of-order,"
                    + " edited-after-apply), its PostgreSQL version, and its table sizes: a lock finding on a table of a"
                    + " gigabyte or more becomes an error, one on a table under 10 MB is lowered a level; on a"
                    + " logical replication subscriber, the tables it receives (breaks-subscription)."
                    + " Without it lint needs no database.")
    String url;

    @Option(names = "--list-rules", description = "List the rules with their default severity and exit.")
    boolean listRules;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (listRules) {
            for (Rule r : RuleRegistry.all()) {
                out.printf("%-34s %-8s %s%n", r.id(), r.defaultSeverity().label(), r.summary());
            }
            out.flush();
            return ExitCodes.OK;
        }
        Path projectDir = root.projectDir();
        BulwarkConfig config = BulwarkConfig.load(projectDir);
        LintConfig lintConfig = LintConfig.load(projectDir);
        LintOptions options = lintConfig.options();
        if (pgVersion != null) {
            if (pgVersion < 9 || pgVersion > 30) {
                throw BulwarkException.usage("--pg-version " + pgVersion + " is not a PostgreSQL major version", "use e.g. 15");
            }
            options = options.withPgVersion(pgVersion);
        }
        Severity threshold = failOn == null ? lintConfig.failOn() : Severity.parse(failOn, "--fail-on");
        MigrationFormat layout = migrationFormat != null ? MigrationFormat.fromId(migrationFormat) : config.format();
        // At a repository root without bulwark.toml, find the tool's layout the way audit does
        // (alembic.ini's script_location, prisma/migrations, flyway.conf's locations, migrations/).
        List<Path> dirs = paths == null || paths.isEmpty()
                ? List.of(Files.isRegularFile(projectDir.resolve(BulwarkConfig.FILE_NAME)) ? config.migrationsDir()
                : ProjectLayout.locate(projectDir).migrationsDir())
                : paths.stream().map(p -> located(root.workingDir.resolve(p).normalize())).toList();
        Linter linter = Linter.standard(options);
        if (renderCmd != null) {
            Path file = projectDir.resolve(".bulwark").resolve("lint").resolve("rendered.sql");
            String sql = RenderCommand.run(renderCmd, root.workingDir, root.env, file);
            LintResult result = linter.lintRendered(file, sql, layout != null ? layout : MigrationFormat.FLYWAY, projectDir);
            render(result, threshold, out);
            return result.failsAt(threshold) ? ExitCodes.FINDINGS : ExitCodes.OK;
        }
        boolean failed = false;
        for (Path dir : dirs) {
            MigrationSet set = MigrationSources.readLenient(dir, layout);
            if (paths != null && !paths.isEmpty() || migrationFormat != null) {
                // a folder or layout named explicitly that yields nothing would read as a clean pass
                MigrationSources.requireSome(set);
            }
            if (url != null) {
                linter = Linter.standard(withTarget(options, config, set, dir));
            }
            // Config files (alembic.ini, .env, schema.prisma) live next to the migrations when a folder is named.
            Path project = paths == null || paths.isEmpty() ? projectDir : projectFor(dir);
            LintResult result = linter.lint(set, project);
            if (url != null) {
                result = SizeSeverities.apply(result, linter.analyze(set), liveSizes());
            }
            if (fix) {
                Fixer.Fixed fixed = new Fixer().fix(result, linter, project);
                PrintWriter err = spec.commandLine().getErr();
                fixed.changed().forEach(f -> err.println("fixed:   " + rel(f)));
                fixed.fixes().forEach(f -> err.println("         " + f));
                fixed.created().forEach(f -> err.println("created: " + rel(f)));
                fixed.skipped().forEach(f -> err.println("not fixed: " + f));
                err.flush();
                set = MigrationSources.readLenient(dir, layout);
                result = linter.lint(set, project);
            }
            render(result, threshold, out);
            failed |= result.failsAt(threshold);
        }
        return failed ? ExitCodes.FINDINGS : ExitCodes.OK;
    }

    private LiveSizes sizes;

    /** The target's table sizes, read once, read only. */
    private LiveSizes liveSizes() {
        if (sizes == null) {
            sizes = LiveSizes.read(ConnectionResolver.resolve(url, root.env, null, ConnectionResolver.defaultPgpassFile(root.env))
                    .orElseThrow());
        }
        return sizes;
    }

    /**
     * The target's migration states, the tables it receives through a subscription and, unless
     * --pg-version says otherwise, its server version.
     */
    private LintOptions withTarget(LintOptions options, BulwarkConfig config, MigrationSet set, Path dir) {
        ConnectionSpec spec = ConnectionResolver.resolve(url, root.env, null, ConnectionResolver.defaultPgpassFile(root.env))
                .orElseThrow();
        LintOptions o = options;
        try (Connection c = spec.open(Bulwark.APPLICATION_NAME + "-lint")) {
            if (pgVersion == null) {
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
                    rs.next();
                    o = o.withPgVersion(rs.getInt(1));
                }
            }
            // a subscriber: changes that would stop its apply (breaks-subscription)
            o = o.withSubscribedTables(dev.bulwark.replicate.SubscribedTables.of(c));
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read the server version and subscriptions of " + spec.masked()
                    + ": " + e.getMessage(), "check --url", e);
        }
        if (set.format() != MigrationFormat.ALEMBIC) {
            BulwarkConfig c = config.withMigrationsDir(dir).withFormat(set.format());
            try (Bulwark b = Bulwark.open(c, spec, Listener.SILENT)) {
                o = o.withHistory(b.status());
            }
        }
        return o;
    }

    private String rel(String file) {
        Path p = Path.of(file).toAbsolutePath().normalize();
        Path base = root.workingDir.toAbsolutePath().normalize();
        return p.startsWith(base) ? base.relativize(p).toString() : p.toString();
    }

    /** A project root named on the command line (it holds alembic.ini, prisma/, flyway.conf) stands for its migrations folder. */
    private static Path located(Path dir) {
        if (Files.isRegularFile(dir.resolve("alembic.ini")) || Files.isDirectory(dir.resolve("prisma").resolve("migrations"))
                || Files.isRegularFile(dir.resolve("flyway.conf"))) {
            return ProjectLayout.locate(dir).migrationsDir();
        }
        return dir;
    }

    private static Path projectFor(Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        // Walk up out of the tools' own folders: prisma/migrations, alembic/versions, db/migrations.
        while (p.getParent() != null && p.getFileName() != null && Set.of("migrations", "versions", "alembic", "prisma", "db",
                "sql").contains(p.getFileName().toString())) {
            p = p.getParent();
        }
        return p;
    }

    private void render(LintResult result, Severity threshold, PrintWriter out) {
        Path base = root.workingDir;
        switch (format.toLowerCase(Locale.ROOT)) {
            // Color only on a terminal: CI logs and files get plain text.
            case "text" -> new TextRenderer(base, Color.enabled(root.env, root.noColor)).render(result, out);
            case "json" -> new JsonRenderer(base).render(result, out);
            case "sarif" -> new SarifRenderer(base, version()).render(result, out);
            case "junit" -> new JunitRenderer(base, threshold).render(result, out);
            case "github" -> new GithubRenderer(base).render(result, out);
            default -> throw BulwarkException.usage("unknown output format '" + format + "'",
                    "use -o with one of: text, json, sarif, junit, github");
        }
    }

    private static String version() {
        String v = LintCommand.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
