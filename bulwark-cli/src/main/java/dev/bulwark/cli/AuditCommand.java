package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.audit.AuditFormat;
import dev.bulwark.audit.AuditReport;
import dev.bulwark.audit.Auditor;
import dev.bulwark.audit.ProjectLayout;
import dev.bulwark.audit.RiskLevel;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.Listener;
import dev.bulwark.lint.LintConfig;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.pg.ConnectionResolver;
import dev.bulwark.pg.ConnectionSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Write a migration-safety audit report.",
                "The report a reviewer writes by hand.",
                "Executive summary, risk matrix, the migration chain (heads, branches, broken files), rollback coverage,"
                        + " every finding with its safe rewrite, cascade chains and blast radius, data criticality, committed"
                        + " credentials and unsafe settings, and an action plan for now / this week / this month.",
                "Needs no database. --url also reads the live database's sizes and row estimates (read-only); --trace"
                        + " rehearses every migration on the embedded server. Exits 1 when a problem's risk is at or above"
                        + " --fail-on."})
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..1",
            description = "Project folder (with alembic.ini, prisma/, flyway.conf, bulwark.toml or migrations/) or the"
                    + " migrations folder itself (default: the project folder).")
    Path path;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "markdown, html or json (default: from --report's extension, else markdown).")
    String output;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the report to FILE instead of standard output.")
    Path report;

    @Option(names = "--migration-format", paramLabel = "LAYOUT",
            description = "Migration layout: bulwark, flyway, golang-migrate, dbmate, prisma, drizzle, alembic, diesel, goose, liquibase (default: detected).")
    String migrationFormat;

    @Option(names = "--url", paramLabel = "URL",
            description = "Live database to read table sizes and row estimates from (read-only). Put the password in PGPASSWORD or ~/.pgpass.")
    String url;

    @Option(names = "--trace", description = "Also rehearse every migration on the embedded server: locks per migration and round trips.")
    boolean trace;

    @Option(names = "--scratch-url", paramLabel = "URL",
            description = "With --trace: server to create the scratch database on (needs CREATEDB). Default: the embedded server.")
    String scratchUrl;

    @Option(names = "--fail-on", paramLabel = "RISK", defaultValue = "critical",
            description = "Exit 1 when a problem's risk is at or above this: critical, high, medium, low (default: ${DEFAULT-VALUE}).")
    String failOn;

    @Override
    public Integer call() {
        RiskLevel threshold = parseRisk(failOn);
        AuditFormat format = output != null ? AuditFormat.parse(output)
                : report != null && AuditFormat.ofFile(report.getFileName().toString()) != null
                ? AuditFormat.ofFile(report.getFileName().toString()) : AuditFormat.MARKDOWN;
        Path folder = path == null ? root.projectDir() : root.workingDir.resolve(path).normalize();
        ProjectLayout layout = path == null && Files.isRegularFile(folder.resolve(BulwarkConfig.FILE_NAME))
                ? new ProjectLayout(folder, BulwarkConfig.load(folder).migrationsDir()) : ProjectLayout.locate(folder);
        MigrationFormat fmt = migrationFormat == null ? null : MigrationFormat.fromId(migrationFormat);
        // layout problems are findings of the report (duplicate-version); --trace's rehearsal reads strictly
        MigrationSet set = MigrationSources.readLenient(layout.migrationsDir(), fmt);
        Auditor auditor = new Auditor(set, layout.projectDir(), root.workingDir, LintConfig.load(layout.projectDir()).options());
        BulwarkConfig config = BulwarkConfig.load(layout.projectDir()).withMigrationsDir(layout.migrationsDir());
        if (fmt != null) {
            config = config.withFormat(fmt);
        }
        Listener progress = new Listener() {
            @Override
            public void info(String line) {
                // the report is the output; progress would interleave with it
            }

            @Override
            public void warn(String line) {
                err().println(line);
                err().flush();
            }
        };
        if (url != null) {
            ConnectionSpec spec = ConnectionResolver.resolve(url, root.env, null, ConnectionResolver.defaultPgpassFile(root.env))
                    .orElseThrow(() -> BulwarkException.usage("--url " + url + " is not a database URL", "use postgres://user@host:5432/db"));
            try (Bulwark b = Bulwark.open(config, spec, progress)) {
                CatalogSnapshot snapshot = b.catalog(List.of());
                auditor.withLive(snapshot, spec.masked());
                // the preflight checks of `bulwark check`, as they stand on this database now
                dev.bulwark.backup.BackupSettings bs = dev.bulwark.backup.BackupSettings.load(layout.projectDir());
                dev.bulwark.backup.Backups backups = new dev.bulwark.backup.Backups(bs.dir(),
                        new dev.bulwark.pg.PgTools(bs.pgBin(), root.env), b.config().historySchema(), Listener.SILENT);
                List<AuditReport.PreflightItem> preflight = b.check(dev.bulwark.deploy.DeploySettings.load(layout.projectDir()), backups)
                        .checks().stream()
                        .map(c -> new AuditReport.PreflightItem(c.id(), c.outcome().label(),
                                c.measured() + (c.threshold() == null || c.threshold().isBlank() ? "" : " (threshold " + c.threshold() + ")"),
                                c.fix()))
                        .toList();
                auditor.withPreflight(() -> preflight);
            }
        }
        if (trace) {
            if (set.format() == MigrationFormat.ALEMBIC) {
                auditor.withTraceNote("Not rehearsed: Alembic migrations are Python that only alembic runs; Bulwark reads them"
                        + " statically. Rehearse them with `alembic upgrade head` on a scratch database.");
            } else {
                ConnectionSpec scratch = scratchUrl == null ? null : ConnectionResolver.resolve(scratchUrl, java.util.Map.of(), null,
                        ConnectionResolver.defaultPgpassFile(root.env)).orElse(null);
                try (Bulwark b = Bulwark.open(config, scratch, progress)) {
                    auditor.withRehearsal(b.rehearse(5));
                }
            }
        }
        AuditReport r = auditor.run();
        String rendered = format.render(r);
        PrintWriter out = spec.commandLine().getOut();
        if (report != null) {
            Path file = root.workingDir.resolve(report);
            try {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Files.writeString(file, dev.bulwark.pg.Masking.mask(rendered), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BulwarkException(ErrorCode.USAGE, "cannot write " + report + ": " + e.getMessage(), "check the path");
            }
            out.println(r.summary().headline());
            out.println("Report written to " + report + " (" + format.name().toLowerCase(Locale.ROOT) + ").");
        } else {
            out.print(rendered);
        }
        out.flush();
        boolean fails = r.issues().stream().anyMatch(i -> !threshold.worseThan(i.risk()));
        return fails ? ExitCodes.FINDINGS : ExitCodes.OK;
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static RiskLevel parseRisk(String s) {
        try {
            return RiskLevel.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw BulwarkException.usage("--fail-on " + s + " is not a risk level", "use critical, high, medium or low");
        }
    }
}
