package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** bulwark plan, then the two deploys through the phase barrier, and what status says in between. */
class PlanCliIT {
    TestDatabase db;

    @TempDir
    Path project;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create("plan_cli");
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("0001_orders.sql"), "-- bulwark:up\nCREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY"
                + " PRIMARY KEY, amount integer NOT NULL);\nINSERT INTO orders (amount) SELECT g FROM generate_series(1, 500) g;\n"
                + "-- bulwark:down\nDROP TABLE orders;\n");
        Files.writeString(m.resolve("0002_amount_bigint.sql"), "-- bulwark:up\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String url() {
        return db.spec().jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.spec().user() + "@");
    }

    private Cli run(String... args) {
        return Cli.run(project, Map.of("HOME", project.toString()), args);
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(project.resolve("migrations"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void planPrintsThePhasesAndWritesNothingWithoutWrite() throws Exception {
        Cli p = run("plan", "migrations/0002_amount_bigint.sql");
        assertThat(p.exit()).as(p.all()).isZero();
        assertThat(p.out()).contains("Plan for 0002_amount_bigint.sql:2:1 (column type change on orders)")
                .contains("EXPAND: deploy now").contains("CONTRACT: deploy with --phase contract")
                .contains("ALTER TABLE orders ADD COLUMN amount_new bigint,")
                .contains("-- bulwark:backfill").contains("UPDATE orders SET amount_new = amount WHERE amount_new IS NULL;")
                .contains("ALTER TABLE orders RENAME COLUMN amount_new TO amount;")
                .contains("the contract phase gives up: the swap cannot be rolled back")
                .contains("Nothing was written.");
        assertThat(files()).containsExactly("0001_orders.sql", "0002_amount_bigint.sql");

        Cli json = run("plan", "0002", "-o", "json");
        assertThat(json.exit()).as(json.all()).isZero();
        JsonNode doc = JsonSchemaIT.MAPPER.readTree(json.out());
        assertThat(doc.get("kind").asText()).isEqualTo("type-change");
        assertThat(doc.get("migrations")).hasSize(5);
        assertThat(doc.get("migrations").get(0).get("phase").asText()).isEqualTo("expand");
        assertThat(doc.get("migrations").get(3).get("phase").asText()).isEqualTo("contract");
        assertThat(doc.get("migrations").get(3).get("reversible").asBoolean()).isFalse();
    }

    @Test
    void aStatementNoPlanIsMadeForExitsTwoWithOneLine() throws Exception {
        Files.writeString(project.resolve("migrations/0002_amount_bigint.sql"), "-- bulwark:up\nALTER TABLE orders ADD COLUMN note text;\n");
        Cli p = run("plan", "0002");
        assertThat(p.exit()).isEqualTo(2);
        assertThat(p.err()).contains("no expand/contract plan for this statement").doesNotContain("Exception");
        Cli missing = run("plan", "0009");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no migration 0009 in migrations");
        assertThat(run("migrate", "--phase", "later", "--url", url()).exit()).isEqualTo(2);
    }

    @Test
    void writtenPlanDeploysInTwoPhasesAndStatusShowsTheBarrier() throws Exception {
        Cli w = run("plan", "migrations/0002_amount_bigint.sql", "--write");
        assertThat(w.exit()).as(w.all()).isZero();
        assertThat(files()).containsExactly("0001_orders.sql", "0002_expand_orders_amount_add_amount_new.sql",
                "0003_backfill_orders_amount_new.sql", "0004_validate_orders_amount_new_not_null.sql",
                "0005_contract_orders_amount_swap_to_amount_new.sql", "0006_contract_orders_drop_amount_old.sql");
        Cli lint = run("lint", "migrations");
        assertThat(lint.exit()).as(lint.all()).isZero();
        assertThat(lint.out()).contains("No findings");

        Cli first = run("deploy", "--no-backup", "--url", url());
        assertThat(first.exit()).as(first.all()).isZero();
        assertThat(first.out()).contains("stopped at the phase barrier before 0005")
                .contains("to do: release the application that no longer needs the old schema, then deploy again with --phase contract");
        Cli status = run("status", "--url", url());
        assertThat(status.out()).contains("Phase barrier: before 0005 contract orders amount swap to amount new")
                .contains("contract phase; no down");
        JsonNode js = JsonSchemaIT.valid("status", run("status", "-o", "json", "--url", url()));
        assertThat(js.get("barrier").get("version").asText()).isEqualTo("0005");
        assertThat(js.get("barrier").get("waiting").asInt()).isEqualTo(2);
        assertThat(js.get("migrations").get(1).get("phase").asText()).isEqualTo("expand");
        Cli migrate = run("migrate", "--url", url());
        assertThat(migrate.exit()).isZero();
        assertThat(migrate.out()).contains("Stopped at the phase barrier before 0005");
        JsonNode mj = JsonSchemaIT.valid("migrate", run("migrate", "-o", "json", "--url", url()));
        assertThat(mj.get("barrier").get("version").asText()).isEqualTo("0005");
        Cli again = run("deploy", "--no-backup", "--url", url());
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).as(again.all()).contains("nothing before the phase barrier: stopped at the phase barrier before 0005"
                + " contract orders amount swap to amount new");

        Cli second = run("deploy", "--no-backup", "--phase", "contract", "--url", url());
        assertThat(second.exit()).as(second.all()).isZero();
        assertThat(second.out()).contains("DEPLOYED: deployed: 2 migration(s) applied and verified; the database is at 0006");
        assertThat(run("status", "--url", url()).out()).doesNotContain("Phase barrier");
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT format_type(atttypid, atttypmod), attnotnull, (SELECT sum(amount) FROM orders) FROM pg_attribute"
                        + " WHERE attrelid = 'orders'::regclass AND attname = 'amount'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("bigint");
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.getLong(3)).isEqualTo(500L * 501 / 2);
        }
    }
}
