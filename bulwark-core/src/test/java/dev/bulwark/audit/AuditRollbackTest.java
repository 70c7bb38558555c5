package dev.bulwark.audit;

import dev.bulwark.audit.AuditReport.RollbackRow;
import dev.bulwark.audit.AuditReport.RollbackStatus;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Rollback verdicts: consistent across tables of one criticality, and honest where the tool has no rollbacks. */
class AuditRollbackTest {
    @Test
    void theSameDownOnTablesOfTheSameCriticalityGetsTheSameVerdict(@TempDir Path project) throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        // users (accounts) and payments (money) are both critical: dropping either in a down loses rows written since
        for (String t : new String[]{"users", "payments"}) {
            String v = t.equals("users") ? "1" : "2";
            Files.writeString(m.resolve(v + "_" + t + ".sql"), "-- migrate:up\nCREATE TABLE " + t
                    + " (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE " + t + ";\n");
        }
        Files.writeString(m.resolve("3_tags.sql"), "-- migrate:up\nCREATE TABLE tags (id bigint PRIMARY KEY);\n\n"
                + "-- migrate:down\nDROP TABLE tags;\n");
        AuditReport r = new Auditor(MigrationSources.read(m, null), project, project, LintOptions.defaults()).run();
        assertThat(r.rollback().rows()).extracting(RollbackRow::status)
                .containsExactly(RollbackStatus.DATA_LOSING, RollbackStatus.DATA_LOSING, RollbackStatus.COMPLETE);
        assertThat(r.rollback().rows().get(0).risk()).isEqualTo(r.rollback().rows().get(1).risk());
    }

    @Test
    void aFlywayProjectWithoutUndoFilesHasNoCoveragePercentageButSaysWhy(@TempDir Path project) throws Exception {
        Path m = Files.createDirectories(project.resolve("sql"));
        Files.writeString(m.resolve("V1__init.sql"), "CREATE TABLE users (id bigint PRIMARY KEY);\n");
        Files.writeString(m.resolve("V2__email.sql"), "ALTER TABLE users ADD COLUMN email text;\n");
        AuditReport r = new Auditor(MigrationSources.read(m, null), project, project, LintOptions.defaults()).run();
        assertThat(r.rollback().unavailable()).isEqualTo("not available in Flyway Community");
        String md = AuditFormat.MARKDOWN.render(r);
        assertThat(md).contains("Rollback coverage: **not available in Flyway Community**").doesNotContain("**0%**");
        assertThat(AuditFormat.HTML.render(r)).contains("not available in Flyway Community").doesNotContain(">0%<");

        Files.writeString(m.resolve("U2__email.sql"), "ALTER TABLE users DROP COLUMN email;\n");
        AuditReport withUndo = new Auditor(MigrationSources.read(m, null), project, project, LintOptions.defaults()).run();
        assertThat(withUndo.rollback().unavailable()).isNull();
        assertThat(withUndo.rollback().percent()).isEqualTo(50);
    }
}
