package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code -o json} output against its documented schema in docs/json/ (draft-07, additionalProperties false, every
 * key required): a key added, renamed or dropped fails here until the schema, and so the documentation, says so.
 */
class JsonSchemaIT {
    static final Path DOCS = Path.of("..", "docs", "json");
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path project;

    static JsonNode valid(String schemaName, Cli r) throws Exception {
        // stdout is the JSON document alone: it parses whole
        JsonNode doc = MAPPER.readTree(r.out());
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(MAPPER.readTree(DOCS.resolve(schemaName + ".schema.json").toFile()));
        Set<ValidationMessage> errors = schema.validate(doc);
        assertThat(errors).as(schemaName + ": " + r.out()).isEmpty();
        return doc;
    }

    private String url(TestDatabase db) {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    @Test
    void statusHistoryMigrateAndRollbackJsonMatchTheirSchemas() throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_create_items.sql"),
                "-- bulwark:up\nCREATE TABLE items (id int PRIMARY KEY);\n-- bulwark:down\nDROP TABLE items;\n");
        Files.writeString(m.resolve("20260102000000_add_name.sql"), "-- bulwark:up\nALTER TABLE items ADD COLUMN name text;\n");
        try (TestDatabase db = TestDatabase.create("cli_json")) {
            JsonNode dry = valid("migrate", Cli.run(project, "migrate", "--dry-run", "-o", "json", "--url", url(db)));
            assertThat(dry.get("dryRun").asBoolean()).isTrue();
            assertThat(dry.get("statements").toString()).contains("CREATE TABLE items");

            Cli mig = Cli.run(project, "migrate", "-o", "json", "--url", url(db));
            assertThat(mig.exit()).as(mig.all()).isZero();
            assertThat(mig.err()).as("progress goes to stderr").contains("Applying 20260101000000");
            assertThat(valid("migrate", mig).get("applied")).hasSize(2);

            Cli st = Cli.run(project, "status", "-o", "json", "--url", url(db));
            JsonNode status = valid("status", st);
            assertThat(status.get("migrations").get(1).get("state").asText()).isEqualTo("applied");
            assertThat(status.get("migrations").get(1).get("hasDown").asBoolean()).isFalse();
            assertThat(status.get("ok").asBoolean()).isTrue();

            JsonNode history = valid("history", Cli.run(project, "history", "-o", "json", "--url", url(db)));
            assertThat(history.get("entries")).hasSize(2);

            Files.writeString(m.resolve("20260102000000_add_name.sql"),
                    "-- bulwark:up\nALTER TABLE items ADD COLUMN name text;\n-- bulwark:down\nALTER TABLE items DROP COLUMN name;\n");
            Cli repair = Cli.run(project, "repair", "--yes", "--url", url(db));
            assertThat(repair.exit()).as(repair.all()).isZero();
            JsonNode rb = valid("migrate", Cli.run(project, "rollback", "-o", "json", "--url", url(db)));
            assertThat(rb.get("applied").get(0).get("down").asBoolean()).isTrue();
            assertThat(rb.get("current").asText()).isEqualTo("20260101000000");

            JsonNode snaps = valid("snapshots", Cli.run(project, "snapshots", "-o", "json", "--url", url(db)));
            assertThat(snaps.get("snapshots")).isEmpty();
        }
    }

    @Test
    void theStatusSchemaNamesEveryMigrationState() throws Exception {
        JsonNode states = MAPPER.readTree(DOCS.resolve("status.schema.json").toFile())
                .at("/properties/migrations/items/properties/state/enum");
        List<String> documented = new ArrayList<>();
        states.forEach(s -> documented.add(s.asText()));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(Arrays.stream(MigrationState.values()).map(MigrationState::label).toList());
    }

    @Test
    void backupListAndDbStatusJsonMatchTheirSchemas() throws Exception {
        Cli list = Cli.run(project, "backup", "list", "-o", "json");
        assertThat(list.exit()).as(list.all()).isZero();
        assertThat(valid("backup-list", list).get("backups")).isEmpty();
        Cli db = Cli.run(project, "db", "status", "-o", "json");
        assertThat(db.exit()).as("stopped").isEqualTo(ExitCodes.FINDINGS);
        assertThat(valid("db-status", db).get("running").asBoolean()).isFalse();
    }

    @Test
    void copyJsonMatchesItsSchemaAndProgressStaysOffStdout() throws Exception {
        try (TestDatabase source = TestDatabase.create("cli_json_src"); TestDatabase target = TestDatabase.create("cli_json_dst")) {
            try (Connection c = source.open(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id bigint PRIMARY KEY, v text); INSERT INTO t SELECT g, 'x' FROM generate_series(1, 100) g");
            }
            Cli r = Cli.run(project, "copy", "--from", url(source), "--to", url(target), "-o", "json", "--progress", "lines");
            assertThat(r.exit()).as(r.all()).isZero();
            JsonNode doc = valid("copy", r);
            assertThat(doc.get("rows").asLong()).isEqualTo(100);
            assertThat(doc.get("ok").asBoolean()).isTrue();
            assertThat(r.err()).contains("copy:");
        }
    }

    @Test
    void anOutputFormatACommandDoesNotHaveIsAUsageError() {
        Cli r = Cli.run(project, "backup", "list", "-o", "yaml");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--output yaml").contains("use -o text or -o json");
    }
}
