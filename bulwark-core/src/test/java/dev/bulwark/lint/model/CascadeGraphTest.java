package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Recognizers;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Cascade shapes: a self-reference and a cycle are cycles, a diamond is not; depth is the longest path of deletes. */
class CascadeGraphTest {
    private static SchemaModel model(String sql) {
        SchemaModel m = new SchemaModel();
        for (Statement s : SqlSplitter.split(sql, "t.sql", 1)) {
            m.apply(Recognizers.recognize(s), "1");
        }
        return m;
    }

    private static String reach(CascadeGraph.Chain c) {
        return String.join(", ", c.reached().stream()
                .map(r -> r.table() + "@" + r.depth() + (r.deletes() ? " deleted" : " updated") + (r.paths() > 1 ? " x" + r.paths() : ""))
                .toList());
    }

    @Test
    void aSelfReferencingTreeIsACycleThatDeletesOtherRowsOfTheSameTable() {
        SchemaModel m = model("CREATE TABLE tree (id bigint PRIMARY KEY, parent_id bigint REFERENCES tree (id) ON DELETE CASCADE);");
        CascadeGraph.Chain c = CascadeGraph.from(m, "tree");
        assertThat(c.cycle()).isTrue();
        assertThat(reach(c)).isEqualTo("tree@1 deleted");
        assertThat(c.selfReferences()).extracting(ForeignKey::describe).containsExactly("tree(parent_id) → tree");
        assertThat(c.diamonds()).isEmpty();
        assertThat(c.path()).isEqualTo("tree → tree");
    }

    @Test
    void aCycleThroughTwoTablesIsACycleAndComesBackToTheRoot() {
        SchemaModel m = model("CREATE TABLE a (id bigint PRIMARY KEY, b_id bigint);"
                + "CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint REFERENCES a (id) ON DELETE CASCADE);"
                + "ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id) ON DELETE CASCADE;");
        CascadeGraph.Chain c = CascadeGraph.from(m, "a");
        assertThat(c.cycle()).isTrue();
        assertThat(reach(c)).isEqualTo("b@1 deleted, a@2 deleted");
        assertThat(c.selfReferences()).isEmpty();
        assertThat(c.cycleEdges()).extracting(ForeignKey::describe).containsExactly("a(b_id) → b");
        assertThat(c.path()).isEqualTo("a → b → a");
    }

    @Test
    void aDiamondIsNotACycleAndItsDepthIsTheLongerPath() {
        // users → projects → tasks, users → tasks directly, and tasks → comments: comments is 3 deep, not 2
        SchemaModel m = model("CREATE TABLE users (id bigint PRIMARY KEY);"
                + "CREATE TABLE projects (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE);"
                + "CREATE TABLE tasks (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE,"
                + " project_id bigint REFERENCES projects (id) ON DELETE CASCADE);"
                + "CREATE TABLE comments (id bigint PRIMARY KEY, task_id bigint REFERENCES tasks (id) ON DELETE CASCADE);");
        CascadeGraph.Chain c = CascadeGraph.from(m, "users");
        assertThat(c.cycle()).isFalse();
        assertThat(reach(c)).isEqualTo("projects@1 deleted, tasks@2 deleted x2, comments@3 deleted");
        assertThat(c.depth()).isEqualTo(3);
        assertThat(c.diamonds()).extracting(CascadeGraph.Reach::table).containsExactly("tasks");
        assertThat(c.path()).isEqualTo("users → projects → tasks → comments");
    }

    @Test
    void aTableReachedByBothSetNullAndCascadeIsDeletedAndTheWalkGoesOnFromIt() {
        SchemaModel m = model("CREATE TABLE users (id bigint PRIMARY KEY);"
                + "CREATE TABLE teams (id bigint PRIMARY KEY, owner_id bigint REFERENCES users (id) ON DELETE CASCADE);"
                + "CREATE TABLE members (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE SET NULL,"
                + " team_id bigint REFERENCES teams (id) ON DELETE CASCADE);"
                + "CREATE TABLE badges (id bigint PRIMARY KEY, member_id bigint REFERENCES members (id) ON DELETE CASCADE);"
                + "CREATE TABLE notes (id bigint PRIMARY KEY, badge_id bigint REFERENCES badges (id) ON DELETE SET NULL);"
                + "CREATE TABLE audit (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE RESTRICT);");
        CascadeGraph.Chain c = CascadeGraph.from(m, "users");
        assertThat(c.cycle()).isFalse();
        assertThat(reach(c)).isEqualTo("teams@1 deleted, members@2 deleted, badges@3 deleted, notes@4 updated");
        assertThat(c.deleted()).extracting(CascadeGraph.Reach::table).containsExactly("teams", "members", "badges");
        assertThat(c.updated()).extracting(CascadeGraph.Reach::table).containsExactly("notes");
        assertThat(c.diamonds()).isEmpty();
    }

    @Test
    void reachingDeletesWalksUpTheCascadeEdgesOnly() {
        SchemaModel m = model("CREATE TABLE a (id bigint PRIMARY KEY);"
                + "CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint REFERENCES a (id) ON DELETE CASCADE);"
                + "CREATE TABLE c (id bigint PRIMARY KEY, b_id bigint REFERENCES b (id) ON DELETE CASCADE,"
                + " x_id bigint REFERENCES x (id));");
        assertThat(CascadeGraph.reachingDeletesOf(m, "c")).containsExactly("c", "b", "a");
    }
}
