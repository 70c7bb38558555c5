package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgToolsTest {
    @TempDir
    Path dir;

    private Path fake(String folder, String version) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(folder));
        Path p = bin.resolve("pg_dump");
        Files.writeString(p, "#!/bin/sh\necho 'pg_dump (PostgreSQL) " + version + "'\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return bin;
    }

    @Test
    void aPgDumpOlderThanTheServerIsRefusedNamingThePackageToInstall() throws IOException {
        Path old = fake("old", "13.4");
        assertThatThrownBy(() -> new PgTools(old, Map.of("PATH", old.toString())).find("pg_dump", 15))
                .isInstanceOf(BulwarkException.class)
                .hasMessageContaining("is pg_dump 13.4, older than the server (PostgreSQL 15)")
                .satisfies(e -> assertThat(((BulwarkException) e).fix()).contains("postgresql-client-15").contains("--pg-bin"));
    }

    @Test
    void theSameMajorIsPreferredOverANewerOneOnThePath() throws IOException {
        Path newer = fake("newer", "17.2");
        Path same = fake("same", "15.8");
        PgTools tools = new PgTools(null, Map.of("PATH", newer + ":" + same));
        assertThat(tools.find("pg_dump", 15).path()).isEqualTo(same.resolve("pg_dump"));
        assertThat(tools.find("pg_dump", 16).path()).isEqualTo(newer.resolve("pg_dump"));
    }

    @Test
    void theEnvironmentForAToolCarriesThePasswordOnlyInPgpassword() {
        ConnectionSpec spec = new ConnectionSpec("jdbc:postgresql://db.example:6543/app?sslmode=require", "alice", "s3cret", Map.of());
        Map<String, String> env = spec.libpqEnvironment();
        assertThat(env).containsEntry("PGHOST", "db.example").containsEntry("PGPORT", "6543").containsEntry("PGDATABASE", "app")
                .containsEntry("PGUSER", "alice").containsEntry("PGPASSWORD", "s3cret").containsEntry("PGSSLMODE", "require");
        assertThat(env.entrySet()).filteredOn(e -> !e.getKey().equals("PGPASSWORD")).allSatisfy(e -> assertThat(e.getValue()).doesNotContain("s3cret"));
    }
}
