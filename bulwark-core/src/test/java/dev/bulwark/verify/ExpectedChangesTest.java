package dev.bulwark.verify;

import dev.bulwark.BulwarkException;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationKind;
import dev.bulwark.migration.MigrationOptions;
import dev.bulwark.migration.MigrationVersion;
import dev.bulwark.migration.Script;
import dev.bulwark.sql.SqlLexer;
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

    static List<List<String>> changed(String statement) {
        return ExpectedChanges.changedTables(SqlLexer.tokenize(statement, "t", 1));
    }

    @Test
    void dataChangingStatementsNameTheirTables() {
        assertThat(changed("DROP TABLE IF EXISTS a, s.\"B c\" CASCADE")).containsExactly(List.of("a"), List.of("s", "B c"));
        assertThat(changed("ALTER TABLE IF EXISTS ONLY Public.Orders DROP COLUMN x")).containsExactly(List.of("public", "orders"));
        assertThat(changed("TRUNCATE TABLE ONLY a, ONLY b")).containsExactly(List.of("a"), List.of("b"));
        assertThat(changed("UPDATE \"Users\" SET x = 1")).containsExactly(List.of("Users"));
        assertThat(changed("DELETE FROM ONLY logs WHERE true")).containsExactly(List.of("logs"));
        assertThat(changed("INSERT INTO s.t (a) VALUES (1)")).containsExactly(List.of("s", "t"));
    }

    @Test
    void otherStatementsNameNothing() {
        assertThat(changed("CREATE TABLE a (id int)")).isEmpty();
        assertThat(changed("CREATE INDEX ON a (id)")).isEmpty();
        assertThat(changed("SELECT * FROM a")).isEmpty();
        assertThat(changed("ALTER INDEX a RENAME TO b")).isEmpty();
    }

    @Test
    void migrationStatementsAndDirectivesAreExpectedWithTheirSource() {
        ExpectedChanges e = ExpectedChanges.of(List.of(migration("""
                -- bulwark:expect-change audit."Event Log"
                DELETE FROM users WHERE banned;
                """)), List.of());
        assertThat(e.why(new TableRef("public", "users"))).isEqualTo("V2__prune.sql:2 (DELETE FROM)");
        assertThat(e.why(new TableRef("crm", "users"))).isEqualTo("V2__prune.sql:2 (DELETE FROM)");
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
