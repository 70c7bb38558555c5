package dev.bulwark.cli;

import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** bulwark test from the command line: scratch on --scratch-url, sizes from --url, reports, exit codes. */
class TestCommandIT {
    private static final Path BROKEN = Path.of("..", "examples", "rehearsal", "broken").toAbsolutePath().normalize();
    private static final Path FIXED = Path.of("..", "examples", "rehearsal", "fixed").toAbsolutePath().normalize();

    TestDatabase server;
    TestDatabase live;

    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        server = TestDatabase.create("scratch_home");
        live = TestDatabase.create("live");
        try (Connection c = live.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, amount integer, note varchar(50));"
                    + "INSERT INTO orders SELECT g, g, g, 'n' FROM generate_series(1, 20000) g; ANALYZE orders");
        }
    }

    @AfterEach
    void tearDown() {
        server.close();
        live.close();
    }

    private String url(TestDatabase db) {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    @Test
    void brokenSampleExitsOneAndJoinsLocksWithLiveSizes() {
        Cli c = Cli.run(BROKEN, "test", "--scratch-url", url(server), "--url", url(live));
        assertThat(c.exit()).as(c.all()).isEqualTo(1);
        assertThat(c.out()).contains("error [rewrite-under-lock]")
                .containsPattern("locks SHARE on public\\.orders \\([0-9.]+ [kM]B, ~20k rows\\): writes blocked for the whole statement")
                .contains("round trip: FAILED — the down fails");
    }

    @Test
    void fixedSampleExitsZeroAndWritesAJunitReport() throws IOException {
        Path report = tmp.resolve("rehearsal.xml");
        Cli c = Cli.run(FIXED, "test", "--scratch-url", url(server), "--output", "junit", "--report", report.toString());
        assertThat(c.exit()).as(c.all()).isEqualTo(0);
        assertThat(Files.readString(report)).startsWith("<?xml").contains("tests=\"20\"").contains("failures=\"0\"");
        assertThat(c.out()).contains("all passed");
    }

    @Test
    void jsonOnStdoutIsPureJson() {
        Cli c = Cli.run(FIXED, "test", "--scratch-url", url(server), "--output", "json");
        assertThat(c.out().strip()).startsWith("{").endsWith("}");
        assertThat(c.err()).contains("Rehearsing 10 migrations");
    }

    @Test
    void unknownOutputFormatIsAUsageError() {
        Cli c = Cli.run(FIXED, "test", "--scratch-url", url(server), "--output", "pdf");
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("Invalid value for option '--output'").contains("pdf");
    }
}
