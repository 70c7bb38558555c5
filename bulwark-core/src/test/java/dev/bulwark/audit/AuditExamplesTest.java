package dev.bulwark.audit;

import dev.bulwark.audit.AuditReport.Action;
import dev.bulwark.audit.AuditReport.BlastRadius;
import dev.bulwark.audit.AuditReport.ChainNode;
import dev.bulwark.audit.AuditReport.Horizon;
import dev.bulwark.audit.AuditReport.Issue;
import dev.bulwark.audit.AuditReport.NodeStatus;
import dev.bulwark.audit.AuditReport.RollbackRow;
import dev.bulwark.audit.AuditReport.RollbackStatus;
import dev.bulwark.lint.LintConfig;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit of each sample project under examples/ holds what a careful reviewer lists for it
 * (the seeds' audits are the model): the graph of its migrations, its rollback table, every
 * problem with nothing spurious, the cascade graph edge by edge, and the action plan's order.
 */
class AuditExamplesTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    static AuditReport audit(String project) {
        ProjectLayout layout = ProjectLayout.locate(REPO.resolve(project));
        return new Auditor(MigrationSources.read(layout.migrationsDir(), null), layout.projectDir(), REPO,
                LintConfig.load(layout.projectDir()).options()).run();
    }

    static List<String> problems(AuditReport r) {
        return r.issues().stream().map(i -> i.file().replaceFirst("^examples/[^/]+/", "") + ":" + i.line() + " " + i.rule()).toList();
    }

    static List<String> edges(AuditReport r) {
        return r.chain().edges().stream().map(e -> e.parent() + "->" + e.child()).toList();
    }

    static List<String> fkEdges(AuditReport r) {
        return r.cascades().edges().stream().map(e -> e.parent() + "->" + e.child() + " " + e.onDelete()).toList();
    }

    static Map<String, RollbackStatus> rollback(AuditReport r) {
        return r.rollback().rows().stream().collect(Collectors.toMap(RollbackRow::migration, RollbackRow::status));
    }

    static BlastRadius radius(AuditReport r, String root) {
        return r.cascades().roots().stream().filter(b -> b.root().equals(root)).findFirst().orElseThrow();
    }

    static List<String> reached(BlastRadius b) {
        return b.reached().stream().map(x -> x.table() + "@" + x.depth()).toList();
    }

    @Test
    void alembicAuditDrawsTheBranchedChainWithTheEmptyFileAndListsEveryProblemOfTheSeedAudits() {
        AuditReport r = audit("examples/alembic-bot");

        assertThat(edges(r)).containsExactlyInAnyOrder("0001->0002", "0002->0003", "0003->0004",
                "0004->0005_analytics_fusion", "0004->0005_bot_ui_alerts");
        assertThat(r.chain().roots()).containsExactly("0001");
        assertThat(r.chain().heads()).containsExactlyInAnyOrder("0005_analytics_fusion", "0005_bot_ui_alerts");
        assertThat(r.chain().branchPoints()).containsExactly("0004");
        assertThat(r.chain().merges()).isEmpty();
        ChainNode broken = r.chain().nodes().stream().filter(n -> n.status() != NodeStatus.OK).findFirst().orElseThrow();
        assertThat(broken.id()).isEqualTo("performance_optimization_indexes.py");
        assertThat(broken.status()).isEqualTo(NodeStatus.EMPTY);
        assertThat(r.chain().problems()).anyMatch(p -> p.startsWith("2 heads")).anyMatch(p -> p.contains("performance_optimization_indexes.py is empty"));

        assertThat(rollback(r)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "0001", RollbackStatus.DATA_LOSING, "0002", RollbackStatus.COMPLETE, "0003", RollbackStatus.DATA_LOSING,
                "0004", RollbackStatus.COMPLETE, "0005_analytics_fusion", RollbackStatus.EMPTY,
                "0005_bot_ui_alerts", RollbackStatus.COMPLETE, "performance_optimization_indexes", RollbackStatus.NOT_APPLICABLE));
        assertThat(r.rollback().percent()).isEqualTo(83);

        assertThat(problems(r)).containsExactlyInAnyOrder(
                "alembic.ini:5 hardcoded-credentials",
                "alembic/env.py:15 single-transaction",
                "alembic/env.py:16 no-migration-lock",
                "alembic/versions/0001_initial_schema.py:28 cascade-delete",
                "alembic/versions/0001_initial_schema.py:36 cascade-chain",
                "alembic/versions/0001_initial_schema.py:36 cascade-delete",
                "alembic/versions/0001_initial_schema.py:45 data-losing-down",
                "alembic/versions/0003_payment_system.py:10 cascade-delete",
                "alembic/versions/0003_payment_system.py:10 missing-lock-timeout",
                "alembic/versions/0003_payment_system.py:19 cascade-chain",
                "alembic/versions/0003_payment_system.py:19 cascade-delete",
                "alembic/versions/0003_payment_system.py:30 data-losing-down",
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
                // downs are linted like ups: these are in downgrade(), which runs during an incident
                "alembic/versions/0003_payment_system.py:31 missing-lock-timeout",
                // the second DROP TABLE (payments) locks users again: only then do separate statements pile up locks
                "alembic/versions/0003_payment_system.py:32 several-hot-tables",
                // DROP INDEX CONCURRENTLY without IF EXISTS in the down's autocommit block fails when re-run
                "alembic/versions/0004_add_indexes.py:18 prefer-robust-stmts",
                "alembic/versions/0004_add_indexes.py:19 missing-lock-timeout",
                "alembic/versions/0004_add_indexes.py:19 require-concurrent-index-drop",
                "alembic/versions/0005_bot_ui_alerts.py:14 missing-lock-timeout",
                "alembic/versions/performance_optimization_indexes.py:1 empty-migration");

        assertThat(fkEdges(r)).containsExactlyInAnyOrder("users->channels CASCADE", "channels->scheduled_posts CASCADE",
                "users->payments CASCADE", "users->subscriptions CASCADE", "plans->users NO ACTION", "plans->subscriptions NO ACTION");
        BlastRadius users = radius(r, "users");
        assertThat(reached(users)).containsExactlyInAnyOrder("channels@1", "payments@1", "subscriptions@1", "scheduled_posts@2");
        assertThat(users.criticalReached()).containsExactlyInAnyOrder("payments", "subscriptions");
        assertThat(users.risk()).isEqualTo(RiskLevel.CRITICAL);
        assertThat(r.cascades().roots()).extracting(BlastRadius::root).containsExactly("users", "channels");

        assertThat(r.summary().overall()).isEqualTo(RiskLevel.CRITICAL);
        assertThat(r.configuration().credentials()).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo("sqlalchemy.url");
            assertThat(c.masked()).isEqualTo("postgresql://analytic:***@localhost:5433/analytic_bot");
        });
        List<String> now = r.actions().stream().filter(a -> a.horizon() == Horizon.NOW).map(Action::title).toList();
        assertThat(now).containsExactly(
                "Merge the Alembic heads 0005_analytics_fusion and 0005_bot_ui_alerts",
                "Delete the empty migration examples/alembic-bot/alembic/versions/performance_optimization_indexes.py",
                "Replace the cascading foreign key payments(user_id) → users with RESTRICT",
                "Replace the cascading foreign key subscriptions(user_id) → users with RESTRICT",
                "Remove the password from examples/alembic-bot/alembic.ini and rotate it");
        assertThat(r.summary().topActions()).extracting(Action::title).containsExactlyElementsOf(now.subList(0, 3));
        Action merge = r.actions().get(0);
        assertThat(merge.fix()).isEqualTo("alembic merge -m \"merge heads\" 0005_analytics_fusion 0005_bot_ui_alerts");
        assertThat(r.actions()).filteredOn(a -> a.title().contains("Write the down")).singleElement()
                .satisfies(a -> assertThat(a.fix()).contains("ALTER TABLE channels DROP COLUMN subscriber_count;"));
    }

    @Test
    void cascadeChainIntoPaymentsIsFixedWhereTheChainEntersPaymentsNotWhereTheStatementIs() {
        AuditReport r = audit("examples/alembic-bot");
        Issue chain = r.issues().stream().filter(i -> i.rule().equals("cascade-chain") && i.file().endsWith("0003_payment_system.py"))
                .findFirst().orElseThrow();
        assertThat(chain.fix()).contains("ALTER TABLE payments DROP CONSTRAINT payments_user_id_fkey")
                .contains("REFERENCES users (id) ON DELETE RESTRICT NOT VALID;")
                .contains("ALTER TABLE payments VALIDATE CONSTRAINT payments_user_id_fkey;");
        // one action restricts payments, for both the cascade-delete and the chain that reaches it
        assertThat(r.actions()).filteredOn(a -> a.title().contains("payments(user_id)")).singleElement()
                .satisfies(a -> assertThat(a.issues()).hasSize(2));
    }

    @Test
    void prismaAuditListsTheRequiredColumnUnindexedKeyCascadesAndNoDownsWithTheLinearChain() {
        AuditReport r = audit("examples/prisma-blog");
        assertThat(edges(r)).containsExactly("20240101000000->20240201000000", "20240201000000->20240301000000",
                "20240301000000->20240401000000", "20240401000000->20240501000000");
        assertThat(r.chain().heads()).containsExactly("20240501000000");
        assertThat(r.chain().nodes()).filteredOn(n -> n.status() == NodeStatus.EMPTY).extracting(ChainNode::id)
                .containsExactly("20240301000000");
        assertThat(r.rollback().percent()).isZero();
        assertThat(r.rollback().rows()).filteredOn(x -> x.status() == RollbackStatus.MISSING).hasSize(4);
        assertThat(problems(r)).contains(".env:2 hardcoded-credentials",
                "prisma/migrations/20240501000000_user_plan/migration.sql:2 add-required-column",
                "prisma/migrations/20240101000000_init/migration.sql:23 fk-without-index",
                "prisma/migrations 1 no-rollback-path".replace(" 1", ":1"))
                .doesNotContain("prisma/migrations/20240101000000_init/migration.sql:23 single-transaction")
                .hasSize(21);
        assertThat(fkEdges(r)).containsExactlyInAnyOrder("User->Channel CASCADE", "Channel->Post CASCADE");
        assertThat(reached(radius(r, "User"))).containsExactly("Channel@1", "Post@2");
        Issue required = r.issues().stream().filter(i -> i.rule().equals("add-required-column")).findFirst().orElseThrow();
        assertThat(required.risk()).isEqualTo(RiskLevel.CRITICAL);
        assertThat(required.fix()).contains("ALTER TABLE \"User\" ADD COLUMN plan text NOT NULL DEFAULT '<value>';");
        // ON DELETE CASCADE and ON UPDATE CASCADE of one key are one rewrite, one action
        assertThat(r.actions()).filteredOn(a -> a.title().contains("Channel(userId)")).singleElement()
                .satisfies(a -> assertThat(a.fix()).contains("ON DELETE RESTRICT NOT VALID").doesNotContain("ON UPDATE CASCADE"));
        assertThat(r.configuration().credentials()).singleElement()
                .satisfies(c -> assertThat(c.masked()).doesNotContain("hunter2").contains("blog:***@"));
    }

    @Test
    void flywayAuditFindsTheCascadeIntoPaymentsButNotSubscriptionsWhichRestricts() {
        AuditReport r = audit("examples/flyway-payments");
        assertThat(r.chain().nodes()).hasSize(7);
        assertThat(r.chain().nodes()).filteredOn(n -> n.status() == NodeStatus.EMPTY).extracting(ChainNode::id).containsExactly("5");
        assertThat(fkEdges(r)).containsExactlyInAnyOrder("users->channels CASCADE", "channels->posts CASCADE",
                "users->payments CASCADE", "users->subscriptions RESTRICT");
        BlastRadius users = radius(r, "users");
        assertThat(reached(users)).containsExactlyInAnyOrder("channels@1", "payments@1", "posts@2");
        assertThat(users.criticalReached()).containsExactly("payments");
        assertThat(problems(r)).containsExactlyInAnyOrder(
                "flyway.conf:4 hardcoded-credentials",
                "sql/V2__create_channels_and_posts.sql:1 missing-lock-timeout",
                "sql/V2__create_channels_and_posts.sql:3 cascade-delete",
                "sql/V2__create_channels_and_posts.sql:8 cascade-chain",
                "sql/V2__create_channels_and_posts.sql:10 cascade-delete",
                "sql/V3__payments_and_subscriptions.sql:1 cascade-chain",
                "sql/V3__payments_and_subscriptions.sql:1 missing-lock-timeout",
                "sql/V3__payments_and_subscriptions.sql:3 cascade-delete",
                "sql/V4__index_posts_by_date.sql:2 require-concurrent-index",
                "sql/V5__placeholder.sql:1 empty-migration",
                "sql:1 no-rollback-path");
        // V4 and V6 set lock_timeout themselves, but V2 and V3 create tables whose foreign keys wait for
        // SHARE ROW EXCLUSIVE on users with no lock_timeout: the setting is worth a warning
        assertThat(r.configuration().settings()).filteredOn(s -> s.name().equals("lock timeout")).singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo(AuditReport.SettingStatus.WARN));
        assertThat(r.tables()).filteredOn(t -> t.table().equals("subscriptions")).singleElement()
                .satisfies(t -> assertThat(t.inboundCascades()).isEmpty());
    }

    @Test
    void bulwarkShopAuditIsCleanButForTheLossyRollbacksOfCustomersAndOrders() {
        // the status check is validated in a migration of its own (it once was not: lint and audit found it)
        AuditReport r = audit("examples/shop");
        // customers (accounts) and orders (money) are equally critical: dropping either in a down loses rows
        assertThat(problems(r)).containsExactlyInAnyOrder(
                "migrations/20260101090000_create_customers.sql:10 data-losing-down",
                "migrations/20260102090000_create_orders.sql:10 data-losing-down");
        assertThat(r.rollback().percent()).isEqualTo(100);
        assertThat(fkEdges(r)).containsExactly("customers->orders RESTRICT");
        assertThat(r.cascades().roots()).isEmpty();
        assertThat(r.configuration().credentials()).isEmpty();
        assertThat(r.summary().overall()).isEqualTo(RiskLevel.HIGH);
    }
}
