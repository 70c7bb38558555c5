package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Recognizers;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Versions of the model are independent, and its index-owner and foreign-key maps follow every change. */
class SchemaModelTest {
    private static void apply(SchemaModel m, String sql) {
        for (Statement s : SqlSplitter.split(sql, "t.sql", 1)) {
            m.apply(Recognizers.recognize(s), "1");
        }
    }

    @Test
    void aSnapshotKeepsItsStateWhileTheModelChanges() {
        SchemaModel m = new SchemaModel();
        apply(m, "CREATE TABLE users (id bigint PRIMARY KEY, email text); CREATE INDEX users_email_idx ON users (email);");
        SchemaModel before = m.snapshot();
        apply(m, "ALTER TABLE users ADD COLUMN name text NOT NULL; DROP INDEX users_email_idx; CREATE TABLE x (id int);");
        assertThat(before.table("users").columns()).containsOnlyKeys("id", "email");
        assertThat(before.tableOfIndex("users_email_idx")).isEqualTo("users");
        assertThat(before.hasTable("x")).isFalse();
        assertThat(m.table("users").columns()).containsOnlyKeys("id", "email", "name");
        assertThat(m.table("users").column("name").notNull()).isTrue();
        assertThat(m.tableOfIndex("users_email_idx")).isNull();
        assertThat(m.tableOfIndex("users_pkey")).isEqualTo("users");
    }

    @Test
    void aColumnOrIndexDroppedEarlierIsKnownGoneUntilANameTakesItAgainEvenFromSomethingTheModelDoesNotKnow() {
        SchemaModel m = new SchemaModel();
        apply(m, "ALTER TABLE users DROP COLUMN nickname; DROP INDEX CONCURRENTLY users_email_idx;");
        assertThat(m.columnDropped("users", "nickname")).isTrue();
        assertThat(m.indexDropped("users_email_idx")).isTrue();
        // users predates the migrations: the model knows neither display_name nor users_email_idx_new, but the names are back
        apply(m, "ALTER TABLE users RENAME COLUMN display_name TO nickname; ALTER INDEX users_email_idx_new RENAME TO users_email_idx;");
        assertThat(m.columnDropped("users", "nickname")).isFalse();
        assertThat(m.indexDropped("users_email_idx")).isFalse();
        // a table renamed carries what it lacks; created again, it lacks nothing yet
        apply(m, "ALTER TABLE users DROP COLUMN bio; ALTER TABLE users RENAME TO people;");
        assertThat(m.columnDropped("people", "bio")).isTrue();
        apply(m, "DROP TABLE people; CREATE TABLE people (id int);");
        assertThat(m.columnDropped("people", "bio")).isFalse();
    }

    @Test
    void indexOwnersFollowRenamesDropsAndDroppedColumns() {
        SchemaModel m = new SchemaModel();
        apply(m, "CREATE TABLE t (id int, a int, b int); CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b);"
                + "ALTER INDEX t_a RENAME TO t_a2; ALTER TABLE t RENAME TO u; ALTER TABLE u DROP COLUMN b;");
        assertThat(m.tableOfIndex("t_a")).isNull();
        assertThat(m.tableOfIndex("t_a2")).isEqualTo("u");
        assertThat(m.tableOfIndex("t_b")).isNull();
        apply(m, "DROP TABLE u;");
        assertThat(m.tableOfIndex("t_a2")).isNull();
    }

    @Test
    void foreignKeysFollowTableRenamesAndDrops() {
        SchemaModel m = new SchemaModel();
        apply(m, "CREATE TABLE users (id bigint PRIMARY KEY);"
                + "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE,"
                + " parent_id bigint REFERENCES posts (id));");
        assertThat(m.foreignKeysTo("users")).extracting(ForeignKey::describe).containsExactly("posts(user_id) → users");
        apply(m, "ALTER TABLE users RENAME TO accounts; ALTER TABLE posts RENAME TO articles;");
        assertThat(m.foreignKeysTo("users")).isEmpty();
        assertThat(m.foreignKeysTo("accounts")).extracting(ForeignKey::describe).containsExactly("articles(user_id) → accounts");
        assertThat(m.foreignKeysTo("articles")).extracting(ForeignKey::describe).containsExactly("articles(parent_id) → articles");
        assertThat(m.foreignKeys()).hasSize(2);
        apply(m, "ALTER TABLE articles DROP CONSTRAINT posts_parent_id_fkey; DROP TABLE accounts;");
        assertThat(m.foreignKeys()).isEmpty();
        assertThat(m.foreignKeysFrom("articles")).isEmpty();
        assertThat(m.table("articles").constraints()).extracting(TableModel.Constraint::name).containsExactly("posts_pkey");
    }
}
