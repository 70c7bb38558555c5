package dev.bulwark.lint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.report.JsonRenderer;
import dev.bulwark.lint.report.SarifRenderer;
import dev.bulwark.lint.report.TextRenderer;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine around the rules: nothing skipped silently, a crash never reads as "no findings", downs linted like ups. */
class LintEngineTest {
    @TempDir
    Path dir;

    private static final String USERS = "-- file: migrations/V1__init.sql\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n";

    private LintResult lint(String fixture, List<Rule> rules) {
        LintFixtures.write(fixture, dir);
        return new Linter(rules, LintOptions.defaults()).lint(MigrationSources.read(dir.resolve("migrations"), null), dir);
    }

    private LintResult lint(String fixture) {
        return lint(fixture, RuleRegistry.all());
    }

    private static String render(Consumer<PrintWriter> r) {
        StringWriter w = new StringWriter();
        r.accept(new PrintWriter(w));
        return w.toString();
    }

    /** A rule with a bug: throws on every ALTER TABLE. */
    private static final class Throwing extends StatementRule {
        private final java.util.function.Supplier<? extends Throwable> what;

        Throwing(java.util.function.Supplier<? extends Throwable> what) {
            this.what = what;
        }

        @Override
        public String id() {
            return "throwing";
        }

        @Override
        public Severity defaultSeverity() {
            return Severity.INFO;
        }

        @Override
        public String summary() {
            return "throws";
        }

        @Override
        public String help() {
            return "none";
        }

        @Override
        protected void visit(MigrationContext ctx, Analyzed s) {
            if (s.what() instanceof Recognized.AlterTable) {
                Throwable t = what.get();
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
        }
    }

