package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark backfill} from the command line: a run, its JSON, a dry run, and bad input. */
class BackfillCliIT {
    @TempDir
    Path project;
    TestDatabase db;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDatabase.create("backfill_cli");
        exec("CREATE TABLE orders (id bigint PRIMARY KEY, amount int NOT NULL, amount_new bigint);"
                + "INSERT INTO orders (id, amount) SELECT g, g % 1000 FROM generate_series(1, 5000) g;"
                + "CREATE TABLE heap (n int); INSERT INTO heap VALUES (1);");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private String value(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private String url() {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    @Test
    void backfillsEveryRowAndPrintsASummaryThenSaysItIsDone() throws Exception {
        Cli r = Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = amount", "--where", "amount_new IS NULL",
                "--batch-size", "500", "--progress", "lines", "--url", url());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("backfill of orders by key ranges of id").contains("backfill of orders done: 5000 rows in")
                .contains("progress: 5,000 rows (100%)");
        assertThat(value("SELECT count(*) FROM orders WHERE amount_new = amount")).isEqualTo("5000");

        Cli again = Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = amount", "--where", "amount_new IS NULL",
                "-o", "json", "--url", url());
        assertThat(again.exit()).as(again.all()).isZero();
        JsonNode doc = JsonSchemaIT.valid("backfill", again);
        assertThat(doc.get("alreadyDone").asBoolean()).isTrue();
        assertThat(doc.get("rows").asLong()).isZero();
        assertThat(doc.get("totalRows").asLong()).isEqualTo(5000);
    }

    @Test
    void jsonSummaryOfARunMatchesItsSchema() throws Exception {
        Cli r = Cli.run(project, "backfill", "--table", "public.orders", "--set", "amount_new = amount * 2", "-o", "json",
                "--batch-size", "700", "--url", url());
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode doc = JsonSchemaIT.valid("backfill", r);
        assertThat(doc.get("mode").asText()).isEqualTo("range");
        assertThat(doc.get("key").get(0).asText()).isEqualTo("id");
        assertThat(doc.get("rows").asLong()).isEqualTo(5000);
        assertThat(doc.get("batches").asLong()).isPositive();
        assertThat(doc.get("dryRun").asBoolean()).isFalse();
        assertThat(r.err()).as("progress goes to stderr").contains("backfill of orders done");
    }

    @Test
    void dryRunPrintsTheBatchesAndChangesNothing() throws Exception {
        Cli r = Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = amount", "--batch-size", "2000",
                "--dry-run", "--url", url());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("UPDATE orders SET amount_new = amount WHERE orders.\"id\" > 0 AND orders.\"id\" <= 2000;")
                .contains("<= 5000;").contains("-- 3 batches in all; nothing was changed");
        assertThat(value("SELECT count(*) FROM orders WHERE amount_new IS NOT NULL")).isEqualTo("0");
        assertThat(value("SELECT to_regclass('bulwark_backfill') IS NULL")).isEqualTo("t");
        JsonNode doc = JsonSchemaIT.valid("backfill", Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = amount",
                "--dry-run", "-o", "json", "--url", url()));
        assertThat(doc.get("plannedBatches").size()).isGreaterThan(2);
    }

    @Test
    void badInputIsAOneLineUsageErrorAndChangesNothing() throws Exception {
        assertUsage(Cli.run(project, "backfill", "--table", "nope", "--set", "a = 1", "--url", url()), "table \"nope\" does not exist");
        assertUsage(Cli.run(project, "backfill", "--table", "heap", "--set", "n = 2", "--url", url()), "has no primary key");
        assertUsage(Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = amount +", "--url", url()), "syntax error");
        assertUsage(Cli.run(project, "backfill", "--table", "orders", "--set", "amount_nu = amount", "--url", url()), "amount_nu");
        assertUsage(Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = 1; DROP TABLE orders", "--url", url()), "';'");
        assertUsage(Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = 1", "--where", "amount >", "--url", url()),
                "syntax error");
        assertUsage(Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = 1", "--max-lag", "soon", "--url", url()),
                "--max-lag 'soon'");
        assertUsage(Cli.run(project, "backfill", "--table", "orders", "--set", "amount_new = 1", "--throttle-query", "SELEC 1",
                "--url", url()), "--throttle-query failed");
        assertThat(value("SELECT count(*) FROM orders WHERE amount_new IS NOT NULL")).isEqualTo("0");
        assertThat(value("SELECT count(*) FROM heap WHERE n = 1")).isEqualTo("1");
        assertThat(value("SELECT to_regclass('bulwark_backfill') IS NULL")).isEqualTo("t");
    }

    private static void assertUsage(Cli r, String text) {
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains(text).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err().lines().filter(l -> !l.isBlank()).count()).as(r.err()).isLessThanOrEqualTo(2);
    }
}
