package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.fingerprint.DataSnapshot;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.fingerprint.TableFingerprint;
import dev.bulwark.verify.Check;
import dev.bulwark.verify.VerifyOptions;
import dev.bulwark.verify.VerifyReport;
import dev.bulwark.verify.VerifyResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
                "Prove the database intact and that nothing was lost.",
                "Read-only.",
                "Schema: tables without a primary key, NOT VALID constraints, invalid and duplicate indexes, sequences"
                        + " behind their column, foreign keys without an index. Data: orphan rows of every foreign key,"
                        + " rows a NOT VALID check rejects, duplicates under an invalid unique index. Invariants: each"
                        + " checks/*.sql must return no rows. Also reports what a one-row delete cascades to.",
                "--snapshot FILE records row counts and fingerprints per primary-key range; --compare FILE then names"
                        + " per table the rows added and removed and the key ranges that changed.",
                "Bulwark's own tables (bulwark_snapshots, history, audit, deploy journal) are not checked.",
                "Exits 1 when anything is found, or data changed that no migration declared; 7 when a deploy is"
                        + " unfinished ('bulwark deploy --resume' finishes it)."})
final class VerifyCommand extends DatabaseCommand {
    @Option(names = "--snapshot", paramLabel = "FILE",
            description = "Also write row counts and fingerprints of every table to FILE, for a later --compare.")
    Path snapshot;

    @Option(names = "--compare", paramLabel = "FILE",
            description = "Compare the data with the snapshot in FILE. Tables changed by migrations applied since"
                    + " (their statements, -- bulwark:expect-change) count as expected.")
    Path compare;

    @Option(names = "--expect-change", paramLabel = "TABLE",
            description = "With --compare: TABLE may have changed (repeatable; unqualified matches any schema).")
    List<String> expectChange = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: text, json or markdown (default: ${DEFAULT-VALUE}).")
    VerifyReport.Format output;

    @Option(names = "--checks", paramLabel = "DIR",
            description = "Folder of invariant queries (default: [verify] checks_dir in bulwark.toml, else ./checks).")
    Path checks;

    @Option(names = "--schema", paramLabel = "NAME", description = "Verify only this schema (repeatable; default: all).")
    List<String> schemas = new ArrayList<>();

    @Option(names = "--skip", paramLabel = "CHECK", description = "Do not run this check (repeatable), e.g. missing-primary-key.")
    List<String> skip = new ArrayList<>();

    @Option(names = "--chunk-rows", paramLabel = "N", defaultValue = "100000",
            description = "With --snapshot: about N rows per fingerprinted key range (default: ${DEFAULT-VALUE}).")
    long chunkRows;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Fingerprint over N connections in parallel, all reading one snapshot (default: the number of"
                    + " processors, at most 8).")
    Integer jobs;

    @Override
    int run(Bulwark b) {
        int parallel = jobs == null ? Fingerprinter.defaultJobs() : jobs;
        if (parallel < 1) {
            throw BulwarkException.usage("--jobs must be at least 1, was " + parallel, "use e.g. --jobs 2");
        }
        if (snapshot != null && compare != null) {
            throw BulwarkException.usage("--snapshot and --compare cannot be used together",
                    "take the snapshot before the migration, compare after it");
        }
        if (!expectChange.isEmpty() && compare == null) {
            throw BulwarkException.usage("--expect-change only applies with --compare", "add --compare FILE");
        }
        Set<Check> skipped = new HashSet<>();
        skip.forEach(id -> skipped.add(Check.fromId(id)));
        Path checksDir = checks != null ? root.workingDir.resolve(checks).normalize() : b.config().checksDir();
        VerifyOptions options = new VerifyOptions(schemas, checksDir, skipped, VerifyOptions.DEFAULT_SAMPLE_ROWS);
        PrintWriter note = output == VerifyReport.Format.TEXT ? out() : err();

        DataSnapshot before = null;
        if (compare != null) {
            Path file = root.workingDir.resolve(compare);
            if (!Files.isRegularFile(file)) {
                throw BulwarkException.usage("no snapshot at " + file, "take one first with 'bulwark verify --snapshot "
                        + compare + "'");
            }
            before = CatalogJson.read(file, DataSnapshot.class);
        }
        if (snapshot != null) {
            long started = System.nanoTime();
            DataSnapshot s = b.snapshotData(schemas, chunkRows, parallel);
            Path file = root.workingDir.resolve(snapshot);
            CatalogJson.write(s, file);
            long rows = s.tables().stream().mapToLong(TableFingerprint::rows).sum();
            long chunks = s.tables().stream().mapToLong(t -> Math.max(1, t.chunks().size())).sum();
            note.println("Snapshot of " + s.tables().size() + " tables, " + rows + " rows in " + chunks + " key ranges"
                    + " written to " + snapshot + " in " + (System.nanoTime() - started) / 1_000_000 + " ms ("
                    + s.algorithm() + ").");
            note.flush();
        }
        VerifyResult result = b.verify(options, before, expectChange, parallel);
        out().print(VerifyReport.render(result, output));
        out().flush();
        // an interrupted deploy's rollback is not done: whatever the checks found, the data is not final
        if (UnfinishedDeploys.print(b, note)) {
            return ExitCodes.DEPLOY_UNFINISHED;
        }
        return result.clean() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
