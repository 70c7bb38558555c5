package dev.bulwark.deploy;

import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatementTablesTest {
    private static Statement one(String sql) {
        return SqlSplitter.split(sql, "t.sql", 1).get(0);
    }

    private static List<String> destructive(String sql) {
        return StatementTables.destructive(one(sql)).stream()
                .map(d -> d.kind().label() + " " + d.table() + (d.columns().isEmpty() ? "" : " " + d.columns())).toList();
    }

    @Test
    void findsEveryKindOfDestructiveStatement() {
        assertThat(destructive("DROP TABLE IF EXISTS a, s.b CASCADE")).containsExactly("DROP TABLE a", "DROP TABLE s.b");
        assertThat(destructive("ALTER TABLE ONLY users DROP COLUMN email, DROP IF EXISTS phone, DROP CONSTRAINT c"))
                .containsExactly("DROP COLUMN users [email, phone]");
        assertThat(destructive("DELETE FROM public.\"Orders\" WHERE id < 10")).containsExactly("DELETE public.Orders");
        assertThat(destructive("UPDATE ONLY items SET x = 1")).containsExactly("UPDATE items");
        assertThat(destructive("TRUNCATE TABLE a, b")).containsExactly("TRUNCATE a", "TRUNCATE b");
    }

    @Test
    void constraintDefaultAndNotNullDropsAreNotDataLoss() {
        assertThat(destructive("ALTER TABLE t DROP CONSTRAINT t_pk")).isEmpty();
        assertThat(destructive("ALTER TABLE t ALTER COLUMN c DROP DEFAULT")).isEmpty();
        assertThat(destructive("ALTER TABLE t ALTER COLUMN c DROP NOT NULL")).isEmpty();
        assertThat(destructive("CREATE TABLE drop_me (id int)")).isEmpty();
        assertThat(destructive("INSERT INTO t VALUES (1)")).isEmpty();
    }

    @Test
    void touchedTablesIncludeIndexTargetsAndForeignKeyParents() {
        assertThat(StatementTables.touched(one("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY orders (customer_id)").tokens()))
                .extracting(StatementTables.Name::table).containsExactly("orders");
        assertThat(StatementTables.touched(one("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID").tokens()))
                .extracting(StatementTables.Name::table).containsExactly("orders", "customers");
        assertThat(StatementTables.touched(one("SELECT 1").tokens())).isEmpty();
    }
}
