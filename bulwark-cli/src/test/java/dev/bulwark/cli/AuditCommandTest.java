package dev.bulwark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AuditCommandTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void criticalProblemsExitOneAndTheReportGoesToStandardOutput() {
        Cli r = Cli.run(REPO, "audit", "examples/alembic-bot");
        assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(r.out()).startsWith("# Migration audit: alembic-bot").contains("```mermaid");
        assertThat(r.all()).doesNotContain("change_me");
    }

    @Test
    void aProjectWithoutCriticalProblemsExitsZeroUnlessFailOnIsLowered() {
        assertThat(Cli.run(REPO, "audit", "examples/shop").exit()).isEqualTo(ExitCodes.OK);
        assertThat(Cli.run(REPO, "audit", "examples/shop", "--fail-on", "high").exit()).isEqualTo(ExitCodes.FINDINGS);
    }

    @Test
    void theMigrationsFolderItselfFindsTheConfigAboveIt() {
        Cli r = Cli.run(REPO, "audit", "examples/prisma-blog/prisma/migrations", "-o", "json");
        assertThat(r.out()).contains("\"rule\" : \"hardcoded-credentials\"").doesNotContain("hunter2");
    }

    @Test
    void reportFormatFollowsTheFileExtension(@TempDir Path tmp) throws Exception {
        Path html = tmp.resolve("out/audit.html");
        Cli r = Cli.run(REPO, "audit", "examples/flyway-payments", "--report", html.toString());
        assertThat(r.out()).contains("Report written to").contains("(html)");
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").doesNotContain("Sup3rSecret");
        Path json = tmp.resolve("audit.json");
        Cli.run(REPO, "audit", "examples/flyway-payments", "--report", json.toString());
        assertThat(new ObjectMapper().readTree(json.toFile()).get("format").asText()).isEqualTo("flyway");
    }

    @Test
    void anUnknownOutputOrRiskIsAUsageError() {
        assertThat(Cli.run(REPO, "audit", "examples/shop", "-o", "pdf").exit()).isEqualTo(ExitCodes.USAGE);
        Cli r = Cli.run(REPO, "audit", "examples/shop", "--fail-on", "severe");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--fail-on severe is not a risk level");
    }

    @Test
    void traceOfAlembicSaysWhyItIsNotRehearsedInsteadOfFailing() {
        Cli r = Cli.run(REPO, "audit", "examples/alembic-bot", "--trace");
        assertThat(r.out()).contains("## Rehearsal trace").contains("Not rehearsed: Alembic migrations are Python");
    }

    @Test
    void aMigrationWrittenInGoIsAFindingOfTheAuditNotAnAbort(@TempDir Path tmp) throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("migrations"));
        Files.writeString(folder.resolve("000001_users.up.sql"), "CREATE TABLE users (id bigint PRIMARY KEY);\n");
        Files.writeString(folder.resolve("000002_backfill.go"), "package migrations\n");

        Cli r = Cli.run(tmp, "audit", "migrations", "--migration-format", "golang-migrate", "-o", "json");

        assertThat(r.exit()).isNotEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).contains("\"rule\" : \"duplicate-version\"").contains("written in Go");
    }
}
