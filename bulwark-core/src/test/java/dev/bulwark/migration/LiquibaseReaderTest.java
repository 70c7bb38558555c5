package dev.bulwark.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;

import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class LiquibaseReaderTest {
    private final LiquibaseReader reader = new LiquibaseReader();

    private List<LayoutProblem> problems(String fixture, List<Migration> into) {
        List<LayoutProblem> problems = new ArrayList<>();
        into.addAll(reader.read(dir(fixture), problems::add));
        return problems;
    }

    @Test
    void theFormattedSqlHeaderIsTheEvidenceForDetection() {
        assertThat(reader.evidence(dir("liquibase/sql"))).contains("changelog.sql starts with --liquibase formatted sql");
        assertThat(MigrationSources.detect(dir("liquibase/sql"))).isEqualTo(MigrationFormat.LIQUIBASE);
        assertThat(MigrationSources.detect(dir("liquibase/yaml"))).isEqualTo(MigrationFormat.LIQUIBASE);
        assertThat(reader.evidence(dir("flyway/ok"))).isEmpty();
    }

    @Test
    void preconditionsRunAlwaysDuplicateIdsAndPlainSqlAreFindingsAndTheRestIsRead() {
        List<Migration> ms = new ArrayList<>();
        List<LayoutProblem> problems = problems("liquibase/sql-problems", ms);

        assertThat(ms).extracting(Migration::description).containsExactly("1", "2", "3", "3");
        assertThat(problems).extracting(LayoutProblem::reason).anySatisfy(r -> assertThat(r)
                .contains("changeset alice:1").contains("precondition").contains("--precondition-sql-check")
                .contains("Bulwark does not evaluate"));
        assertThat(problems).extracting(LayoutProblem::reason).anySatisfy(r -> assertThat(r).contains("runAlways"));
        assertThat(problems).filteredOn(p -> p.rule().equals(LayoutProblem.DUPLICATE)).extracting(LayoutProblem::reason)
                .singleElement().asString().contains("repeats changeset alice:3");
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.file().getFileName().toString()).isEqualTo("plain.sql");
            assertThat(p.reason()).contains("not a Liquibase formatted SQL changelog");
        });
    }

    @Test
    void migrateRefusesNamingEveryProblem() {
        var e = usageError(() -> MigrationSources.read(dir("liquibase/sql-problems"), null));
        assertThat(e.getMessage()).contains("5 problems").contains("precondition").contains("runAlways").contains("plain.sql");
    }

    @Test
    void anUnknownChangeTypeIsNotUnderstoodAndTheOthersAreTranslated() {
        List<Migration> ms = new ArrayList<>();
        List<LayoutProblem> problems = problems("liquibase/xml-problems", ms);

        assertThat(problems).extracting(LayoutProblem::reason)
                .anySatisfy(r -> assertThat(r).contains("change type renameTable not understood; Bulwark cannot lint it"))
                .anySatisfy(r -> assertThat(r).contains("changeSet alice:2 has preconditions"))
                .anySatisfy(r -> assertThat(r).contains("is included but does not exist"));
        assertThat(ms).hasSize(2);
        assertThat(ms.get(1).up().sql()).contains("ALTER TABLE users ADD email TEXT");
        // a changeset Bulwark could not translate whole gets no checksum: MD5SUM is written NULL
        assertThat(ms.get(1).toolData()).doesNotContainKey(LiquibaseReader.MD5SUM);
    }

    @Test
    void yamlChangesetsCarryCommentsTransactionsAndRollbacks() {
        List<Migration> ms = reader.read(dir("liquibase/yaml"));

        assertThat(ms).extracting(Migration::toolName)
                .containsExactly("db.changelog-master.yaml::1::alice", "db.changelog-master.yaml::2::alice");
        assertThat(ms.get(0).up().sql()).contains("CREATE TABLE users (id INTEGER NOT NULL, CONSTRAINT users_pkey PRIMARY KEY (id))");
        assertThat(ms.get(0).down().sql()).contains("DROP TABLE users");
        assertThat(ms.get(0).toolData()).containsEntry(LiquibaseReader.COMMENTS, "the users table")
                .containsEntry(LiquibaseReader.DESCRIPTION, "createTable tableName=users");
        assertThat(ms.get(1).options().transactional()).isFalse();
        assertThat(ms.get(1).down().sql()).contains("DROP INDEX CONCURRENTLY users_id_idx");
        assertThat(ms.get(1).toolData().get(LiquibaseReader.MD5SUM)).startsWith("9:");
    }

    @Test
    void anXmlChangelogWithADoctypeIsRefusedAndNoEntityIsRead() {
        List<Migration> ms = new ArrayList<>();
        List<LayoutProblem> problems = problems("liquibase/xml-hostile", ms);

        assertThat(ms).isEmpty();
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.reason()).contains("cannot be read as a Liquibase changelog").containsIgnoringCase("doctype");
            assertThat(p.reason()).doesNotContain("root:");
        });
    }

    @Test
    void checksumsFollowLiquibasesNormalisation() {
        // whitespace of any kind does not count, and the changeset checksum wraps the change's
        assertThat(LiquibaseChecksum.ofSqlChange("SELECT 1;")).isEqualTo(LiquibaseChecksum.ofSqlChange(" SELECT\r\n\t1 ;\n"));
        assertThat(LiquibaseChecksum.ofSqlChangeSet("SELECT 1;")).startsWith("9:").hasSize(34)
                .isNotEqualTo(LiquibaseChecksum.ofSqlChange("SELECT 1;"));
    }

    @Test
    void aCustomEndDelimiterOnItsOwnLineBecomesASemicolonKeepingTheLines() {
        assertThat(LiquibaseReader.withSemicolons("UPDATE a SET b = 1\nGO\nSELECT 1\ngo\n", "GO"))
                .isEqualTo("UPDATE a SET b = 1\n;\nSELECT 1\n;\n");
    }

    @Test
    void appendingAChangesetLeavesTheOnesBeforeItUnchanged(@TempDir Path dir) throws IOException {
        // the usual way a changelog grows: a blank line, then the next changeset. Liquibase's checksum of the
        // first stays the same, so Bulwark's must too, or every applied changeset reads as edited
        String first = "--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE users (id bigint);\n--rollback DROP TABLE users;\n";
        Files.writeString(dir.resolve("changelog.sql"), first);
        Migration before = reader.read(dir).get(0);
        Files.writeString(dir.resolve("changelog.sql"), first + "\n\n--changeset alice:2\nCREATE TABLE orders (id bigint);\n");
        List<Migration> after = reader.read(dir);

        assertThat(after).hasSize(2);
        assertThat(after.get(0).up().sha256()).isEqualTo(before.up().sha256());
        assertThat(after.get(0).toolData().get(LiquibaseReader.MD5SUM)).isEqualTo(before.toolData().get(LiquibaseReader.MD5SUM));
        // the rollback is the down, not part of the up
        assertThat(before.up().sql()).isEqualTo("CREATE TABLE users (id bigint);\n");
        assertThat(before.down().sql()).isEqualTo("DROP TABLE users;\n");
    }
}
