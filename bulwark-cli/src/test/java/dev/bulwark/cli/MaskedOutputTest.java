package dev.bulwark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MaskedOutputTest {
    @TempDir
    Path dir;

    @Test
    void parserErrorsDoNotEchoThePasswordOfAUrlNextToAnUnknownOption() {
        // init takes no --url: picocli echoes both words back
        Cli c = Cli.run(dir, "init", "--url", "postgresql://app:Parser-Pw-4471@db.example:5432/app");
        assertThat(c.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).contains("Unknown options: '--url', 'postgresql://app:***@db.example").doesNotContain("Parser-Pw-4471");
    }

    @Test
    void aSecretPassedInTheEnvironmentIsMaskedWhereNoPatternWouldFindIt() {
        Cli c = Cli.run(dir, Map.of("HOME", dir.toString(), "PGPASSWORD", "Env-Only-Pw-9183"), "migrate", "Env-Only-Pw-9183");
        assertThat(c.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).contains("***").doesNotContain("Env-Only-Pw-9183");
    }

    @Test
    void aPasswordInTheCommittedConfigurationIsMaskedEvenOutsideAUrl() throws Exception {
        Files.writeString(dir.resolve("bulwark.toml"), "[database]\nurl = \"postgresql://app:Toml-Pw-5532@db.example/app\"\n");
        Cli c = Cli.run(dir, "lint", "Toml-Pw-5532");
        assertThat(c.all()).doesNotContain("Toml-Pw-5532");
    }

    @Test
    void aLineWrittenInPiecesIsMaskedWhole() {
        StringWriter target = new StringWriter();
        PrintWriter w = MaskedOutput.wrap(new PrintWriter(target));
        w.print("CREATE ROLE app PASSWORD 'sec");
        w.print("ret-in-two-writes'");
        w.println(";");
        w.flush();
        assertThat(target.toString()).isEqualTo("CREATE ROLE app PASSWORD '***';" + System.lineSeparator());
    }

    @Test
    void anUnexpectedExceptionExits70WithOneLineAskingForABugReportNeverAFindingsCode() {
        StringWriter err = new StringWriter();
        BulwarkCommand root = new BulwarkCommand(Map.of(), dir);
        CommandLine cl = new CommandLine(root);
        cl.setErr(new PrintWriter(err, true));
        int code = new ErrorHandler(root).handleExecutionException(new IllegalStateException("boom"), cl, null);
        assertThat(code).isEqualTo(70).isNotEqualTo(ExitCodes.FINDINGS).isNotEqualTo(ExitCodes.OK);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("error: internal error (a bug in Bulwark): java.lang.IllegalStateException: boom")
                .contains("--stacktrace");
    }

    @Test
    void anOutOfMemoryErrorExits70TooAndStackTracesOnlyWithStacktrace() {
        StringWriter err = new StringWriter();
        assertThat(ErrorHandler.internal(new OutOfMemoryError("Java heap space"), new PrintWriter(err, true), false)).isEqualTo(70);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains("OutOfMemoryError: Java heap space").doesNotContain("\tat ");
        StringWriter traced = new StringWriter();
        ErrorHandler.internal(new OutOfMemoryError("Java heap space"), new PrintWriter(traced, true), true);
        assertThat(traced.toString()).contains("\tat ");
    }

    @Test
    void theHelpDocumentsExitCode70() {
        Cli c = Cli.run(dir, "--help");
        assertThat(c.out()).containsPattern("70\\s+internal error");
    }
}
