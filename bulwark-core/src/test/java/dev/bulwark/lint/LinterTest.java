package dev.bulwark.lint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Behaviour of the linter around the rules: suppressions, overrides, versions, transactions per tool. */
class LinterTest {
    @TempDir
    Path dir;

    private int runs;

    /** Lints {@code fixture} in a folder of its own (a test may lint several sets). */
    private List<String> lint(String fixture, LintOptions options) {
        Path set = dir.resolve("set" + ++runs);
        LintFixtures.write(fixture, set);
        return LintFixtures.lint(set, options).findings().stream()
                .map(f -> f.file().getFileName() + ":" + f.line() + " " + f.severity().label() + " " + f.ruleId()).toList();
    }

    private List<String> lint(String fixture) {
        return lint(fixture, LintOptions.defaults());
    }

    private static final String USERS = "-- file: migrations/V1__init.sql\nCREATE TABLE users (id bigint PRIMARY KEY, email text, bio text);\n";

    @Test
    void aRuleNeverFiresForATableCreatedEarlierInTheSameMigration() {
        assertThat(lint("-- file: migrations/V1__init.sql\nCREATE TABLE t (a int, b text);\nCREATE INDEX t_a ON t (a);\n"
                + "ALTER TABLE t ALTER COLUMN b SET NOT NULL;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);\n"))
                .isEmpty();
    }

    @Test
    void statementSuppressionWithReasonSilencesOnlyThatStatement() {
        List<String> f = lint(USERS + "-- file: migrations/V2__drop.sql\nSET lock_timeout = '2s';\n"
                + "-- bulwark:ignore drop-column nothing has read bio since release 4.2\n"
                + "ALTER TABLE users DROP COLUMN bio;\nALTER TABLE users DROP COLUMN email;\n");
        assertThat(f).containsExactly("V2__drop.sql:4 warning drop-column");
    }

    @Test
    void fileSuppressionIsFollowedByABlankLineAndCoversTheWholeFile() {
        List<String> f = lint(USERS + "-- file: migrations/V2__drop.sql\n"
                + "-- bulwark:ignore drop-column both columns were retired in release 4.2\n\nSET lock_timeout = '2s';\n"
                + "ALTER TABLE users DROP COLUMN bio;\nALTER TABLE users DROP COLUMN email;\n");
        assertThat(f).isEmpty();
    }

    @Test
    void suppressionWithoutReasonSilencesNothingAndIsReported() {
        List<String> f = lint(USERS + "-- file: migrations/V2__drop.sql\nSET lock_timeout = '2s';\n"
                + "-- bulwark:ignore drop-column\nALTER TABLE users DROP COLUMN bio;\n");
        assertThat(f).containsExactly("V2__drop.sql:2 error suppression-without-reason", "V2__drop.sql:3 warning drop-column");
    }

    @Test
    void suppressionOfAnUnknownRuleIsReported() {
        assertThat(lint(USERS + "-- file: migrations/V2__x.sql\n-- bulwark:ignore no-such-rule because\nSELECT 1;\n"))
                .containsExactly("V2__x.sql:1 warning unused-suppression");
    }

    @Test
    void severityOverridesChangeOrTurnOffRules() {
        String fixture = USERS + "-- file: migrations/V2__d.sql\nSET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN bio;\n";
        LintOptions error = new LintOptions(15, Map.of("drop-column", Optional.of(Severity.ERROR)), List.of());
        assertThat(lint(fixture, error)).containsExactly("V2__d.sql:2 error drop-column");
        LintOptions off = new LintOptions(15, Map.of("drop-column", Optional.empty()), List.of());
        assertThat(lint(fixture, off)).isEmpty();
    }

    @Test
    void pgVersionDecidesVersionDependentRules() {
        String fixture = USERS + "-- file: migrations/V2__d.sql\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN n int DEFAULT 0;\n";
        assertThat(lint(fixture, LintOptions.defaults().withPgVersion(10))).contains("V2__d.sql:2 error volatile-default");
        assertThat(lint(fixture, LintOptions.defaults().withPgVersion(11))).doesNotContain("V2__d.sql:2 error volatile-default");
    }

    @Test
    void golangMigrateRunsAMultiStatementFileAsOneTransactionButASingleStatementAlone() {
        String up = "-- file: migrations/1_init.up.sql\nCREATE TABLE users (id bigint, email text);\n"
                + "-- file: migrations/1_init.down.sql\nDROP TABLE users;\n";
        assertThat(lint(up + "-- file: migrations/2_idx.up.sql\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n"
                + "-- file: migrations/2_idx.down.sql\nDROP INDEX CONCURRENTLY users_email;\n"))
                .doesNotContain("2_idx.up.sql:1 error concurrently-in-transaction");
    }

