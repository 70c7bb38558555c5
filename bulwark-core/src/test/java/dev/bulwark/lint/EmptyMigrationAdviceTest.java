package dev.bulwark.lint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** empty-migration never advises deleting a file a database may have applied, and real but unreadable work is not emptiness. */
class EmptyMigrationAdviceTest {
    @TempDir
    Path dir;

    private static final String PROJECT = """
            -- file: migrations/V1__init.sql
            CREATE TABLE t (a int);
            -- file: migrations/V2__nothing.sql
            -- to do
            """;

    private List<Finding> empty(String history) throws Exception {
        LintFixtures.write(PROJECT, dir);
        if (history != null) {
            Files.writeString(dir.resolve("history.txt"), history);
        }
        return LintFixtures.lint(dir, LintFixtures.options(dir)).findings().stream()
                .filter(f -> f.ruleId().equals("empty-migration")).toList();
    }

    @Test
    void withoutADatabaseTheHelpSaysNotToDeleteWhatMayBeApplied() throws Exception {
        assertThat(empty(null)).singleElement().satisfies(f -> assertThat(f.help())
                .startsWith("do not delete it if it may already be applied anywhere").contains("explicit no-op"));
    }

    @Test
    void withTheTargetsHistoryTheHelpSaysWhetherItIsApplied() throws Exception {
        assertThat(empty("1 APPLIED\n2 APPLIED\n")).singleElement().satisfies(f -> assertThat(f.help())
                .startsWith("it is applied on the target database, so do not delete or renumber it"));
    }

    @Test
    void aPendingEmptyMigrationMayBeGivenContentButDeletionIsStillGuarded() throws Exception {
        assertThat(empty("1 APPLIED\n2 PENDING\n")).singleElement().satisfies(f -> assertThat(f.help())
                .startsWith("it is not applied on the target database")
                .contains("delete it only if no other database has applied it either"));
    }

    @Test
    void anAlembicUpgradeThatOnlyBulkInsertsIsAnInfoPointingToRenderCmdNotAnEmptyMigration() throws Exception {
        Path versions = Files.createDirectories(dir.resolve("migrations/versions"));
        Files.writeString(versions.resolve("a1_seed.py"), """
                revision = 'a1'  # seed
                down_revision = None

                def upgrade():
                    plans = sa.table('plans', sa.column('code', sa.String))
                    op.bulk_insert(plans, [{'code': 'free'}, {'code': 'pro'}])

                def downgrade():
                    op.execute("DELETE FROM plans WHERE code IN ('free', 'pro')")
                """);
        List<Finding> fs = LintFixtures.lint(dir, LintOptions.defaults()).findings().stream()
                .filter(f -> f.ruleId().equals("empty-migration")).toList();
        assertThat(fs).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.line()).isEqualTo(6);
            assertThat(f.message()).contains("cannot read statically (op.bulk_insert(…) at line 6)").doesNotContain("is empty");
            assertThat(f.help()).contains("--render-cmd 'alembic upgrade head --sql'");
        });
    }
}
