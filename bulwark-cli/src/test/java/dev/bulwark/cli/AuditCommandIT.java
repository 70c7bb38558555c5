package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** bulwark audit with a live database (--url: sizes, rows, cascade estimates) and a rehearsal (--trace). */
class AuditCommandIT {
    private static final Path BROKEN = Path.of("..", "examples", "rehearsal", "broken").toAbsolutePath().normalize();

    TestDatabase live;
    TestDatabase scratch;

    @BeforeEach
    void setUp() throws Exception {
        live = TestDatabase.create("audit_live");
        scratch = TestDatabase.create("audit_scratch");
        // the broken sample's schema, with data: 100 customers, 20 orders each
        try (Connection c = live.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id bigint PRIMARY KEY, email text);"
                    + "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE,"
                    + " amount integer, note varchar(50));"
                    + "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 100) g;"
                    + "INSERT INTO orders SELECT g, 1 + g % 100, g, 'n' FROM generate_series(1, 2000) g; ANALYZE customers; ANALYZE orders");
        }
    }

    @AfterEach
    void tearDown() {
        live.close();
        scratch.close();
    }

    private static String url(TestDatabase db) {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    @Test
    void liveSizesAndRowsFillTheCriticalityTableAndTheTraceShowsLocksAndRoundTrips() throws Exception {
        Cli c = Cli.run(BROKEN, "audit", ".", "-o", "json", "--url", url(live), "--trace", "--scratch-url", url(scratch));
        assertThat(c.exit()).as(c.all()).isIn(0, 1);
        JsonNode r = new ObjectMapper().readTree(c.out());
        assertThat(r.get("database").asText()).contains(live.name());
        JsonNode orders = null;
        for (JsonNode t : r.get("tables")) {
            if (t.get("table").asText().equals("orders")) {
                orders = t;
            }
        }
        assertThat(orders).isNotNull();
        assertThat(orders.get("rows").asLong()).isEqualTo(2000);
        assertThat(orders.get("bytes").asLong()).isPositive();

        JsonNode trace = r.get("trace");
        assertThat(trace.get("server").asText()).startsWith("1");
        String traced = trace.toString();
        assertThat(traced).contains("SHARE on public.orders").contains("ACCESS EXCLUSIVE on public.orders");
        // 070's down drops a column the up did not add (lint) and which does not exist (the server): both say so
        JsonNode vip = null;
        for (JsonNode row : r.get("rollback").get("rows")) {
            if (row.get("migration").asText().startsWith("070")) {
                vip = row;
            }
        }
        assertThat(vip.get("rehearsed").asText()).startsWith("the down fails");
        assertThat(vip.get("status").asText()).isEqualTo("IRREVERSIBLE");
        assertThat(traced).contains("FAILED — the down fails").contains("\"roundTrip\":\"passed\"").doesNotContain("ACCESS SHARE");
    }

    @Test
    void cascadeEstimatesComeFromTheLiveRowCounts(@org.junit.jupiter.api.io.TempDir Path project) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(project.resolve("migrations"));
        java.nio.file.Files.writeString(dir.resolve("001_customers_and_orders.sql"), """
                -- bulwark:up
                CREATE TABLE customers (id bigint PRIMARY KEY, email text);
                CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id) ON DELETE CASCADE,
                    amount integer, note varchar(50));
                CREATE INDEX orders_customer_id_idx ON orders (customer_id);
                -- bulwark:down
                DROP TABLE orders;
                DROP TABLE customers;
                """);
        Cli c = Cli.run(project, "audit", ".", "--url", url(live));
        assertThat(c.out()).as(c.all()).contains("live database")
                // one customer row takes ~20 orders with it: 2,000 orders over 100 customers
                .containsPattern("\\| \\*\\*customers\\*\\* \\| orders \\(1\\) \\| 1 \\| 20 \\| orders \\|")
                .containsPattern("\\| `orders` \\| financial records \\| critical \\| [0-9.]+ kB \\| 2000 \\| customers \\|")
                // bulwark check's preflight, run on the live database
                .contains("## Preflight").contains("| server-version |").contains("| long-running-queries |");
    }
}
