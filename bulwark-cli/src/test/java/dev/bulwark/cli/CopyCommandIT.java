package dev.bulwark.cli;

import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark copy} end to end: options, output, exit codes. */
class CopyCommandIT {
    TestDatabase source;
    TestDatabase target;

    @TempDir
    Path project;

    @BeforeEach
    void databases() throws SQLException {
        source = TestDatabase.create("cli_copy_src");
        target = TestDatabase.create("cli_copy_dst");
        try (Connection c = source.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL);"
                    + " CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, total numeric);"
                    + " INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 1000) g;"
                    + " INSERT INTO orders (customer_id, total) SELECT 1 + g % 1000, g * 0.01 FROM generate_series(1, 5000) g; ANALYZE");
        }
    }

    @AfterEach
    void drop() {
        source.close();
        target.close();
    }

    static String url(TestDatabase db) {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    @Test
    void copyPrintsProgressLinesAndAVerifiedSummaryAndExitsZero() {
        Cli c = Cli.run(project, "copy", "--from", url(source), "--to", url(target), "--jobs", "2", "--split-rows", "2000");

        assertThat(c.exit()).as(c.all()).isZero();
        assertThat(c.out()).contains("data: 2 tables, about 6,000 rows")
                .contains("copied public.orders: 5,000 rows")
                .contains("copied 2 tables in 2 foreign-key levels: 6,000 rows")
                .contains("verified: schema, row counts and fingerprints of every table, foreign keys and sequences match the source");
    }

    @Test
    void copyIntoATargetWithTablesIsAUsageError() throws SQLException {
        try (Connection c = target.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE already_here (id int)");
        }
        Cli c = Cli.run(project, "copy", "--from", url(source), "--to", url(target));

        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("already has tables (public.already_here)").contains("--data-only");
    }

    @Test
    void aDifferenceFoundByVerificationExitsOneNamingTableAndRange() throws SQLException {
        assertThat(Cli.run(project, "copy", "--from", url(source), "--to", url(target), "--schema-only").exit()).isZero();
        try (Connection c = target.open(); Statement s = c.createStatement()) {
            // rows arriving on the target get a different total: only verification can tell
            s.execute("CREATE FUNCTION public.skew() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.id = 4321 THEN NEW.total := NEW.total + 1; END IF; RETURN NEW; END $$;"
                    + " CREATE TRIGGER skew BEFORE INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION public.skew();"
                    + " ALTER TABLE public.orders ENABLE ALWAYS TRIGGER skew");
        }
        try (Connection c = source.open(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION public.skew() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.id = 4321 THEN NEW.total := NEW.total + 1; END IF; RETURN NEW; END $$;"
                    + " CREATE TRIGGER skew BEFORE INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION public.skew();"
                    + " ALTER TABLE public.orders ENABLE ALWAYS TRIGGER skew");
        }
        Cli c = Cli.run(project, "copy", "--from", url(source), "--to", url(target), "--data-only", "--chunk-rows", "1000");

        assertThat(c.exit()).as(c.all()).isEqualTo(1);
        assertThat(c.out()).contains("VERIFICATION FAILED: 1 difference")
                .containsPattern("public\\.orders: target differs from source in chunk \\d+ \\(\"id\" \\d+\\.\\.\\d+\\): same \\d+ rows, content changed");
    }

    @Test
    void passwordsNeverAppearInTheOutput() {
        Cli c = Cli.run(project, Map.of("HOME", project.toString()), "copy", "--from",
                "postgres://alice:s3cr3t-pw@127.0.0.1:1/app", "--to", url(target));

        assertThat(c.exit()).isEqualTo(3);
        assertThat(c.all()).doesNotContain("s3cr3t-pw").contains("alice:***@127.0.0.1:1/app");
    }
}
