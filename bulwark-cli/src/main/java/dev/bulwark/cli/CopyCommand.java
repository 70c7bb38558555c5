package dev.bulwark.cli;

import dev.bulwark.BulwarkException;
import dev.bulwark.copy.Copier;
import dev.bulwark.copy.CopyOptions;
import dev.bulwark.copy.CopyResult;
import dev.bulwark.copy.TablePatterns;
import dev.bulwark.pg.ConnectionResolver;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.cli.options.PgBinOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copy a database to another server and verify the copy.",
                "Schema (pg_dump's pre-data section), then rows by binary COPY streamed through Bulwark by N workers in"
                        + " one snapshot, tables in foreign-key order and big ones in primary-key ranges, each table's"
                        + " indexes as soon as its rows are in, foreign keys last (NOT VALID, then validated), sequences set"
                        + " to the source's values. Then verifies: schema, row counts and fingerprints per key range,"
                        + " orphans, sequences. Exits 1 naming the table and range that differ.",
                "Interrupted? Rerun with --resume: finished tables and ranges are kept, nothing is loaded twice."})
final class CopyCommand implements Callable<Integer> {
    @ParentCommand
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "URL",
            description = "Source database (postgres://user@host/db or jdbc:postgresql://…; password from PGPASSWORD or ~/.pgpass).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "URL", description = "Target database: empty, or with --data-only a matching schema.")
    String to;

    @Option(names = "--schema-only", description = "Copy the schema without rows.")
    boolean schemaOnly;

    @Option(names = "--data-only", description = "Copy rows into the target's existing schema, which must match the source's.")
    boolean dataOnly;

    @Option(names = "--tables", split = ",", paramLabel = "PATTERN",
            description = "Only these tables: schema.table or table, * and ? as wildcards, \"quoted\" parts literal. Repeatable.")
    List<String> tables;

    @Option(names = "--exclude", split = ",", paramLabel = "PATTERN", description = "Leave these tables out (same patterns).")
    List<String> exclude;

    @Option(names = {"-j", "--jobs"}, defaultValue = "2", paramLabel = "N",
            description = "Parallel workers, each with one connection to each server (default 2).")
    int jobs;

    @Option(names = "--resume", description = "Continue an interrupted copy from the state it left on the target.")
    boolean resume;

    @Option(names = "--verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Verify the copy (default); --no-verify skips it.")
    boolean verify;

    @Option(names = "--split-rows", paramLabel = "N", defaultValue = "" + CopyOptions.DEFAULT_SPLIT_ROWS,
            description = "Copy tables with more rows than this in primary-key ranges of about N rows (default ${DEFAULT-VALUE}).")
    long splitRows;

    @Option(names = "--chunk-rows", paramLabel = "N", defaultValue = "" + CopyOptions.DEFAULT_CHUNK_ROWS,
            description = "Rows per verification chunk: a difference is reported as such a key range (default ${DEFAULT-VALUE}).")
    long chunkRows;

    @Mixin
    PgBinOptions pgTools;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "bar (a progress bar on the terminal), lines (plain lines), or auto (bar on a terminal).")
    String progress;

    @Mixin
    dev.bulwark.cli.options.OutputOptions output;

    @Override
    public Integer call() {
        boolean json = output.json();
        // with -o json, stdout carries the JSON alone: the progress lines go to stderr
        PrintWriter out = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConnectionSpec source = resolve(from, "--from");
        ConnectionSpec target = resolve(to, "--to");
        CopyOptions options = new CopyOptions(jobs, schemaOnly, dataOnly, new TablePatterns(tables, exclude), resume, verify,
                splitRows, chunkRows, pgTools.pgBin == null ? null : root.workingDir.resolve(pgTools.pgBin).resolve("pg_dump"), null);
        boolean bar = switch (progress.toLowerCase(Locale.ROOT)) {
            case "bar" -> true;
            case "lines" -> false;
            case "auto" -> System.console() != null; // both stdin and stdout are a terminal
            default -> throw BulwarkException.usage("--progress " + progress + " is not a progress mode", "use auto, bar or lines");
        };
        out.println("copy: " + source.masked() + " -> " + target.masked() + " with " + jobs + (jobs == 1 ? " job" : " jobs"));
        out.flush();
        CopyResult r;
        try (CopyProgress listener = new CopyProgress(out, err, bar ? System.err : null)) {
            r = new Copier(source, target, options, listener).run();
        }
        if (json) {
            Json.print(spec.commandLine().getOut(), Json.obj("source", source.masked(), "target", target.masked(), "jobs", jobs,
                    "schemaOnly", schemaOnly, "dataOnly", dataOnly, "levels", r.levels(), "rows", r.rows(), "bytes", r.bytes(),
                    "tables", r.tables().stream().map(t -> Json.obj("table", t.table().toString(), "level", t.level(),
                            "rows", t.rows(), "bytes", t.bytes(), "binary", t.binary(), "units", t.units(),
                            "resumed", t.resumed())).toList(),
                    "timeMs", Json.obj("schema", r.schemaTime(), "data", r.dataTime(), "postData", r.postDataTime(),
                            "verify", r.verifyTime(), "total", r.total()),
                    "verified", r.verified(), "ok", r.ok(),
                    "problems", r.problems().stream().map(p -> Json.obj("object", p.object(), "detail", p.detail())).toList()));
        } else {
            render(out, r);
        }
        return r.ok() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }

    private ConnectionSpec resolve(String url, String option) {
        return ConnectionResolver.resolve(url, root.env, null, ConnectionResolver.defaultPgpassFile(root.env))
                .orElseThrow(() -> BulwarkException.usage(option + " needs a database URL", "e.g. " + option
                        + " postgres://user@host:5432/db"));
    }

    private void render(PrintWriter out, CopyResult r) {
        long binary = r.tables().stream().filter(CopyResult.TableResult::binary).count();
        if (schemaOnly) {
            out.println("copied the schema without rows");
        } else {
            out.println(String.format(Locale.ROOT, "copied %d tables in %d foreign-key levels: %s rows, %s (%d binary, %d text COPY)",
                    r.tables().size(), r.levels(), CopyProgress.count(r.rows()), CopyProgress.mb(r.bytes()), binary,
                    r.tables().size() - binary));
        }
        out.println("time: schema " + s(r.schemaTime()) + ", data and indexes " + s(r.dataTime()) + ", keys and the rest "
                + s(r.postDataTime()) + ", verify " + s(r.verifyTime()) + ", total " + s(r.total()));
        if (!r.verified()) {
            out.println("not verified (--no-verify)");
        } else if (r.ok() && schemaOnly) {
            out.println("verified: the target's schema matches the source's");
        } else if (r.ok()) {
            out.println("verified: schema, row counts and fingerprints of every table, foreign keys and sequences match the source");
        } else {
            out.println("VERIFICATION FAILED: " + r.problems().size() + (r.problems().size() == 1 ? " difference" : " differences"));
            r.problems().forEach(p -> out.println("  " + p));
        }
        out.flush();
    }

    private static String s(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
