package dev.bulwark.verify;

import dev.bulwark.BulwarkException;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationKind;
import dev.bulwark.migration.MigrationOptions;
import dev.bulwark.migration.MigrationVersion;
import dev.bulwark.migration.Script;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpectedChangesTest {
    static Migration migration(String sql) {
        Path file = Path.of("migrations", "V2__prune.sql");
        return new Migration(MigrationVersion.of("2"), "prune", MigrationKind.VERSIONED, MigrationFormat.FLYWAY, file,
                new Script(sql, file, 1), null, MigrationOptions.DEFAULT, sql, "V2__prune.sql");
    }

    static String why(String sql, TableRef table) {
        return ExpectedChanges.of(List.of(migration(sql)), List.of()).why(table);
    }

    @Test
    void theTablesWhoseRowsAStatementChangesAreExpected() {
        assertThat(why("DROP TABLE IF EXISTS a, s.\"B c\" CASCADE", new TableRef("s", "B c"))).isEqualTo("V2__prune.sql:1 (DROP TABLE)");
        assertThat(why("DROP TABLE IF EXISTS a, s.\"B c\" CASCADE", new TableRef("public", "a"))).isEqualTo("V2__prune.sql:1 (DROP TABLE)");
        assertThat(why("ALTER TABLE IF EXISTS ONLY Public.Orders DROP COLUMN x", new TableRef("public", "orders")))
                .isEqualTo("V2__prune.sql:1 (DROP COLUMN)");
        assertThat(why("TRUNCATE TABLE ONLY a, ONLY b", new TableRef("public", "b"))).isEqualTo("V2__prune.sql:1 (TRUNCATE)");
        assertThat(why("UPDATE \"Users\" SET x = 1", new TableRef("public", "Users"))).isEqualTo("V2__prune.sql:1 (UPDATE)");
        assertThat(why("INSERT INTO s.t (a) VALUES (1)", new TableRef("s", "t"))).isEqualTo("V2__prune.sql:1 (INSERT)");
        assertThat(why("INSERT INTO s.t (a) VALUES (1)", new TableRef("public", "t"))).isNull();
    }

    @Test
    void statementsThatChangeNoRowsExpectNothing() {
        for (String sql : List.of("CREATE TABLE a (id int)", "CREATE INDEX ON a (id)", "SELECT * FROM a", "ALTER INDEX a RENAME TO b",
                "ALTER TABLE a ADD CONSTRAINT a_fk FOREIGN KEY (x) REFERENCES b (id) ON DELETE CASCADE",
                "CREATE TABLE c (id int REFERENCES a ON DELETE RESTRICT)")) {
            assertThat(why(sql, new TableRef("public", "a"))).as(sql).isNull();
            assertThat(why(sql, new TableRef("public", "b"))).as(sql).isNull();
            assertThat(why(sql, new TableRef("public", "delete"))).as(sql).isNull();
        }
    }

    @Test
    void aSchemaDroppedWithCascadeExpectsEveryTableTheEarlierMigrationsCreatedInIt() {
        Path file = Path.of("migrations", "V1__s.sql");
        String sql1 = "CREATE SCHEMA s; CREATE TABLE s.a (id int); CREATE TABLE s.b (id int);";
        Migration first = new Migration(MigrationVersion.of("1"), "s", MigrationKind.VERSIONED, MigrationFormat.FLYWAY, file,
                new Script(sql1, file, 1), null, MigrationOptions.DEFAULT, sql1, "V1__s.sql");
        Migration drop = migration("DROP SCHEMA s CASCADE");
        ExpectedChanges e = ExpectedChanges.of(List.of(first, drop), java.util.Set.of(drop.id()), List.of());
        assertThat(e.why(new TableRef("s", "a"))).isEqualTo("V2__prune.sql:1 (DROP TABLE)");
        assertThat(e.why(new TableRef("s", "b"))).isEqualTo("V2__prune.sql:1 (DROP TABLE)");
        assertThat(e.why(new TableRef("public", "a"))).isNull();
    }

    @Test
    void migrationStatementsAndDirectivesAreExpectedWithTheirSource() {
        ExpectedChanges e = ExpectedChanges.of(List.of(migration("""
                -- bulwark:expect-change audit."Event Log"
                DELETE FROM users WHERE banned;
                """)), List.of());
        assertThat(e.why(new TableRef("public", "users"))).isEqualTo("V2__prune.sql:2 (DELETE)");
        assertThat(e.why(new TableRef("crm", "users"))).isEqualTo("V2__prune.sql:2 (DELETE)");
        assertThat(e.why(new TableRef("audit", "Event Log"))).isEqualTo("V2__prune.sql:1 (expect-change)");
        assertThat(e.why(new TableRef("public", "Event Log"))).isNull();
        assertThat(e.why(new TableRef("public", "orders"))).isNull();
    }

    @Test
    void commandLineNamesFoldLikePostgres() {
        ExpectedChanges e = ExpectedChanges.of(List.of(), List.of("Orders", "public.\"Order Items\""));
        assertThat(e.why(new TableRef("public", "orders"))).isEqualTo("--expect-change");
        assertThat(e.why(new TableRef("public", "Order Items"))).isEqualTo("--expect-change");
        assertThat(e.why(new TableRef("public", "Orders"))).isNull();
        assertThatThrownBy(() -> ExpectedChanges.of(List.of(), List.of("a b"))).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("'a b'");
    }

    @Test
    void migrationHistoryTablesAlwaysChangeAsExpected() {
        ExpectedChanges e = ExpectedChanges.of(List.of(), List.of());
        assertThat(e.why(new TableRef("public", "bulwark_history"))).isEqualTo("migration history");
        assertThat(e.why(new TableRef("app", "flyway_schema_history"))).isEqualTo("migration history");
        assertThat(ExpectedChanges.none().why(new TableRef("public", "bulwark_history"))).isNull();
    }
}
