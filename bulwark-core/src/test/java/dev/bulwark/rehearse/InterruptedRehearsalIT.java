package dev.bulwark.rehearse;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C (SIGTERM/SIGINT) in the middle of a rehearsal still drops the scratch database. */
class InterruptedRehearsalIT {
    @TempDir
    Path project;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("interrupted");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String value(String sql) throws Exception {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void interruptedRehearsalDropsItsScratchDatabase() throws Exception {
        Files.createDirectories(project.resolve("migrations"));
        Files.writeString(project.resolve("migrations/001_slow.sql"), "-- bulwark:up\nCREATE TABLE t (id int);\nSELECT pg_sleep(60);\n");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RehearseMain.class.getName(),
                project.toString(), db.spec().jdbcUrl(), db.spec().user())
                .redirectErrorStream(true).redirectOutput(project.resolve("child.log").toFile()).start();
        String sleeping = "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'bulwark_rehearsal_%' AND query LIKE 'SELECT pg_sleep%'";
        for (int i = 0; i < 200 && "0".equals(value(sleeping)); i++) {
            Thread.sleep(100);
        }
        assertThat(value(sleeping)).as(Files.readString(project.resolve("child.log"))).isEqualTo("1");
        child.destroy(); // SIGTERM: shutdown hooks run, as on Ctrl-C
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(value("SELECT count(*) FROM pg_database WHERE datname LIKE 'bulwark_rehearsal_%'")).isEqualTo("0");
    }
}
