package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LintCommandTest {
    @TempDir
    Path dir;

    private Path project(String v2) throws Exception {
        Path m = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(m.resolve("V1__init.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
        Files.writeString(m.resolve("V2__index.sql"), v2);
        return m;
    }

    @Test
    void textOutputShowsPositionSourceLineSpanAndHelpAndExitsOneOnErrors() throws Exception {
        project("SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n");
        Cli r = Cli.run(dir, "lint");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("migrations/V2__index.sql:2:1: error[require-concurrent-index] CREATE INDEX users_email_idx on existing table users")
                .contains("   | CREATE INDEX users_email_idx ON users (email)")
                .contains("   | " + "^".repeat("CREATE INDEX users_email_idx ON users (email)".length()) + "\n")
                .contains("   = help: CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)");
    }

    @Test
    void warningsOnlyExitZeroUnlessFailOnWarning() throws Exception {
        project("SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n");
        assertThat(Cli.run(dir, "lint").exit()).isEqualTo(0);
        assertThat(Cli.run(dir, "lint", "--fail-on", "warning").exit()).isEqualTo(1);
    }

    @Test
    void severityOverrideFromBulwarkTomlTurnsARuleOff() throws Exception {
        project("SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n");
        Files.writeString(dir.resolve("bulwark.toml"), "[lint.rules]\nrequire-concurrent-index = \"off\"\n");
        Cli r = Cli.run(dir, "lint");
        assertThat(r.out()).doesNotContain("require-concurrent-index");
        assertThat(r.exit()).isEqualTo(0);
    }

    @Test
    void unknownRuleInBulwarkTomlIsAUsageError() throws Exception {
        project("SELECT 1;\n");
        Files.writeString(dir.resolve("bulwark.toml"), "[lint.rules]\nno-such-rule = \"off\"\n");
        Cli r = Cli.run(dir, "lint");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("lint.rules.no-such-rule is not a rule");
    }

    @Test
    void sarifRulesCarryHelpUrisAndResultsPointIntoTheRuleTable() throws Exception {
        // Schema validity is SarifSchemaTest's; this checks what the schema cannot: links and indexes.
        project("CREATE INDEX users_email_idx ON users (email);\n");
        Cli r = Cli.run(dir, "lint", "-o", "sarif");
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("version").asText()).isEqualTo("2.1.0");
        assertThat(root.get("$schema").asText()).contains("sarif-2.1.0");
        JsonNode run = root.get("runs").get(0);
        assertThat(run.at("/tool/driver/name").asText()).isEqualTo("bulwark");
        for (JsonNode rule : run.at("/tool/driver/rules")) {
            assertThat(rule.get("id").asText()).isNotBlank();
            assertThat(rule.get("helpUri").asText()).startsWith("https://").endsWith(rule.get("id").asText() + ".md");
        }
        assertThat(run.get("results")).isNotEmpty();
        for (JsonNode res : run.get("results")) {
            assertThat(res.at("/message/text").asText()).isNotBlank();
            assertThat(res.get("level").asText()).isIn("error", "warning", "note", "none");
            assertThat(run.at("/tool/driver/rules/" + res.get("ruleIndex").asInt() + "/id").asText()).isEqualTo(res.get("ruleId").asText());
            assertThat(res.at("/locations/0/physicalLocation/region/startLine").asInt()).isPositive();
            assertThat(res.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo("migrations/V2__index.sql");
        }
    }

    @Test
    void githubAndJunitAndJsonFormats() throws Exception {
        project("CREATE INDEX users_email_idx ON users (email);\n");
        assertThat(Cli.run(dir, "lint", "-o", "github").out())
                .contains("::error file=migrations/V2__index.sql,line=1,col=1,");
        assertThat(Cli.run(dir, "lint", "-o", "junit").out())
                .contains("<testcase classname=\"bulwark.lint\" name=\"migrations/V2__index.sql\">")
                .contains("<failure message=\"");
        JsonNode json = new ObjectMapper().readTree(Cli.run(dir, "lint", "-o", "json").out());
        assertThat(json.at("/findings/0/rule").asText()).isNotBlank();
        assertThat(json.at("/summary/migrations").asInt()).isEqualTo(2);
    }

    @Test
    void unknownOutputFormatIsAUsageError() throws Exception {
        project("SELECT 1;\n");
        Cli r = Cli.run(dir, "lint", "-o", "xml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown output format 'xml'");
    }

    @Test
    void fixRewritesTheFileReportsWhatItDidAndLintsAgain() throws Exception {
        Path m = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_init.sql"), "-- bulwark:up\nCREATE TABLE users (id bigint, email text);\n");
        Files.writeString(m.resolve("20260102000000_idx.sql"), "-- bulwark:up\nCREATE INDEX users_email_idx ON users (email);\n");
        Cli r = Cli.run(dir, "lint", "--fix");
        assertThat(r.err()).contains("fixed:   migrations/20260102000000_idx.sql");
        assertThat(r.out()).doesNotContain("require-concurrent-index");
        assertThat(r.exit()).isEqualTo(0);
        assertThat(Files.readString(m.resolve("20260102000000_idx.sql"))).contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx");
    }

    @Test
    void renderCmdLintsExactlyTheSqlTheToolPrintsAsAPsqlScript() throws Exception {
        // What `alembic upgrade head --sql` prints: its own BEGIN/COMMIT around the migration.
        Files.writeString(dir.resolve("printed.sql"), "BEGIN;\nCREATE TABLE users (id bigint, email text);\n"
                + "CREATE INDEX CONCURRENTLY users_email ON users (email);\nUPDATE alembic_version SET version_num='b1';\nCOMMIT;\n");
        Cli r = Cli.run(dir, Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString()), "lint", "--render-cmd", "cat printed.sql");
        assertThat(r.out()).contains(".bulwark/lint/rendered.sql:3:1: error[concurrently-in-transaction]")
                .contains("it is between BEGIN and COMMIT")
                .doesNotContain("transaction-control").doesNotContain("missing-down");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void renderCmdThatFailsIsAUsageErrorWithItsMessage() {
        Cli r = Cli.run(dir, Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString()), "lint", "--render-cmd", "echo no such revision >&2; exit 3");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--render-cmd failed with exit code 3").contains("no such revision");
    }

    @Test
    void atARepositoryRootLintFindsAlembicThroughScriptLocationLikeAudit() throws Exception {
        Files.writeString(dir.resolve("alembic.ini"), "[alembic]\nscript_location = %(here)s/db/alembic\n");
        Path versions = Files.createDirectories(dir.resolve("db/alembic/versions"));
        Files.writeString(versions.resolve("a1_init.py"), "revision = 'a1'  # first\ndown_revision = None\n\n"
                + "def upgrade():\n    op.create_table('users', sa.Column('id', sa.BigInteger(), primary_key=True))\n\n"
                + "def downgrade():\n    op.drop_table('users')\n");
        Files.writeString(versions.resolve("b2_index.py"), "revision = 'b2'\ndown_revision = 'a1'  # parent\n\n"
                + "def upgrade():\n    op.create_index('users_id_idx', 'users', ['id'])\n\n"
                + "def downgrade():\n    op.drop_index('users_id_idx')\n");
        Cli r = Cli.run(dir, "lint");
        assertThat(r.out()).contains("db/alembic/versions/b2_index.py").contains("require-concurrent-index");
        assertThat(Cli.run(dir, "lint", ".").out()).contains("require-concurrent-index");
    }

    @Test
    void atARepositoryRootLintFindsPrismaMigrations() throws Exception {
        Path m = Files.createDirectories(dir.resolve("prisma/migrations/20240101000000_init"));
        Files.writeString(m.resolve("migration.sql"), "CREATE TABLE \"User\" (\"id\" BIGINT NOT NULL PRIMARY KEY);\n");
        Path m2 = Files.createDirectories(dir.resolve("prisma/migrations/20240102000000_idx"));
        Files.writeString(m2.resolve("migration.sql"), "CREATE INDEX \"User_id_idx\" ON \"User\"(\"id\");\n");
        Cli r = Cli.run(dir, "lint");
        assertThat(r.out()).contains("prisma/migrations/20240102000000_idx/migration.sql").contains("require-concurrent-index");
    }

    @Test
    void theSourceExcerptOfALeakedPasswordIsMasked() throws Exception {
        project("SELECT 1;\n");
        Files.writeString(dir.resolve(".env"), "DATABASE_URL=postgresql://app:Sup3rS3cret@db:5432/app\n");
        Cli r = Cli.run(dir, "lint");
        assertThat(r.out()).contains("hardcoded-credentials").contains("   | DATABASE_URL=postgresql://app:***@db:5432/app")
                .doesNotContain("Sup3rS3cret");
    }

    @Test
    void aNamedFolderWithNoMigrationOfTheLayoutExitsTwoSayingWhatItHolds() throws Exception {
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("gomigrations"));
        java.nio.file.Files.writeString(folder.resolve("00001_init.go"), "package migrations\n");
        java.nio.file.Files.writeString(folder.resolve("00002_users.go"), "package migrations\n");

        Cli r = Cli.run(dir, "lint", "--migration-format", "golang-migrate", "gomigrations");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).doesNotContain("No findings");
        assertThat(r.err()).contains("no golang-migrate migrations in").contains("<version>_<name>.up.sql")
                .contains("2 .go files (00001_init.go, 00002_users.go)");
    }

    @Test
    void aLayoutProblemIsAFindingAndTheRestIsStillLinted() throws Exception {
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("gomigrations"));
        java.nio.file.Files.writeString(folder.resolve("000001_users.up.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
        java.nio.file.Files.writeString(folder.resolve("000002_backfill.go"), "package migrations\n");
        java.nio.file.Files.writeString(folder.resolve("000003_drop.up.sql"), "ALTER TABLE users DROP COLUMN email;\n");

        Cli r = Cli.run(dir, "lint", "--migration-format", "golang-migrate", "gomigrations");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("error[duplicate-version] 000002_backfill.go is a golang-migrate migration written in Go")
                .contains("000003_drop.up.sql");
    }
}