    @Test
    void aStatementLintCannotReadIsAWarningAtItsPositionAndCountedInTheSummary() {
        LintResult r = lint(USERS + "-- file: migrations/V2__typo.sql\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN name text;\n"
                + "  CRATE INDEX users_email_idx ON users (email);\n");
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("unreadable-statement");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.file().getFileName().toString()).isEqualTo("V2__typo.sql");
            assertThat(f.line()).isEqualTo(3);
            assertThat(f.column()).isEqualTo(3);
            assertThat(f.message()).contains("\"CRATE\" is not a PostgreSQL command");
        });
        assertThat(render(w -> new TextRenderer(dir, false).render(r, w)))
                .contains("1 statement could not be read and was not checked (unreadable-statement).");
        assertThat(render(w -> new JsonRenderer(dir).render(r, w))).contains("\"unreadable\" : 1");
    }

    @Test
    void aRuleThatThrowsIsAnErrorFindingAtTheStatementAndTheOtherRulesStillReport() {
        List<Rule> rules = new ArrayList<>(RuleRegistry.all());
        rules.add(new Throwing(() -> new IllegalStateException("bug")));
        LintResult r = lint(USERS + "-- file: migrations/V2__change.sql\nSET lock_timeout = '2s';\n"
                + "CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN name text;\n", rules);
        assertThat(r.findings()).extracting(f -> f.line() + " " + f.severity().label() + " " + f.ruleId())
                .containsExactly("2 error require-concurrent-index", "3 error analysis-error");
        Finding crash = r.findings().get(1);
        assertThat(crash.message()).contains("throwing failed", "IllegalStateException: bug");
        assertThat(r.failsAt(Severity.ERROR)).isTrue();
        assertThat(r.rules()).extracting(Rule::id).contains("analysis-error");
    }

    @Test
    void anAnalysisErrorCannotBeTurnedOffNorSuppressed() {
        List<Rule> rules = List.of(new Throwing(() -> new IllegalArgumentException("bug")));
        LintFixtures.write(USERS + "-- file: migrations/V2__change.sql\n"
                + "-- bulwark:ignore analysis-error we would rather not know\nALTER TABLE users ADD COLUMN name text;\n", dir);
        LintOptions options = new LintOptions(LintOptions.DEFAULT_PG_VERSION, java.util.Map.of("analysis-error", java.util.Optional.empty()),
                LintOptions.DEFAULT_PROTECTED);
        LintResult r = new Linter(rules, options).lint(MigrationSources.read(dir.resolve("migrations"), null), dir);
        assertThat(r.findings()).extracting(Finding::ruleId).contains("analysis-error");
        assertThat(r.failsAt(Severity.ERROR)).isTrue();
    }

    @Test
    void anOutOfMemoryErrorInARuleIsNotCaughtSoItCanNeverReadAsFindings() {
        List<Rule> rules = List.of(new Throwing(() -> new OutOfMemoryError("Java heap space")));
        assertThatThrownBy(() -> lint(USERS + "-- file: migrations/V2__change.sql\nALTER TABLE users ADD COLUMN name text;\n", rules))
                .isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void downsAreLintedLikeUpsAndEachFindingSaysWhichPartItIsIn() {
        LintResult r = lint("-- file: migrations/20260101000000_init.sql\n-- bulwark:up\n"
                + "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n-- bulwark:down\nDROP TABLE users;\n"
                + "-- file: migrations/20260102000000_index.sql\n-- bulwark:up\nCREATE INDEX users_email_idx ON users (email);\n"
                + "-- bulwark:down\nDROP INDEX users_email_idx;\n");
        assertThat(r.findings()).extracting(f -> f.line() + " " + f.ruleId() + " " + f.part().label())
                .containsExactly("2 require-concurrent-index up", "4 require-concurrent-index-drop down");
        assertThat(render(w -> new TextRenderer(dir, false).render(r, w)))
                .contains("error[require-concurrent-index-drop] (down) DROP INDEX users_email_idx")
                .contains("2 findings in 2 migrations").contains("; 1 in downs.");
        JsonNode json = read(render(w -> new JsonRenderer(dir).render(r, w)));
        assertThat(json.at("/findings/0/part").asText()).isEqualTo("up");
        assertThat(json.at("/findings/1/part").asText()).isEqualTo("down");
        assertThat(json.at("/summary/inDowns").asInt()).isEqualTo(1);
        JsonNode sarif = read(render(w -> new SarifRenderer(dir, "test").render(r, w)));
        JsonNode results = sarif.at("/runs/0/results");
        assertThat(results.get(1).at("/properties/part").asText()).isEqualTo("down");
        assertThat(results.get(1).at("/message/text").asText()).startsWith("In the down migration: DROP INDEX");
        assertThat(results.get(0).at("/properties/part").asText()).isEqualTo("up");
    }

    @Test
    void anAlembicUpgradesFindingsAreTheUpsThoughDowngradeIsInTheSameFile() {
        // Alembic's upgrade() and downgrade() are two scripts of one .py file, both numbered from line 1:
        // the upgrade's SET NOT NULL is the up's, the downgrade's DROP NOT NULL the down's.
        LintResult r = lint("-- file: migrations/versions/aaa_init.py\nfrom alembic import op\nimport sqlalchemy as sa\n"
                + "revision = \"aaa\"\ndown_revision = None\ndef upgrade():\n"
                + "    op.create_table(\"projects\", sa.Column(\"id\", sa.BigInteger(), primary_key=True), sa.Column(\"name\", sa.Text()))\n"
                + "def downgrade():\n    op.drop_table(\"projects\")\n"
                + "-- file: migrations/versions/bbb_name.py\nfrom alembic import op\nimport sqlalchemy as sa\n"
                + "revision = \"bbb\"\ndown_revision = \"aaa\"\ndef upgrade():\n"
                + "    op.alter_column(\"projects\", \"name\", existing_type=sa.Text(), nullable=False)\n"
                + "def downgrade():\n    op.alter_column(\"projects\", \"name\", existing_type=sa.Text(), nullable=True)\n");
        assertThat(r.findings()).extracting(f -> f.line() + " " + f.ruleId() + " " + f.part().label())
                .contains("6 set-not-null up", "8 ban-drop-not-null down")
                .noneMatch(x -> x.startsWith("6 ") && x.endsWith(" down"));
    }

    @Test
    void aDownDroppingWhatItsUpCreatedIsItsInverseButDroppingAnOlderTableInADownIsDataLoss() {
        // the down of 2 drops its own table (new, like in the up) and then the table from migration 1 (existing)
        LintResult r = lint("-- file: migrations/20260101000000_init.sql\n-- bulwark:up\nSET lock_timeout = '2s';\n"
                + "CREATE TABLE users (id bigint PRIMARY KEY);\n-- bulwark:down\nSET lock_timeout = '2s';\nDROP TABLE users;\n"
                + "-- file: migrations/20260102000000_tags.sql\n-- bulwark:up\nCREATE TABLE tags (id bigint PRIMARY KEY);\n"
                + "-- bulwark:down\nSET lock_timeout = '2s';\nDROP TABLE tags;\nDROP TABLE users;\n");
        assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("drop-table"))
                .extracting(f -> f.migration() + ":" + f.line() + " " + f.part().label())
                .containsExactly("20260102000000:6 down");
    }

    @Test
    void aDownIsReadAgainstTheSchemaAtTheEndOfItsUpAndChangesItStatementByStatement() {
        LintFixtures.write("-- file: migrations/20260101000000_init.sql\n-- bulwark:up\n"
                + "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email_idx ON users (email);\n"
                + "-- bulwark:down\nDROP INDEX users_email_idx;\nDROP TABLE users;\n", dir);
        Linter.Analysis a = Linter.standard(LintOptions.defaults()).analyze(MigrationSources.read(dir.resolve("migrations"), null));
        var m = MigrationSources.read(dir.resolve("migrations"), null).migrations().get(0);
        List<Analyzed> down = a.downStatements(m);
        assertThat(down).hasSize(2);
        assertThat(down.get(0).before().tableOfIndex("users_email_idx")).isEqualTo("users");
        assertThat(down.get(0).after().tableOfIndex("users_email_idx")).isNull();
        assertThat(down.get(1).before().hasTable("users")).isTrue();
        assertThat(down.get(1).after().hasTable("users")).isFalse();
        // the up's versions are untouched by the down
        assertThat(a.statements(m).get(1).after().tableOfIndex("users_email_idx")).isEqualTo("users");
    }

    @Test
    void aDownThatCannotBeSplitIsReportedNotSkipped() {
        LintResult r = lint("-- file: migrations/20260101000000_init.sql\n-- bulwark:up\n"
                + "CREATE TABLE users (id bigint PRIMARY KEY);\n-- bulwark:down\nDROP TABLE 'users;\n");
        assertThat(r.findings()).extracting(f -> f.ruleId() + " " + f.part().label()).contains("unreadable-statement down");
    }

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
