package dev.bulwark.history;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.Listener;
import dev.bulwark.migration.Checksums;
import dev.bulwark.migration.FlywayChecksum;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.testing.TestDatabase;
import dev.bulwark.testing.TestRows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bulwark writes each tool's own history table the way that tool does, so the tool sees the
 * right state afterwards: checksums, Flyway's success flag, golang-migrate's dirty flag,
 * Prisma's finished_at / rolled_back_at, Drizzle's created_at = journal "when".
 */
class ForeignHistoryIT {
    @TempDir
    Path project;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("foreign");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Path write(String relative, String content) throws IOException {
        Path p = project.resolve("migrations").resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    private Bulwark open() {
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofSeconds(2), null, Duration.ofSeconds(5), null);
        return Bulwark.open(c, db.spec(), Listener.SILENT);
    }

    private List<List<String>> rows(String sql) {
        return TestRows.list(db, sql);
    }

    private void exec(String sql) {
        TestRows.exec(db, sql);
    }

    @Test
    void flywayRowsCarryFlywaysChecksumAndSuccessAndRollbackRemovesTheRow() throws IOException {
        String v1 = "CREATE TABLE a (id int);\n";
        String v11 = "-- second\r\nCREATE TABLE b (id int);\r\n";
        write("V1__create_a.sql", v1);
        write("V1_1__create_b.sql", v11);
        write("U1_1__create_b.sql", "DROP TABLE b;\n");
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
        }
        assertThat(rows("SELECT installed_rank, version, description, type, script, checksum, installed_by, success FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly(
                        List.of("1", "1", "create a", "SQL", "V1__create_a.sql", String.valueOf(FlywayChecksum.of(v1)), "postgres", "t"),
                        List.of("2", "1.1", "create b", "SQL", "V1_1__create_b.sql", String.valueOf(FlywayChecksum.of(v11)), "postgres", "t"));
        try (Bulwark b = open()) {
            b.rollback(1, null, false);
        }
        assertThat(rows("SELECT version FROM flyway_schema_history")).containsExactly(List.of("1"));
    }

