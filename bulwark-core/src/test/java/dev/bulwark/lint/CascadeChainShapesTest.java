package dev.bulwark.lint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cascade-chain on the shapes real schemas have: a self-referencing tree (which used to crash
 * lint, audit and test), a cycle through two tables, and a diamond (two paths meeting at one
 * table), which is not a cycle.
 */
class CascadeChainShapesTest {
    @TempDir
    Path dir;

    private List<String> cascadeChain(String fixture) {
        LintFixtures.write(fixture, dir);
        return LintFixtures.lint(dir, LintOptions.defaults()).findings().stream()
                .filter(f -> f.ruleId().equals("cascade-chain"))
                .map(f -> f.file().getFileName() + ":" + f.line() + " " + f.message() + " | " + f.help()).toList();
    }

    @Test
    void aSelfReferencingTreeIsReportedAsASubtreeDeleteInsteadOfCrashing() {
        assertThat(cascadeChain("-- file: migrations/V1__tree.sql\n"
                + "CREATE TABLE tree (id bigint PRIMARY KEY, parent_id bigint REFERENCES tree (id) ON DELETE CASCADE);\n"))
                .containsExactly("V1__tree.sql:1 after this statement, deleting one row of tree deletes rows in 1 table (tree), "
                        + "at least 1 level deep: tree → tree; tree references itself (parent_id) with ON DELETE CASCADE, so one "
                        + "delete removes a whole subtree, as deep as the data goes | if deleting a subtree is intended, delete it "
                        + "explicitly (a recursive CTE) and use ON DELETE RESTRICT on tree (parent_id); otherwise keep the cascade "
                        + "and say so with a suppression");
    }

    @Test
    void aCycleThroughTwoTablesIsReportedAsACycle() {
        assertThat(cascadeChain("-- file: migrations/V1__init.sql\n"
                + "CREATE TABLE a (id bigint PRIMARY KEY, b_id bigint);\n"
                + "CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint REFERENCES a (id) ON DELETE CASCADE);\n"
                + "-- file: migrations/V2__close.sql\n"
                + "ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id) ON DELETE CASCADE NOT VALID;\n"))
                .singleElement().asString()
                .startsWith("V2__close.sql:1 after this statement, deleting one row of a deletes rows in 2 tables (b, a), "
                        + "at least 2 levels deep: a → b → a")
                .contains("the cascade forms a cycle (a(b_id) → b closes it)")
                .doesNotContain("paths");
    }

    @Test
    void aDiamondIsTwoPathsMeetingNotACycleAndItsDepthIsTheLongestPath() {
        assertThat(cascadeChain("-- file: migrations/V1__init.sql\n"
                + "CREATE TABLE users (id bigint PRIMARY KEY);\n"
                + "CREATE TABLE projects (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE);\n"
                + "-- file: migrations/V2__tasks.sql\n"
                + "CREATE TABLE tasks (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE,"
                + " project_id bigint REFERENCES projects (id) ON DELETE SET NULL);\n"
                + "CREATE TABLE task_tags (id bigint PRIMARY KEY, task_id bigint REFERENCES tasks (id) ON DELETE CASCADE,"
                + " project_id bigint REFERENCES projects (id) ON DELETE CASCADE);\n"))
                .singleElement().asString()
                .startsWith("V2__tasks.sql:2 after this statement, deleting one row of users deletes rows in 3 tables "
                        + "(projects, tasks, task_tags), 2 levels deep: users → tasks → task_tags")
                .contains("task_tags is reached along 2 paths (they meet there; not a cycle)")
                .doesNotContain("cycle (").doesNotContain("at least");
    }
}
