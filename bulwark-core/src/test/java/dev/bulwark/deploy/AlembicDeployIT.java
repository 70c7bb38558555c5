package dev.bulwark.deploy;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.backup.Backups;
import dev.bulwark.Listener;
import dev.bulwark.pg.PgTools;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
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
 * {@code bulwark deploy --exec} with a real Alembic (Debian: python3-alembic, python3-psycopg2).
 * Skipped, with the reason printed, where they are not installed.
 */
class AlembicDeployIT {
    static final String PYTHON = "/usr/bin/python3";
    static String alembic;

    @TempDir
    Path project;

    TestDatabase db;

    @BeforeAll
    static void findAlembic() throws Exception {
        String reason = null;
        if (!Files.isExecutable(Path.of(PYTHON))) {
            reason = PYTHON + " is missing";
        } else {
            Process p = new ProcessBuilder(PYTHON, "-c", "import alembic, psycopg2").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                reason = "Alembic or psycopg2 is not importable by " + PYTHON + " (" + out.strip().lines().reduce((a, b) -> b).orElse("")
                        + "): apt-get install python3-alembic python3-psycopg2";
            }
        }
        if (reason != null) {
            System.out.println("AlembicDeployIT skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        alembic = PYTHON + " -m alembic";
    }

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("alembic");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void alembicProject(boolean perMigration, String... revisions) throws IOException {
        Files.writeString(project.resolve("alembic.ini"), "[alembic]\nscript_location = alembic\n");
        Path versions = Files.createDirectories(project.resolve("alembic/versions"));
        Files.writeString(project.resolve("alembic/env.py"), """
                import os
                from alembic import context
                from sqlalchemy import create_engine
                engine = create_engine(os.environ["DATABASE_URL"])
                with engine.connect() as connection:
                    context.configure(connection=connection, target_metadata=None, transaction_per_migration=%s)
                    with context.begin_transaction():
                        context.run_migrations()
                """.formatted(perMigration ? "True" : "False"));
        String down = null;
        for (int i = 0; i < revisions.length; i += 2) {
            String rev = String.format("%04d", i / 2 + 1);
            Files.writeString(versions.resolve(rev + ".py"), """
                    from alembic import op
                    revision = %s
                    down_revision = %s
                    branch_labels = None
                    depends_on = None
                    def upgrade():
                        op.execute(%s)
                    def downgrade():
                        op.execute(%s)
                    """.formatted(q(rev), down == null ? "None" : q(down), q(revisions[i]), q(revisions[i + 1])));
            down = rev;
        }
    }

    private static String q(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private DeployReport deploy(String exec, String rollback) {
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofMillis(750), null, null, null);
        try (Bulwark b = Bulwark.open(c, db.spec(), Listener.SILENT)) {
            DeploySettings d = DeploySettings.defaults(project);
            DeploySettings s = new DeploySettings(Duration.ZERO, null, null, false, d.backupMaxAge(), d.snapshotRetention(), null, null,
                    project.resolve("reports"), d.longQuery(), d.idleInTransaction(), 0, d.maxReplicationLag(), 0, d.maxXidAge());
            Backups backups = new Backups(project.resolve("backups"), new PgTools(null, System.getenv()), "public", Listener.SILENT);
            return new Deployer(b, s, backups, new Deployer.Options(true, null, List.of(), Set.of(), "test", exec, rollback), Listener.SILENT).run();
        }
    }

    private String single(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void alembicUpgradeRunsInsideThePipelineWithBulwarksLockTimeout() throws Exception {
        alembicProject(false,
                "CREATE TABLE items (id int PRIMARY KEY, name text)", "DROP TABLE items",
                "CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('application_name') AS app", "DROP TABLE seen");
        DeployReport r = deploy(alembic + " upgrade head", null);
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        assertThat(single("SELECT version_num FROM alembic_version")).isEqualTo("0002");
        assertThat(single("SELECT lock_timeout FROM seen")).isEqualTo("750ms");
        assertThat(single("SELECT app FROM seen")).isEqualTo("bulwark-exec");
        DeployReport.Stage apply = r.stages().stream().filter(s -> s.name().equals("apply")).findFirst().orElseThrow();
        assertThat(apply.details()).contains("history before: no history table", "history after: alembic_version: 0002");
    }

    @Test
    void aFailingAlembicRevisionIsUndoneByTheRollbackCommandAndExits4() throws Exception {
        alembicProject(true,
                "CREATE TABLE items (id int PRIMARY KEY)", "DROP TABLE items",
                "SELECT 1 / 0", "SELECT 1");
        DeployReport r = deploy(alembic + " upgrade head", alembic + " downgrade base");
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.ROLLED_BACK);
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(single("SELECT to_regclass('public.items')::text")).isNull();
        DeployReport.Stage rollback = r.stages().get(r.stages().size() - 1);
        assertThat(rollback.details()).anyMatch(l -> l.contains("downgrade base' succeeded"));
    }

    @Test
    void withoutARollbackCommandACommittedAlembicRevisionIsNotRolledBack() throws Exception {
        alembicProject(true,
                "CREATE TABLE items (id int PRIMARY KEY)", "DROP TABLE items",
                "SELECT 1 / 0", "SELECT 1");
        DeployReport r = deploy(alembic + " upgrade head", null);
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.NOT_ROLLED_BACK);
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.todo()).contains("bulwark backup restore");
    }
}
