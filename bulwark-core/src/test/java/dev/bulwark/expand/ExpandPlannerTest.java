package dev.bulwark.expand;

import dev.bulwark.BulwarkException;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationOptions.Phase;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpandPlannerTest {
    private static final String ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, amount integer, total integer NOT NULL);";

    @TempDir
    Path dir;

    private ExpandPlan plan(String... ups) throws Exception {
        return plan(16, ups);
    }

    private ExpandPlan plan(int pg, String... ups) throws Exception {
        MigrationSet set = write(ups);
        return ExpandPlanner.plan(set.migrations(), last(set), pg);
    }

    private MigrationSet write(String... ups) throws Exception {
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        for (int i = 0; i < ups.length; i++) {
            Files.writeString(dir.resolve(String.format("%04d_m%d.sql", i + 1, i + 1)), "-- bulwark:up\n" + ups[i] + "\n");
        }
        return MigrationSources.read(dir, MigrationFormat.BULWARK);
    }

    private static Migration last(MigrationSet set) {
        return set.migrations().get(set.migrations().size() - 1);
    }

    private static String allUp(ExpandPlan p) {
        return String.join("\n", p.migrations().stream().map(PlannedMigration::up).toList());
    }

    @Test
    void typeChangeWithUsingComputesTheNewColumnFromTheTriggersNewRowAndInTheBackfill() throws Exception {
        ExpandPlan p = plan(ORDERS, "ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12, 2) USING amount / 100.0;");
        assertThat(p.kind()).isEqualTo(ExpandPlan.Kind.TYPE_CHANGE);
        assertThat(p.migrations().get(0).up()).contains("ADD COLUMN amount_new numeric(12, 2);")
                .contains("NEW.amount_new := NEW.amount / 100.0;");
        assertThat(p.migrations().get(1).up()).isEqualTo("-- bulwark:backfill\n"
                + "UPDATE orders SET amount_new = amount / 100.0 WHERE amount_new IS NULL;\n");
        assertThat(p.migrations().get(1).directives()).containsExactly("no-transaction");
        // a nullable column needs no NOT NULL check: expand, backfill, then swap and drop
        assertThat(p.migrations()).extracting(PlannedMigration::phase)
                .containsExactly(Phase.EXPAND, Phase.EXPAND, Phase.CONTRACT, Phase.CONTRACT);
        assertThat(allUp(p)).doesNotContain("NOT VALID").doesNotContain("DROP NOT NULL");
        assertThat(p.migrations().get(2).directives()).containsExactly("lock-timeout 2s");
        assertThat(p.migrations().get(2).reversible()).isFalse();
        assertThat(p.migrations().get(0).down()).contains("DROP COLUMN IF EXISTS amount_new");
    }

    @Test
    void typeChangeOfANotNullColumnValidatesACheckSoTheSwapSetsNotNullWithoutAScan() throws Exception {
        ExpandPlan p = plan(ORDERS, "ALTER TABLE orders ALTER COLUMN total TYPE bigint;");
        assertThat(p.migrations()).extracting(PlannedMigration::name).containsExactly("expand orders total add total_new",
                "backfill orders total_new", "validate orders total_new not null", "contract orders total swap to total_new",
                "contract orders drop total_old");
        assertThat(p.migrations().get(0).up()).contains("CHECK (total_new IS NOT NULL) NOT VALID")
                .endsWith("ALTER TABLE orders ADD COLUMN total_new bigint,\n    ADD CONSTRAINT orders_total_new_not_null CHECK (total_new IS"
                        + " NOT NULL) NOT VALID;\n");
        assertThat(p.migrations().get(3).up()).contains("ALTER COLUMN total_new SET NOT NULL")
                .contains("ALTER COLUMN total DROP NOT NULL").contains("RENAME COLUMN total TO total_old");
        assertThat(plan(11, ORDERS, "ALTER TABLE orders ALTER COLUMN total TYPE bigint;").notes())
                .anyMatch(n -> n.contains("PostgreSQL 11 scans the table for SET NOT NULL"));
    }

    @Test
    void namesThatNeedQuotesAreQuotedEverywhere() throws Exception {
        ExpandPlan p = plan("CREATE TABLE \"Order\" (id bigint PRIMARY KEY, \"Amount\" integer);",
                "ALTER TABLE \"Order\" ALTER COLUMN \"Amount\" TYPE bigint;");
        assertThat(allUp(p)).contains("ALTER TABLE \"Order\" ADD COLUMN \"Amount_new\" bigint;")
                .contains("NEW.\"Amount_new\" := NEW.\"Amount\";").contains("RENAME COLUMN \"Amount\" TO \"Amount_old\"");
    }

    @Test
    void renameSyncsBothWaysAndTakesTheTypeFromTheEarlierMigrations() throws Exception {
        ExpandPlan p = plan(ORDERS, "ALTER TABLE orders RENAME COLUMN total TO grand_total;");
        assertThat(p.kind()).isEqualTo(ExpandPlan.Kind.RENAME_COLUMN);
        assertThat(p.migrations().get(0).up()).contains("ADD COLUMN grand_total int,")
                .contains("NEW.total := NEW.grand_total").contains("NEW.grand_total := NEW.total");
        assertThat(p.migrations().get(p.migrations().size() - 1).up()).contains("DROP COLUMN total;")
                .contains("ALTER COLUMN grand_total SET NOT NULL");
    }

    @Test
    void setNotNullAndConstraintsHaveTheirOwnRoutes() throws Exception {
        assertThat(plan(ORDERS, "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;").migrations())
                .extracting(PlannedMigration::up).containsExactly(
                        "ALTER TABLE orders ADD CONSTRAINT orders_amount_not_null CHECK (amount IS NOT NULL) NOT VALID;\n",
                        "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_not_null;\n",
                        "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_amount_not_null;\n");
        assertThat(plan(ORDERS, "ALTER TABLE orders ADD UNIQUE (amount, total);").migrations())
                .extracting(PlannedMigration::up).containsExactly(
                        "CREATE UNIQUE INDEX CONCURRENTLY orders_amount_total_key ON orders (amount, total);\n",
                        "ALTER TABLE orders ADD CONSTRAINT orders_amount_total_key UNIQUE USING INDEX orders_amount_total_key;\n");
        ExpandPlan fk = plan("CREATE TABLE customers (id bigint PRIMARY KEY);", ORDERS,
                "ALTER TABLE orders ADD FOREIGN KEY (amount) REFERENCES customers (id) ON DELETE SET NULL;");
        assertThat(fk.migrations().get(0).up()).isEqualTo("ALTER TABLE orders ADD CONSTRAINT orders_amount_fkey FOREIGN KEY (amount)"
                + " REFERENCES customers (id) ON DELETE SET NULL NOT VALID;\n");
        assertThat(fk.notes()).anyMatch(n -> n.contains("no index leads with amount"));
        ExpandPlan vd = plan(ORDERS, "ALTER TABLE orders ADD COLUMN created timestamptz DEFAULT clock_timestamp();");
        assertThat(vd.migrations()).extracting(PlannedMigration::phase).containsOnly(Phase.EXPAND);
        assertThat(vd.migrations().get(1).up()).contains("UPDATE orders SET created = clock_timestamp() WHERE created IS NULL;");
    }

    @Test
    void refusesWhatItCannotPlanWithAUsageError() {
        assertRefused("more than one statement", "has 2 statements", ORDERS, "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;\n"
                + "ALTER TABLE orders ALTER COLUMN total TYPE bigint;");
        assertRefused("a key column", "part of the primary key", ORDERS, "ALTER TABLE orders ALTER COLUMN id TYPE numeric;");
        assertRefused("a safe change", "no expand/contract plan", ORDERS, "ALTER TABLE orders ADD COLUMN note text DEFAULT 'x';");
        assertRefused("an unknown type", "do not say what type", "ALTER TABLE elsewhere RENAME COLUMN a TO b;");
        assertRefused("a taken name", "has one already", "CREATE TABLE t (id int PRIMARY KEY, a int, a_new int);",
                "ALTER TABLE t ALTER COLUMN a TYPE bigint;");
    }

    private void assertRefused(String what, String message, String... ups) {
        assertThatThrownBy(() -> plan(ups)).as(what).isInstanceOf(BulwarkException.class).hasMessageContaining(message);
    }

    @Test
    void writerUsesTheFoldersFormatAndReplacesTheOneLiner() throws Exception {
        Files.writeString(dir.resolve("V1__orders.sql"), ORDERS + "\n");
        Files.writeString(dir.resolve("V2__amount_not_null.sql"), "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;\n");
        MigrationSet set = MigrationSources.read(dir, null);
        assertThat(set.format()).isEqualTo(MigrationFormat.FLYWAY);
        ExpandPlan p = ExpandPlanner.plan(set.migrations(), last(set), 16);
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        List<PlanWriter.Written> w = PlanWriter.write(p, dir, MigrationFormat.FLYWAY, last(set), clock);
        assertThat(w).hasSize(3);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted()).containsExactly("U2__expand_orders_amount_not_null_check.sql",
                    "U3__validate_orders_amount_not_null.sql", "U4__contract_orders_amount_set_not_null.sql", "V1__orders.sql",
                    "V2__expand_orders_amount_not_null_check.sql", "V3__validate_orders_amount_not_null.sql",
                    "V4__contract_orders_amount_set_not_null.sql");
        }
        MigrationSet again = MigrationSources.read(dir, null);
        assertThat(again.migrations()).extracting(m -> m.options().phase()).containsExactly(null, Phase.EXPAND, Phase.EXPAND, Phase.CONTRACT);
        assertThat(again.migrations().get(3).down().sql()).contains("DROP NOT NULL");
    }

    @Test
    void contractWithoutADownHasNoDownFileInGolangMigrate() throws Exception {
        Files.writeString(dir.resolve("1_orders.up.sql"), ORDERS + "\n");
        Files.writeString(dir.resolve("1_orders.down.sql"), "DROP TABLE orders;\n");
        Files.writeString(dir.resolve("2_amount.up.sql"), "ALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n");
        Files.writeString(dir.resolve("2_amount.down.sql"), "ALTER TABLE orders ALTER COLUMN amount TYPE integer;\n");
        MigrationSet set = MigrationSources.read(dir, null);
        ExpandPlan p = ExpandPlanner.plan(set.migrations(), last(set), 16);
        List<PlanWriter.Written> written = PlanWriter.write(p, dir, set.format(), last(set), Clock.systemUTC());
        assertThat(written).allSatisfy(w -> assertThat(w.files()).allSatisfy(f -> assertThat(f).exists().startsWith(dir)));
        assertThat(written).extracting(w -> w.files().size()).containsExactly(2, 2, 1, 1);
        MigrationSet again = MigrationSources.read(dir, null);
        assertThat(again.migrations()).extracting(Migration::hasDown).containsExactly(true, true, true, false, false);
        assertThat(Files.exists(dir.resolve("2_amount.down.sql"))).isFalse();
        assertThat(again.migrations().get(2).up().sql()).contains("-- bulwark:backfill\nUPDATE orders");
    }

    @Test
    void prismaFolderIsReplacedByTheNewFoldersAndNothingIsLeftBeside() throws Exception {
        Files.createDirectories(dir.resolve("20240101000000_orders"));
        Files.writeString(dir.resolve("20240101000000_orders/migration.sql"), ORDERS + "\n");
        Files.createDirectories(dir.resolve("20240102000000_amount"));
        Files.writeString(dir.resolve("20240102000000_amount/migration.sql"), "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;\n");
        Files.writeString(dir.resolve("migration_lock.toml"), "provider = \"postgresql\"\n");
        MigrationSet set = MigrationSources.read(dir, null);
        assertThat(set.format()).isEqualTo(MigrationFormat.PRISMA);
        ExpandPlan p = ExpandPlanner.plan(set.migrations(), last(set), 16);
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        List<PlanWriter.Written> w = PlanWriter.write(p, dir, MigrationFormat.PRISMA, last(set), clock);
        assertThat(w).hasSize(3).allSatisfy(x -> assertThat(x.files().get(0)).exists().hasFileName("migration.sql"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted()).containsExactly("20240101000000_orders",
                    "20260101000000_expand_orders_amount_not_null_check", "20260101000001_validate_orders_amount_not_null",
                    "20260101000002_contract_orders_amount_set_not_null", "migration_lock.toml");
        }
        assertThat(Files.readString(dir.resolve("migration_lock.toml"))).as("untouched").contains("postgresql");
        assertThat(MigrationSources.read(dir, null).migrations()).extracting(m -> m.options().phase())
                .containsExactly(null, Phase.EXPAND, Phase.EXPAND, Phase.CONTRACT);
    }
}
