package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.ConnectionResolver;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.rehearse.RehearsalReport;
import dev.bulwark.rehearse.RehearsalResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Rehearse every migration on a throwaway database.",
                "On the embedded server (or --scratch-url): apply statement by statement and record the locks, rewrites"
                        + " and scans PostgreSQL really performs, then check each round trip (up, down, up again)."
                        + " The scratch database is always dropped.",
                "With --url, the real database is only read (in a read-only transaction) for its table sizes,"
                        + " so each lock says what it would block there.",
                "Exits 1 when a statement fails, a round trip fails or a trace finding is an error."})
final class TestCommand extends StatementCommand {
    @Option(names = "--scratch-url", paramLabel = "URL",
            description = "Server to create the scratch database on (needs CREATEDB). Default: the embedded server.")
    String scratchUrl;

    @Option(names = "--from-url", paramLabel = "URL",
            description = "Start the scratch database from this database's schema (schema only, never its data) and"
                    + " rehearse only the migrations it has not applied. Only read.")
    String fromUrl;

    @Option(names = "--sample-rows", paramLabel = "N", defaultValue = "5",
            description = "Rows to insert into each table a migration creates, so downs that delete data show (default 5).")
    int sampleRows;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json, markdown or junit (default text).")
    RehearsalReport.Format output;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report to FILE (format from --output).")
    Path report;

    @Override
    Optional<ConnectionSpec> target(BulwarkConfig c) {
        if (scratchUrl == null) {
            return Optional.empty();
        }
        return ConnectionResolver.resolve(scratchUrl, root.env, null, ConnectionResolver.defaultPgpassFile(root.env));
    }

    @Override
    boolean progressToStderr() {
        return report == null && output != RehearsalReport.Format.TEXT;
    }

    @Override
    int run(Bulwark b) {
        RehearsalReport.Format format = output;
        // --url is only read, for its table sizes; the rehearsal itself never runs there
        ConnectionSpec live = connection.url == null ? null
                : ConnectionResolver.resolve(connection.url, root.env, null, ConnectionResolver.defaultPgpassFile(root.env)).orElse(null);
        ConnectionSpec from = fromUrl == null ? null
                : ConnectionResolver.resolve(fromUrl, root.env, null, ConnectionResolver.defaultPgpassFile(root.env)).orElse(null);
        RehearsalResult r = b.rehearse(sampleRows, live, from);
        String rendered = RehearsalReport.render(r, format);
        if (report != null) {
            try {
                Files.writeString(root.workingDir.resolve(report), dev.bulwark.pg.Masking.mask(rendered), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BulwarkException(ErrorCode.USAGE, "cannot write " + report + ": " + e.getMessage(), "check the path");
            }
        }
        if (report == null || format == RehearsalReport.Format.TEXT) {
            out().print(rendered);
        } else {
            out().print(RehearsalReport.render(r, RehearsalReport.Format.TEXT));
        }
        out().flush();
        return r.failed() ? ExitCodes.FINDINGS : ExitCodes.OK;
    }
}