    @Test
    void flywayFailureThatStaysPartlyAppliedIsRecordedUnsuccessful() throws IOException {
        write("V1__steps.sql", "-- bulwark:no-transaction\nCREATE TABLE a (id int);\nCREATE TABLE a (id int);\n");
        try (Bulwark b = open()) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.FAILED_NOT_ROLLED_BACK));
        }
        assertThat(rows("SELECT version, success FROM flyway_schema_history")).containsExactly(List.of("1", "f"));
    }

    @Test
    void flywayHistoryWrittenByFlywayItselfCountsAsApplied() throws IOException {
        String v1 = "CREATE TABLE a (id int);\n";
        write("V1__create_a.sql", v1);
        write("V2__create_b.sql", "CREATE TABLE b (id int);\n");
        exec(v1);
        try (Bulwark b = open()) {
            b.migrate("1", true, false); // dry run creates nothing
        }
        exec("CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,"
                + " type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,"
                + " installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL)");
        exec("INSERT INTO flyway_schema_history VALUES (1, '1', 'create a', 'SQL', 'V1__create_a.sql', " + FlywayChecksum.of(v1)
                + ", 'flyway', now(), 5, true)");
        try (Bulwark b = open()) {
            List<MigrationStatus> s = b.status();
            assertThat(s.get(0).state()).isEqualTo(MigrationState.APPLIED);
            assertThat(s.get(0).recordedBy()).isEqualTo("public.flyway_schema_history");
            assertThat(b.migrate(null, false, false).applied()).hasSize(1);
        }
        assertThat(rows("SELECT installed_rank, version FROM flyway_schema_history ORDER BY 1"))
                .containsExactly(List.of("1", "1"), List.of("2", "2"));
    }

    @Test
    void golangMigrateKeepsOneRowWithTheCurrentVersionAndTheDirtyFlag() throws IOException {
        write("000001_a.up.sql", "CREATE TABLE a (id int);");
        write("000001_a.down.sql", "DROP TABLE a;");
        write("000002_b.up.sql", "CREATE TABLE b (id int);");
        write("000002_b.down.sql", "DROP TABLE b;");
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
        }
        assertThat(rows("SELECT version, dirty FROM schema_migrations")).containsExactly(List.of("2", "f"));
        try (Bulwark b = open()) {
            b.rollback(1, null, false);
        }
        assertThat(rows("SELECT version, dirty FROM schema_migrations")).containsExactly(List.of("1", "f"));
        write("000003_c.up.sql", "-- bulwark:no-transaction\nCREATE TABLE c (id int);\nCREATE TABLE c (id int);");
        write("000003_c.down.sql", "DROP TABLE c;");
        try (Bulwark b = open()) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).isInstanceOf(BulwarkException.class);
        }
        // golang-migrate refuses to go on from a dirty version until someone forces it: exactly the state here
        assertThat(rows("SELECT version, dirty FROM schema_migrations")).containsExactly(List.of("3", "t"));
    }

    @Test
    void dbmateRecordsOneRowPerAppliedVersion() throws IOException {
        write("20240101000000_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n");
        write("20240102000000_b.sql", "-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n");
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
            assertThat(rows("SELECT version FROM schema_migrations ORDER BY 1"))
                    .containsExactly(List.of("20240101000000"), List.of("20240102000000"));
            b.rollback(1, null, false);
        }
        assertThat(rows("SELECT version FROM schema_migrations")).containsExactly(List.of("20240101000000"));
    }

    @Test
    void aTableOfTheSameNameThatAnotherToolOwnsIsRefusedAndNotReadAsApplied() throws IOException {
        // dbmate's folder, golang-migrate's schema_migrations (both tools name their table so)
        write("20240101000000_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n");
        exec("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)");
        exec("INSERT INTO schema_migrations VALUES (20240101000000, false)");
        try (Bulwark b = open()) {
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.PENDING);
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .hasMessageContaining("public.schema_migrations exists but is golang-migrate's, not dbmate's")
                    .satisfies(e -> assertThat(((BulwarkException) e).fix()).contains("--migration-format golang-migrate"));
        }
        assertThat(rows("SELECT count(*) FROM pg_class WHERE relname = 'a'")).containsExactly(List.of("0"));
    }

    @Test
    void aGooseTableWithoutGoosesColumnsIsRefused() throws IOException {
        write("00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n");
        exec("CREATE TABLE goose_db_version (id int, version text)");
        try (Bulwark b = open()) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .hasMessageContaining("public.goose_db_version exists but is not goose's (columns [id, version])");
        }
        assertThat(rows("SELECT count(*) FROM pg_class WHERE relname = 'a'")).containsExactly(List.of("0"));
    }

    @Test
    void prismaRowsHaveTheFileChecksumFinishedAtAndRolledBackAt() throws IOException {
        String sql = "-- CreateTable\nCREATE TABLE \"User\" (\"id\" SERIAL NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\"));\n";
        write("migration_lock.toml", "provider = \"postgresql\"\n");
        write("20240101000000_init/migration.sql", sql);
        write("20240101000000_init/down.sql", "DROP TABLE \"User\";\n");
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
        }
        assertThat(rows("SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NULL, applied_steps_count FROM _prisma_migrations"))
                .containsExactly(List.of("20240101000000_init", Checksums.sha256Hex(sql), "t", "t", "1"));
        try (Bulwark b = open()) {
            b.rollback(1, null, false);
        }
        assertThat(rows("SELECT rolled_back_at IS NOT NULL FROM _prisma_migrations")).containsExactly(List.of("t"));
    }

    @Test
    void prismaFailureLeavesAnUnfinishedRowWithTheErrorInLogs() throws IOException {
        write("migration_lock.toml", "provider = \"postgresql\"\n");
        write("20240101000000_init/migration.sql", "-- bulwark:no-transaction\nCREATE TABLE a (id int);\nCREATE TABLE a (id int);\n");
        try (Bulwark b = open()) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).isInstanceOf(BulwarkException.class);
        }
        List<List<String>> r = rows("SELECT finished_at IS NULL, rolled_back_at IS NULL, logs FROM _prisma_migrations");
        assertThat(r).hasSize(1);
        assertThat(r.get(0).subList(0, 2)).containsExactly("t", "t"); // Prisma's P3009: a failed migration blocks deploy
        assertThat(r.get(0).get(2)).contains("already exists");
    }

    @Test
    void drizzleRowsUseTheJournalsWhenAndTheFileHash() throws IOException {
        String first = "CREATE TABLE \"users\" (\"id\" serial PRIMARY KEY);\n--> statement-breakpoint\nCREATE INDEX \"users_id\" ON \"users\" (\"id\");\n";
        String second = "ALTER TABLE \"users\" ADD COLUMN \"email\" text;\n";
        write("0000_init.sql", first);
        write("0001_email.sql", second);
        write("meta/_journal.json", "{\"version\":\"7\",\"dialect\":\"postgresql\",\"entries\":["
                + "{\"idx\":0,\"version\":\"7\",\"when\":1714000000000,\"tag\":\"0000_init\",\"breakpoints\":true},"
                + "{\"idx\":1,\"version\":\"7\",\"when\":1714100000000,\"tag\":\"0001_email\",\"breakpoints\":true}]}");
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
        }
        assertThat(rows("SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id")).containsExactly(
                List.of(Checksums.sha256Hex(first), "1714000000000"),
                List.of(Checksums.sha256Hex(second), "1714100000000"));
    }

    private List<String> toolHistory() {
        try (Connection c = db.spec().open("bulwark-test")) {
            return dev.bulwark.deploy.ExternalTool.history(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Column name, type as format_type prints it, NOT NULL and default, in column order. */
    private List<List<String>> columns(String table) {
        return rows("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,"
                + " coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text FROM pg_attribute a"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE a.attrelid = 'public." + table + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
    }

    @Test
    void dieselTableHasDieselsShapeAndARowPerAppliedFolderVersionUntilRolledBack() throws IOException {
        write("00000000000000_diesel_initial_setup/up.sql", "CREATE FUNCTION diesel_noop() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n");
        write("00000000000000_diesel_initial_setup/down.sql", "DROP FUNCTION diesel_noop();\n");
        write("2023-01-01-000000_create_users/up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n");
        write("2023-01-01-000000_create_users/down.sql", "DROP TABLE users;\n");
        write("2023-01-02-000000_index_users/up.sql", "CREATE INDEX CONCURRENTLY users_name ON users (name);\n");
        write("2023-01-02-000000_index_users/down.sql", "DROP INDEX CONCURRENTLY users_name;\n");
        write("2023-01-02-000000_index_users/metadata.toml", "run_in_transaction = false\n");
        try (Bulwark b = open()) {
            assertThat(b.migrate(null, false, false).applied()).hasSize(3);
            assertThat(b.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(MigrationState.APPLIED));
        }
        assertThat(columns("__diesel_schema_migrations")).containsExactly(
                List.of("version", "character varying(50)", "true", "", ""),
                List.of("run_on", "timestamp without time zone", "true", "CURRENT_TIMESTAMP", ""));
        assertThat(rows("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                + " WHERE i.indrelid = 'public.__diesel_schema_migrations'::regclass AND i.indisprimary"))
                .containsExactly(List.of("version"));
        assertThat(rows("SELECT version, run_on IS NOT NULL FROM __diesel_schema_migrations ORDER BY version")).containsExactly(
                List.of("00000000000000", "t"), List.of("20230101000000", "t"), List.of("20230102000000", "t"));
        assertThat(rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_name'::regclass")).containsExactly(List.of("t"));
        assertThat(toolHistory()).contains("__diesel_schema_migrations: 20230102000000");
        try (Bulwark b = open()) {
            b.rollback(1, null, false);
            assertThat(b.status().get(2).state()).isEqualTo(MigrationState.PENDING);
        }
        assertThat(rows("SELECT version FROM __diesel_schema_migrations ORDER BY version"))
                .containsExactly(List.of("00000000000000"), List.of("20230101000000"));
        assertThat(rows("SELECT count(*) FROM pg_class WHERE relname = 'users_name'")).containsExactly(List.of("0"));
    }

    @Test
    void dieselHistoryWrittenByDieselItselfCountsAsApplied() throws IOException {
        write("2023-01-01-000000_create_users/up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
        write("2023-01-02-000000_create_orders/up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
        exec("CREATE TABLE users (id bigint PRIMARY KEY)");
        exec("CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL,"
                + " run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)");
        exec("INSERT INTO __diesel_schema_migrations (version) VALUES ('20230101000000')");
        try (Bulwark b = open()) {
            List<MigrationStatus> s = b.status();
            assertThat(s.get(0).state()).isEqualTo(MigrationState.APPLIED);
            assertThat(s.get(0).recordedBy()).isEqualTo("public.__diesel_schema_migrations");
            assertThat(s.get(1).state()).isEqualTo(MigrationState.PENDING);
            assertThat(b.migrate(null, false, false).applied()).extracting(dev.bulwark.execute.Applied::id).containsExactly("20230102000000");
        }
        assertThat(rows("SELECT version FROM __diesel_schema_migrations ORDER BY version"))
                .containsExactly(List.of("20230101000000"), List.of("20230102000000"));
    }

    @Test
    void aBaselineRecordsWhatItCoversInTheToolsTableSoTheToolDoesNotRunItAgain() throws IOException {
        // a database built by hand, adopted at 20230101000000: diesel has no baseline of its own, so without rows
        // in its table `diesel migration run` would run the covered migrations again
        write("00000000000000_diesel_initial_setup/up.sql", "CREATE FUNCTION diesel_noop() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n");
        write("2023-01-01-000000_create_users/up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
        write("2023-01-02-000000_create_orders/up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
        exec("CREATE FUNCTION diesel_noop() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql");
        exec("CREATE TABLE users (id bigint PRIMARY KEY)");
        try (Bulwark b = open()) {
            b.baseline("20230101000000", "adopted");
        }
        assertThat(rows("SELECT version FROM __diesel_schema_migrations ORDER BY version"))
                .containsExactly(List.of("00000000000000"), List.of("20230101000000"));
        try (Bulwark b = open()) {
            assertThat(b.migrate(null, false, false).applied()).extracting(dev.bulwark.execute.Applied::id).containsExactly("20230102000000");
        }
        assertThat(rows("SELECT version FROM __diesel_schema_migrations ORDER BY version"))
                .containsExactly(List.of("00000000000000"), List.of("20230101000000"), List.of("20230102000000"));
    }

    @Test
    void aBaselineSetsGolangMigratesVersionCleanAtIt() throws IOException {
        write("000001_a.up.sql", "CREATE TABLE a (id int);");
        write("000002_b.up.sql", "CREATE TABLE b (id int);");
        write("000003_c.up.sql", "CREATE TABLE c (id int);");
        try (Bulwark b = open()) {
            b.baseline("2", "adopted");
        }
        assertThat(rows("SELECT version, dirty FROM schema_migrations")).containsExactly(List.of("2", "f"));
    }

    @Test
    void aGooseBaselineKeepsTheRowsGooseAlreadyWrote() throws IOException {
        write("00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n");
        write("00002_b.sql", "-- +goose Up\nCREATE TABLE b (id int);\n");
        write("00003_c.sql", "-- +goose Up\nCREATE TABLE c (id int);\n");
        exec("CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL,"
                + " tstamp timestamp NULL default now(), PRIMARY KEY(id))");
        exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true)");
        try (Bulwark b = open()) {
            b.baseline("00002", "adopted");
        }
        assertThat(rows("SELECT version_id, is_applied FROM goose_db_version ORDER BY id"))
                .containsExactly(List.of("0", "t"), List.of("1", "t"), List.of("2", "t"));
    }

    @Test
    void aBaselineWritesFlywayPrismaAndLiquibaseRowsAsTheyRecordAnAppliedMigration() throws IOException {
        String v1 = "CREATE TABLE a (id int);\n";
        write("V1__a.sql", v1);
        write("V2__b.sql", "CREATE TABLE b (id int);\n");
        try (Bulwark b = open()) {
            b.baseline("1", "adopted");
        }
        assertThat(rows("SELECT version, type, script, checksum, success FROM flyway_schema_history"))
                .containsExactly(List.of("1", "SQL", "V1__a.sql", String.valueOf(FlywayChecksum.of(v1)), "t"));
        db.close();
        db = TestDatabase.create("foreign");
        clearMigrations();
        String sql = "CREATE TABLE \"User\" (\"id\" SERIAL NOT NULL);\n";
        write("migration_lock.toml", "provider = \"postgresql\"\n");
        write("20240101000000_init/migration.sql", sql);
        write("20240102000000_more/migration.sql", "CREATE TABLE more (id int);\n");
        try (Bulwark b = open()) {
            b.baseline("20240101000000", "adopted");
        }
        assertThat(rows("SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NULL FROM _prisma_migrations"))
                .containsExactly(List.of("20240101000000_init", Checksums.sha256Hex(sql), "t", "t"));
        db.close();
        db = TestDatabase.create("foreign");
        clearMigrations();
        write("changelog.sql", "--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE a (id int);\n\n"
                + "--changeset alice:2\nCREATE TABLE b (id int);\n");
        try (Bulwark b = open()) {
            b.baseline("1", "adopted");
        }
        assertThat(rows("SELECT id, author, exectype, md5sum LIKE '9:%' FROM databasechangelog"))
                .containsExactly(List.of("1", "alice", "EXECUTED", "t"));
        assertThat(rows("SELECT locked FROM databasechangeloglock")).containsExactly(List.of("f"));
    }

    private void clearMigrations() throws IOException {
        try (var files = Files.walk(project.resolve("migrations"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void gooseTableHasGoosesShapeWithTheZeroRowAndRollbackDeletesTheVersion() throws IOException {
        write("00001_create_users.sql", "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, name text);\n\n-- +goose Down\nDROP TABLE users;\n");
        write("00002_touch.sql", "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n"
                + "    NEW.name := lower(NEW.name);\n    RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n\n"
                + "-- +goose Down\nDROP FUNCTION touch();\n");
        write("00003_index_users.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_name ON users (name);\n\n"
                + "-- +goose Down\nDROP INDEX CONCURRENTLY users_name;\n");
        try (Bulwark b = open()) {
            assertThat(b.migrate(null, false, false).applied()).hasSize(3);
            assertThat(b.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(MigrationState.APPLIED));
        }
        assertThat(columns("goose_db_version")).containsExactly(
                List.of("id", "integer", "true", "", "d"),
                List.of("version_id", "bigint", "true", "", ""),
                List.of("is_applied", "boolean", "true", "", ""),
                List.of("tstamp", "timestamp without time zone", "true", "now()", ""));
        assertThat(rows("SELECT id, version_id, is_applied, tstamp IS NOT NULL FROM goose_db_version ORDER BY id")).containsExactly(
                List.of("1", "0", "t", "t"), List.of("2", "1", "t", "t"), List.of("3", "2", "t", "t"), List.of("4", "3", "t", "t"));
        assertThat(rows("SELECT prosrc LIKE '%lower(NEW.name)%' FROM pg_proc WHERE proname = 'touch'")).containsExactly(List.of("t"));
        // what deploy --exec logs of the tool's history before and after
        assertThat(toolHistory()).contains("goose_db_version: 3");
        try (Bulwark b = open()) {
            b.rollback(2, null, false);
            assertThat(b.status()).extracting(MigrationStatus::state)
                    .containsExactly(MigrationState.APPLIED, MigrationState.PENDING, MigrationState.PENDING);
        }
        assertThat(rows("SELECT version_id, is_applied FROM goose_db_version ORDER BY id"))
                .containsExactly(List.of("0", "t"), List.of("1", "t"));
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
        }
        assertThat(rows("SELECT id, version_id FROM goose_db_version ORDER BY id"))
                .containsExactly(List.of("1", "0"), List.of("2", "1"), List.of("5", "2"), List.of("6", "3"));
    }

    @Test
    void gooseRefusesALowerVersionThanItsMaxUnlessOutOfOrderIsAllowed() throws IOException {
        write("00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n");
        write("00003_c.sql", "-- +goose Up\nCREATE TABLE c (id int);\n");
        exec("CREATE TABLE a (id int)");
        exec("CREATE TABLE c (id int)");
        exec("CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL,"
                + " tstamp timestamp NULL default now(), PRIMARY KEY(id))");
        exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (3, true)");
        write("00002_b.sql", "-- +goose Up\nCREATE TABLE b (id int);\n");
        try (Bulwark b = open()) {
            assertThat(b.status()).extracting(MigrationStatus::state)
                    .containsExactly(MigrationState.APPLIED, MigrationState.OUT_OF_ORDER, MigrationState.APPLIED);
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOf(BulwarkException.class)
                    .hasMessageContaining("00002 is out of order")
                    .hasMessageContaining("--out-of-order")
                    .hasMessageContaining("-allow-missing");
            assertThat(rows("SELECT count(*) FROM pg_class WHERE relname = 'b'")).containsExactly(List.of("0"));
            assertThat(b.migrate(null, false, true).applied()).extracting(dev.bulwark.execute.Applied::id).containsExactly("00002");
        }
        assertThat(rows("SELECT version_id FROM goose_db_version ORDER BY id"))
                .containsExactly(List.of("0"), List.of("1"), List.of("3"), List.of("2"));
    }

    @Test
    void gooseRowsFromOldGooseWithIsAppliedFalseReadAsNotApplied() throws IOException {
        write("00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n");
        exec("CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL,"
                + " tstamp timestamp NULL default now(), PRIMARY KEY(id))");
        exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (1, false)");
        try (Bulwark b = open()) {
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.PENDING);
        }
    }
}
