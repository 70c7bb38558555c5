package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample projects under examples/ are modeled on real audits; each must produce exactly the
 * findings a careful reviewer would list (file:line rule), nothing missing and nothing spurious.
 */
class LintExamplesTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private static List<String> findings(String dir) throws Exception {
        Cli r = Cli.run(REPO, "lint", dir, "-o", "json");
        assertThat(r.err()).isEmpty();
        List<String> out = new ArrayList<>();
        for (JsonNode f : new ObjectMapper().readTree(r.out()).get("findings")) {
            String file = f.get("file").asText().split("/", 3)[2];
            out.add(file + ":" + f.get("line").asInt() + " " + f.get("rule").asText());
        }
        return out;
    }

    @Test
    void alembicProjectFindsCredentialsCascadesBlockingIndexHeadsMissingDowngradeAndEmptyFile() throws Exception {
        assertThat(findings("examples/alembic-bot/alembic")).containsExactlyInAnyOrder(
                "alembic.ini:5 hardcoded-credentials",
                "alembic/versions/0001_initial_schema.py:28 cascade-delete",
                "alembic/versions/0001_initial_schema.py:36 cascade-chain",
                "alembic/versions/0001_initial_schema.py:36 cascade-delete",
                "alembic/versions/0003_payment_system.py:10 cascade-delete",
                "alembic/versions/0003_payment_system.py:10 missing-lock-timeout",
                "alembic/versions/0003_payment_system.py:19 cascade-chain",
                "alembic/versions/0003_payment_system.py:19 cascade-delete",
                "alembic/versions/0004_add_indexes.py:10 missing-lock-timeout",
                "alembic/versions/0004_add_indexes.py:10 require-concurrent-index",
                "alembic/versions/0004_add_indexes.py:12 prefer-robust-stmts",
                "alembic/versions/0005_analytics_fusion.py:5 multiple-heads",
                "alembic/versions/0005_analytics_fusion.py:10 missing-lock-timeout",
                "alembic/versions/0005_analytics_fusion.py:11 statements-after-access-exclusive",
                "alembic/versions/0005_analytics_fusion.py:11 unbounded-dml",
                "alembic/versions/0005_analytics_fusion.py:14 missing-down",
                "alembic/versions/0005_bot_ui_alerts.py:5 multiple-heads",
                "alembic/versions/0005_bot_ui_alerts.py:10 missing-lock-timeout",
                "alembic/versions/performance_optimization_indexes.py:1 empty-migration",
                // downs are linted like ups: these are in downgrade()
                "alembic/versions/0003_payment_system.py:31 missing-lock-timeout",
                // the second DROP TABLE (payments) locks users again: only then do separate statements pile up locks
                "alembic/versions/0003_payment_system.py:32 several-hot-tables",
                // DROP INDEX CONCURRENTLY without IF EXISTS in the down's autocommit block fails when re-run
                "alembic/versions/0004_add_indexes.py:18 prefer-robust-stmts",
                "alembic/versions/0004_add_indexes.py:19 missing-lock-timeout",
                "alembic/versions/0004_add_indexes.py:19 require-concurrent-index-drop",
                "alembic/versions/0005_bot_ui_alerts.py:14 missing-lock-timeout");
    }

    @Test
    void prismaProjectFindsCascadesUnindexedFkBlockingIndexRequiredColumnEmptyFileAndEnvPassword() throws Exception {
        assertThat(findings("examples/prisma-blog/prisma/migrations")).containsExactlyInAnyOrder(
                ".env:2 hardcoded-credentials",
                "prisma/migrations/20240101000000_init/migration.sql:3 prefer-identity",
                "prisma/migrations/20240101000000_init/migration.sql:5 prefer-timestamptz",
                "prisma/migrations/20240101000000_init/migration.sql:12 prefer-identity",
                "prisma/migrations/20240101000000_init/migration.sql:13 prefer-bigint",
                "prisma/migrations/20240101000000_init/migration.sql:23 cascade-delete",
                "prisma/migrations/20240101000000_init/migration.sql:23 fk-without-index",
                "prisma/migrations/20240101000000_init/migration.sql:23 update-cascade",
                "prisma/migrations/20240201000000_posts/migration.sql:3 prefer-identity",
                "prisma/migrations/20240201000000_posts/migration.sql:4 prefer-bigint",
                "prisma/migrations/20240201000000_posts/migration.sql:6 prefer-timestamptz",
                "prisma/migrations/20240201000000_posts/migration.sql:15 cascade-chain",
                "prisma/migrations/20240201000000_posts/migration.sql:15 missing-lock-timeout",
                "prisma/migrations/20240201000000_posts/migration.sql:15 cascade-delete",
                "prisma/migrations/20240201000000_posts/migration.sql:15 update-cascade",
                "prisma/migrations/20240301000000_nothing/migration.sql:1 empty-migration",
                "prisma/migrations/20240401000000_index_published/migration.sql:2 missing-lock-timeout",
                "prisma/migrations/20240401000000_index_published/migration.sql:2 require-concurrent-index",
                "prisma/migrations/20240501000000_user_plan/migration.sql:2 missing-lock-timeout",
                "prisma/migrations/20240501000000_user_plan/migration.sql:2 add-required-column");
    }

    @Test
    void flywayProjectFindsCascadeChainIntoPaymentsBlockingIndexEmptyFileAndConfPassword() throws Exception {
        assertThat(findings("examples/flyway-payments/sql")).containsExactlyInAnyOrder(
                "flyway.conf:4 hardcoded-credentials",
                "sql/V2__create_channels_and_posts.sql:1 missing-lock-timeout",
                "sql/V2__create_channels_and_posts.sql:3 cascade-delete",
                "sql/V2__create_channels_and_posts.sql:8 cascade-chain",
                "sql/V2__create_channels_and_posts.sql:10 cascade-delete",
                "sql/V3__payments_and_subscriptions.sql:1 cascade-chain",
                "sql/V3__payments_and_subscriptions.sql:1 missing-lock-timeout",
                "sql/V3__payments_and_subscriptions.sql:3 cascade-delete",
                "sql/V4__index_posts_by_date.sql:2 require-concurrent-index",
                "sql/V5__placeholder.sql:1 empty-migration");
    }

    @Test
    void shopSampleTheReadmeStartsWithHasNoErrors() throws Exception {
        // Today it has one warning: VALIDATE CONSTRAINT in the transaction that added the constraint.
        Cli r = Cli.run(REPO, "lint", "examples/shop/migrations", "-o", "json");
        for (JsonNode f : new ObjectMapper().readTree(r.out()).get("findings")) {
            assertThat(f.get("severity").asText()).as(f.toString()).isNotEqualTo("error");
        }
        assertThat(Cli.run(REPO, "lint", "examples/shop/migrations").exit()).isEqualTo(0);
    }
}
