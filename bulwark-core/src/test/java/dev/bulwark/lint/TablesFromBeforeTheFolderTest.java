package dev.bulwark.lint;

import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Migrations that change tables no migration in the folder created (a baseline, another tool's history). */
class TablesFromBeforeTheFolderTest {
    @TempDir
    Path project;

    private LintResult lint(String... files) throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        for (int i = 0; i < files.length; i++) {
            Files.writeString(m.resolve(String.format("%03d_m.sql", i + 1)), "-- bulwark:up\n" + files[i] + "\n-- bulwark:down\nSELECT 1;\n");
        }
        return Linter.standard(LintOptions.defaults()).lint(MigrationSources.read(m, null), project);
    }

    @Test
    void setNotNullAfterAValidatedCheckOnAnUnknownTableIsNotReported() throws Exception {
        LintResult r = lint("ALTER TABLE accounts ADD CONSTRAINT accounts_status_nn CHECK (status IS NOT NULL) NOT VALID;",
                "ALTER TABLE accounts VALIDATE CONSTRAINT accounts_status_nn;",
                "ALTER TABLE accounts ALTER COLUMN status SET NOT NULL;");
        assertThat(r.findings()).extracting(Finding::ruleId).doesNotContain("set-not-null");
    }

    @Test
    void setNotNullOnAnUnknownTableWithoutTheCheckIsStillReported() throws Exception {
        assertThat(lint("ALTER TABLE accounts ALTER COLUMN status SET NOT NULL;").findings())
                .extracting(Finding::ruleId).contains("set-not-null");
    }

    @Test
    void indexBuiltEarlierCoversAForeignKeyOnAnUnknownTable() throws Exception {
        LintResult r = lint("CREATE INDEX CONCURRENTLY accounts_customer_idx ON accounts (customer_id);",
                "ALTER TABLE accounts ADD CONSTRAINT accounts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;");
        assertThat(r.findings()).extracting(Finding::ruleId).doesNotContain("fk-without-index");
    }
}
