package dev.bulwark.audit;

import dev.bulwark.lint.LintOptions;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** An audit of a set of sixty migrations completes and renders in every format (its speed: bench/audit.sh). */
class AuditOfSixtyMigrationsTest {
    @Test
    void auditOfSixtyMigrationsCountsThemFindsTheCascadeRootAndRendersInEveryFormat(@TempDir Path project) throws Exception {
        Path dir = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(dir.resolve("0001_users.sql"), "-- bulwark:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                + "-- bulwark:down\nDROP TABLE users;\n");
        for (int i = 2; i <= 60; i++) {
            String up = switch (i % 4) {
                case 0 -> "CREATE TABLE t" + i + " (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE);";
                case 1 -> "CREATE INDEX users_email_" + i + "_idx ON users (email);";
                case 2 -> "ALTER TABLE users ADD COLUMN c" + i + " text;\nUPDATE users SET c" + i + " = email;";
                default -> "ALTER TABLE users ALTER COLUMN email TYPE varchar(" + (100 + i) + ");";
            };
            Files.writeString(dir.resolve(String.format("%04d_m%d.sql", i, i)), "-- bulwark:up\n" + up + "\n-- bulwark:down\n");
        }
        AuditReport r = new Auditor(MigrationSources.read(dir, null), project, project, LintOptions.defaults()).run();
        for (AuditFormat f : AuditFormat.values()) {
            assertThat(f.render(r)).isNotEmpty();
        }
        assertThat(r.summary().migrations()).isEqualTo(60);
        assertThat(r.cascades().roots()).extracting(AuditReport.BlastRadius::root).contains("users");
    }
}