    @Test
    void bulwarkFormatRunsConcurrentStatementsOutsideItsTransactionButNotInsideAnExplicitOne() {
        String init = "-- file: migrations/20260101000000_init.sql\n-- bulwark:up\nCREATE TABLE users (id bigint, email text);\n"
                + "-- bulwark:down\nDROP TABLE users;\n";
        assertThat(lint(init + "-- file: migrations/20260102000000_idx.sql\n-- bulwark:up\nALTER TABLE users ADD COLUMN x text;\n"
                + "CREATE INDEX CONCURRENTLY users_email ON users (email);\n-- bulwark:down\nDROP INDEX CONCURRENTLY users_email;\n"))
                .noneMatch(s -> s.contains("concurrently-in-transaction"));
    }

    @Test
    void missingLockTimeoutOnlyForFilesOtherToolsRun() {
        String flyway = USERS + "-- file: migrations/V2__a.sql\nALTER TABLE users ADD COLUMN x text;\n";
        assertThat(lint(flyway)).contains("V2__a.sql:1 warning missing-lock-timeout");
    }

    @Test
    void schemaModelTracksValidatedChecksSoSetNotNullAfterTheCheckSequenceIsQuiet() {
        assertThat(lint(USERS + "-- file: migrations/V2__c.sql\nSET lock_timeout = '2s';\n"
                + "ALTER TABLE users ADD CONSTRAINT e_nn CHECK (email IS NOT NULL) NOT VALID;\n"
                + "-- file: migrations/V3__v.sql\nALTER TABLE users VALIDATE CONSTRAINT e_nn;\n"
                + "-- file: migrations/V4__s.sql\nSET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"))
                .noneMatch(s -> s.contains("set-not-null"));
    }

    @Test
    void renamedTablesKeepTheirHistory() {
        assertThat(lint(USERS + "-- file: migrations/V2__r.sql\nSET lock_timeout = '2s';\nALTER TABLE users RENAME TO members;\n"
                + "-- file: migrations/V3__i.sql\nSET lock_timeout = '2s';\nCREATE INDEX m_email ON members (email);\n"))
                .contains("V3__i.sql:2 error require-concurrent-index");
    }

    @Test
    void alembicDowngradeThatDropsWhatUpgradeDidNotCreateAndASingleParentMergeAreReported() {
        List<String> f = lint("""
                -- file: migrations/versions/a.py
                revision = "a"
                down_revision = None

                def upgrade():
                    op.create_table("users", sa.Column("id", sa.BigInteger(), primary_key=True))

                def downgrade():
                    op.drop_table("users")
                -- file: migrations/versions/b.py
                revision = "b"
                down_revision = ("a",)

                def upgrade():
                    op.add_column("users", sa.Column("bio", sa.Text()))

                def downgrade():
                    op.drop_table("users")
                """);
        assertThat(f).contains("b.py:8 warning irreversible-down", "b.py:1 error multiple-heads");
        // downgrade() and upgrade() share the file and its first line: the rule says which part it found this in
        Path set = dir.resolve("set" + runs);
        assertThat(LintFixtures.lint(set, LintOptions.defaults()).findings()).filteredOn(x -> x.ruleId().equals("irreversible-down"))
                .extracting(Finding::part).containsExactly(Finding.Part.DOWN);
    }

    @Test
    void concurrentIndexInAlembicNeedsAnAutocommitBlock() {
        String head = "-- file: migrations/versions/a.py\nrevision = 'a'\ndown_revision = None\n\ndef upgrade():\n"
                + "    op.create_table('users', sa.Column('id', sa.BigInteger(), primary_key=True), sa.Column('email', sa.Text()))\n"
                + "\ndef downgrade():\n    op.drop_table('users')\n"
                + "-- file: migrations/versions/b.py\nrevision = 'b'\ndown_revision = 'a'\n\ndef upgrade():\n";
        String tail = "\ndef downgrade():\n    op.drop_index('ix', postgresql_concurrently=True)\n";
        assertThat(lint(head + "    op.create_index('ix', 'users', ['email'], postgresql_concurrently=True)\n" + tail))
                .contains("b.py:5 error concurrently-in-transaction");
        // The up is fixed by the block; the down is linted too, and its drop_index (line 9) is still in the transaction.
        assertThat(lint(head + "    with op.get_context().autocommit_block():\n"
                + "        op.create_index('ix', 'users', ['email'], postgresql_concurrently=True)\n" + tail))
                .filteredOn(x -> x.contains("concurrently-in-transaction")).containsExactly("b.py:9 error concurrently-in-transaction");
    }

    private static final String SEEDED = "-- file: migrations/1_init.up.sql\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
            + "CREATE TABLE plans (id bigint PRIMARY KEY);\nCREATE INDEX CONCURRENTLY users_email_old ON users (email);\n"
            + "-- file: migrations/1_init.down.sql\nDROP TABLE plans;\nDROP TABLE users;\n";

