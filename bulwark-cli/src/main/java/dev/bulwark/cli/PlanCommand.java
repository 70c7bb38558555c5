package dev.bulwark.cli;

import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.cli.options.OutputOptions;
import dev.bulwark.cli.options.ProjectOptions;
import dev.bulwark.expand.ExpandPlan;
import dev.bulwark.expand.ExpandPlanner;
import dev.bulwark.expand.PlanWriter;
import dev.bulwark.expand.PlannedMigration;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationOptions.Phase;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.sql.analysis.StatementAnalysis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Turn a breaking change into expand/contract phases.",
                "Reads MIGRATION (a file, or its version), whose one statement changes a column's type, renames a column,"
                        + " sets NOT NULL, adds a column with a volatile DEFAULT, or adds a UNIQUE or FOREIGN KEY constraint on"
                        + " an existing table, and prints the migrations that make the same change without a long lock:"
                        + " expand (-- bulwark:phase expand: reversible; the old release keeps working), backfill in batches"
                        + " (-- bulwark:backfill), then contract (-- bulwark:phase contract), which migrate and deploy run only"
                        + " with --phase contract, after the application release. With --write, the phases replace MIGRATION"
                        + " in the folder. Exits 2 when the statement is not one a plan is made for."})
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "MIGRATION", description = "The migration to plan: its file, or its version.")
    String migration;

    @Option(names = "--write", description = "Write the phases as migrations in the folder's format and delete MIGRATION,"
            + " which they replace (default: print them and change nothing).")
    boolean write;

    @Option(names = "--pg-version", paramLabel = "MAJOR",
            description = "The PostgreSQL major version the plan is for (default: 16; before 12, SET NOT NULL scans even"
                    + " with a validated check).")
    Integer pgVersion;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        BulwarkConfig c = BulwarkConfig.load(root.projectDir());
        Path dir = project.dir != null ? root.workingDir.resolve(project.dir) : c.migrationsDir();
        MigrationFormat format = project.format != null ? MigrationFormat.fromId(project.format) : c.format();
        boolean json = output.json();
        int pg = pgVersion != null ? pgVersion : StatementAnalysis.DEFAULT_PG_MAJOR;
        if (pg < 9 || pg > 30) {
            throw BulwarkException.usage("--pg-version " + pg + " is not a PostgreSQL major version", "use e.g. 15");
        }
        MigrationSet set = MigrationSources.read(dir, format);
        Migration target = find(set, dir);
        ExpandPlan plan = ExpandPlanner.plan(set.migrations(), target, pg);
        List<PlanWriter.Written> written = write
                ? PlanWriter.write(plan, dir, set.format(), target, Clock.systemUTC()) : List.of();
        if (json) {
            List<Object> ms = new ArrayList<>();
            for (int i = 0; i < plan.migrations().size(); i++) {
                PlannedMigration m = plan.migrations().get(i);
                Map<String, Object> o = Json.obj("phase", m.phase().id(), "name", m.name(), "purpose", m.purpose(),
                        "directives", m.directives(), "up", m.up(), "down", m.down(), "reversible", m.reversible(),
                        "files", written.isEmpty() ? null : written.get(i).files().stream().map(this::rel).toList());
                ms.add(o);
            }
            Json.print(out, Json.obj("migration", rel(target.location()), "statement", plan.statement(),
                    "kind", plan.kind().id(), "table", plan.table(), "migrations", ms, "notes", plan.notes(),
                    "contractGivesUp", plan.contractGivesUp(), "written", write,
                    "replaced", write ? rel(target.location()) : null));
            return ExitCodes.OK;
        }
        out.println("Plan for " + plan.source() + " (" + plan.kind().label() + " on " + plan.table() + "):");
        out.println("  " + plan.statement().replace("\n", "\n  "));
        out.println();
        int n = 0;
        for (Phase phase : Phase.values()) {
            List<PlannedMigration> ms = plan.phase(phase);
            if (ms.isEmpty()) {
                continue;
            }
            out.println(phase == Phase.EXPAND
                    ? "EXPAND: deploy now; the running release keeps working, and every step can be rolled back"
                    : "CONTRACT: deploy with --phase contract once the new release is out");
            for (PlannedMigration m : ms) {
                PlanWriter.Written w = written.isEmpty() ? null : written.get(n);
                n++;
                out.println();
                out.println("  " + n + ". " + m.name() + (w != null ? "  ->  " + rel(w.files().get(0)) : "")
                        + (m.reversible() ? "" : "  (no down)"));
                out.println("     " + m.purpose());
                for (String d : m.directives()) {
                    out.println("     -- bulwark:" + d);
                }
                for (String line : m.up().strip().split("\n")) {
                    out.println("     " + line);
                }
            }
            out.println();
        }
        out.println("What to know:");
        for (String note : plan.notes()) {
            out.println("  - " + note);
        }
        out.println("  - the contract phase gives up: " + plan.contractGivesUp());
        out.println();
        if (write) {
            out.println("Wrote " + written.size() + " migrations; deleted " + rel(target.location()) + ", which they replace.");
            out.println("Next: bulwark test, then bulwark deploy (stops before the contract phase), release the"
                    + " application, then bulwark deploy --phase contract.");
        } else {
            out.println("Nothing was written. Run again with --write to replace " + rel(target.location()) + " with these "
                    + plan.migrations().size() + " migrations.");
        }
        return ExitCodes.OK;
    }

    private Migration find(MigrationSet set, Path dir) {
        Path asFile = root.workingDir.resolve(migration).toAbsolutePath().normalize();
        for (Migration m : set.migrations()) {
            if (m.location().toAbsolutePath().normalize().equals(asFile) || m.id().equals(migration)) {
                return m;
            }
        }
        throw BulwarkException.usage("no migration " + migration + " in " + rel(dir),
                "name a migration file of that folder, or its version (bulwark status lists them)");
    }

    private String rel(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path base = root.projectDir().toAbsolutePath().normalize();
        return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }
}
