package dev.bulwark.deploy;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.backup.Backups;
import dev.bulwark.Listener;
import dev.bulwark.pg.PgTools;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark deploy} over the formats whose history table Bulwark writes for the tool (diesel,
 * goose, Liquibase): the row the tool's table gains is the deploy's own doing, not an unexpected
 * data change, so a deploy that applies a migration is deployed and the tool's table records it.
 */
class ToolHistoryDeployIT {
    @TempDir
    Path project;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("tooldeploy");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void write(String relative, String content) throws IOException {
        Path p = project.resolve("migrations").resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private DeployReport deploy() {
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofSeconds(2), null, Duration.ofSeconds(5), null);
        try (Bulwark b = Bulwark.open(c, db.spec(), Listener.SILENT)) {
            DeploySettings d = DeploySettings.defaults(project);
            DeploySettings s = new DeploySettings(Duration.ZERO, null, null, false, d.backupMaxAge(), d.snapshotRetention(), null, null,
                    project.resolve("reports"), d.longQuery(), d.idleInTransaction(), 0, d.maxReplicationLag(), 0, d.maxXidAge());
            Backups backups = new Backups(project.resolve("backups"), new PgTools(null, System.getenv()), "public", Listener.SILENT);
            return new Deployer(b, s, backups, new Deployer.Options(true, null, List.of(), Set.of(), "test"), Listener.SILENT).run();
        }
    }

    private String single(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void dieselDeploysRecordEachVersionInDieselsTable() throws Exception {
        write("2023-01-01-000000_create_users/up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
        write("2023-01-01-000000_create_users/down.sql", "DROP TABLE users;\n");
        DeployReport first = deploy();
        assertThat(first.outcome()).as(first.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        write("2023-01-02-000000_create_orders/up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
        write("2023-01-02-000000_create_orders/down.sql", "DROP TABLE orders;\n");
        DeployReport second = deploy();
        assertThat(second.outcome()).as(second.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        assertThat(single("SELECT string_agg(version, ',' ORDER BY version) FROM __diesel_schema_migrations"))
                .isEqualTo("20230101000000,20230102000000");
    }

    @Test
    void gooseDeploysRecordEachVersionInGoosesTable() throws Exception {
        write("00001_create_users.sql", "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE users;\n");
        DeployReport first = deploy();
        assertThat(first.outcome()).as(first.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        write("00002_create_orders.sql", "-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE orders;\n");
        DeployReport second = deploy();
        assertThat(second.outcome()).as(second.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        assertThat(single("SELECT string_agg(version_id::text, ',' ORDER BY id) FROM goose_db_version WHERE is_applied"))
                .isEqualTo("0,1,2");
    }

    @Test
    void liquibaseDeploysRecordEachChangesetInDatabasechangelog() throws Exception {
        String first = "--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE users (id bigint PRIMARY KEY);\n--rollback DROP TABLE users;\n";
        write("changelog.sql", first);
        DeployReport one = deploy();
        assertThat(one.outcome()).as(one.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        write("changelog.sql", first + "\n--changeset alice:2\nCREATE TABLE orders (id bigint PRIMARY KEY);\n--rollback DROP TABLE orders;\n");
        DeployReport two = deploy();
        assertThat(two.outcome()).as(two.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        assertThat(single("SELECT string_agg(id, ',' ORDER BY orderexecuted) FROM databasechangelog")).isEqualTo("1,2");
        assertThat(single("SELECT locked::text FROM databasechangeloglock")).isEqualTo("false");
        // what deploy --exec logs of the tool's history before and after its run
        try (Connection c = db.open()) {
            assertThat(ExternalTool.history(c)).contains("databasechangelog: 2 run, last alice:2");
        }
    }
}