    private List<String> irreversible(String up, String down) {
        return lint(SEEDED + "-- file: migrations/2_x.up.sql\n" + up + "-- file: migrations/2_x.down.sql\n" + down).stream()
                .filter(f -> f.contains("irreversible-down")).toList();
    }

    @Test
    void irreversibleDownJudgesTheDownByWhatTheUpMade() {
        // what the up made, the down may remove: a table (also after the up renamed it), a column, an index, its seed rows
        assertThat(irreversible("CREATE TABLE tmp (id bigint);\nALTER TABLE tmp RENAME TO audit_log;\n", "DROP TABLE audit_log;\n")).isEmpty();
        assertThat(irreversible("ALTER TABLE users ADD COLUMN bio text;\n", "ALTER TABLE users DROP COLUMN bio;\n")).isEmpty();
        assertThat(irreversible("ALTER TABLE users RENAME COLUMN email TO mail;\n", "ALTER TABLE users DROP COLUMN mail;\n")).isEmpty();
        assertThat(irreversible("CREATE INDEX users_email ON users (email);\n", "DROP INDEX users_email;\n")).isEmpty();
        assertThat(irreversible("INSERT INTO plans VALUES (1);\n", "DELETE FROM plans WHERE id = 1;\n")).isEmpty();
        // a table the down creates and drops again is its own
        assertThat(irreversible("SELECT 1;\n", "CREATE TABLE scratch (id int);\nDROP TABLE scratch;\n")).isEmpty();
        // what existed before the up is data the rollback destroys
        assertThat(irreversible("SELECT 1;\n", "DROP TABLE plans;\n")).containsExactly("2_x.down.sql:1 warning irreversible-down");
        assertThat(irreversible("SELECT 1;\n", "ALTER TABLE users DROP COLUMN email;\n")).containsExactly("2_x.down.sql:1 warning irreversible-down");
        assertThat(irreversible("SELECT 1;\n", "DROP INDEX CONCURRENTLY users_email_old;\n")).containsExactly("2_x.down.sql:1 warning irreversible-down");
        assertThat(irreversible("INSERT INTO plans VALUES (1);\n", "DELETE FROM plans;\n")).containsExactly("2_x.down.sql:1 warning irreversible-down");
        assertThat(irreversible("SELECT 1;\n", "TRUNCATE plans;\n")).containsExactly("2_x.down.sql:1 warning irreversible-down");
        // DROP SCHEMA … CASCADE drops the schema's tables: the model knows them
        assertThat(lint("-- file: migrations/1_init.up.sql\nCREATE SCHEMA billing;\nCREATE TABLE billing.invoices (id bigint);\n"
                + "-- file: migrations/1_init.down.sql\nDROP SCHEMA billing CASCADE;\n-- file: migrations/2_x.up.sql\nSELECT 1;\n"
                + "-- file: migrations/2_x.down.sql\nDROP SCHEMA billing CASCADE;\n").stream().filter(f -> f.contains("irreversible-down")))
                .containsExactly("2_x.down.sql:1 warning irreversible-down");
    }

    @Test
    void whetherARelationIsNewFollowsTheSchemaModel() {
        String index = "CREATE INDEX users_email ON users (email);\n";
        // dropped and created again: existing before the CREATE, new after it
        assertThat(lint(USERS + "-- file: migrations/V2__again.sql\n" + index + "DROP TABLE users;\n"
                + "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email2 ON users (email);\n").stream()
                .filter(f -> f.contains("require-concurrent-index")))
                .containsExactly("V2__again.sql:1 error require-concurrent-index");
        // CREATE TABLE IF NOT EXISTS of a table that exists creates nothing
        assertThat(lint(USERS + "-- file: migrations/V2__ine.sql\nCREATE TABLE IF NOT EXISTS users (id bigint);\n" + index).stream()
                .filter(f -> f.contains("require-concurrent-index")))
                .containsExactly("V2__ine.sql:2 error require-concurrent-index");
        // a materialized view made in the same migration has no readers yet; one from an earlier migration has
        String view = "CREATE MATERIALIZED VIEW emails AS SELECT email FROM users;\n";
        assertThat(lint(USERS + "-- file: migrations/V2__mv.sql\n" + view + "CREATE INDEX emails_email ON emails (email);\n").stream()
                .filter(f -> f.contains("require-concurrent-index"))).isEmpty();
        assertThat(lint(USERS + "-- file: migrations/V2__mv.sql\n" + view + "-- file: migrations/V3__ix.sql\n"
                + "CREATE INDEX emails_email ON emails (email);\n").stream().filter(f -> f.contains("require-concurrent-index")))
                .containsExactly("V3__ix.sql:1 error require-concurrent-index");
    }
}
