package dev.bulwark.roundtrip;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.Listener;
import dev.bulwark.migration.LiquibaseReader;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.testing.TestDatabase;
import dev.bulwark.testing.TestRows;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liquibase XML and YAML changelogs (a master with include, includeAll, sqlFile and the common
 * change types): the statements Bulwark lints are the ones Liquibase 4.33 generates for
 * PostgreSQL, and the history both write is the other's.
 */
class LiquibaseXmlRoundTripIT {
    @TempDir
    Path project;
    TestDatabase db;
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        db = TestDatabase.create("liquibasexml");
        dir = project.resolve("migrations");
        Path fixture = Path.of("src/test/resources/migrations/liquibase/xml");
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path to = dir.resolve(fixture.relativize(p).toString());
                Files.createDirectories(to.getParent());
                Files.copy(p, to);
            }
        }
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Bulwark bulwark() {
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofSeconds(2), null, Duration.ofSeconds(5), null);
        return Bulwark.open(c, db.spec(), Listener.SILENT);
    }

    private void liquibase(Consumer<Liquibase> use) {
        try (Connection c = db.open()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            try (Liquibase lb = new Liquibase("db.changelog-master.xml", new DirectoryResourceAccessor(dir), database)) {
                use.accept(lb);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void unchecked(Action a) {
        try {
            a.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Statements compared without case, quotes, the default schema and spacing. */
    static String normalize(String sql) {
        return sql.replace("\"", "").replace("public.", "").replaceAll("\\s+", " ").replaceAll(" ?([(),]) ?", "$1")
                .replaceAll(";\\s*$", "").strip().toLowerCase(Locale.ROOT);
    }

    /** Liquibase's update-sql output cut into changesets: key FILENAME::ID::AUTHOR → its statements. */
    private Map<String, List<String>> liquibaseSql() {
        StringWriter out = new StringWriter();
        liquibase(lb -> unchecked(() -> lb.update(new Contexts(), new LabelExpression(), out)));
        Map<String, List<String>> byChangeset = new LinkedHashMap<>();
        List<String> current = null;
        StringBuilder stmt = new StringBuilder();
        for (String line : out.toString().split("\\R")) {
            if (line.startsWith("-- Changeset ")) {
                current = new ArrayList<>();
                byChangeset.put(line.substring("-- Changeset ".length()).strip(), current);
                continue;
            }
            if (current == null || line.startsWith("--") || line.isBlank()) {
                continue;
            }
            stmt.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                String s = stmt.toString().strip();
                stmt.setLength(0);
                if (!s.toUpperCase(Locale.ROOT).startsWith("INSERT INTO PUBLIC.DATABASECHANGELOG")
                        && !s.toUpperCase(Locale.ROOT).startsWith("UPDATE PUBLIC.DATABASECHANGELOGLOCK")) {
                    current.add(normalize(s));
                }
            }
        }
        return byChangeset;
    }

    @Test
    void theStatementsBulwarkReadsAreTheOnesLiquibaseGenerates() throws IOException {
        Map<String, List<String>> expected = liquibaseSql();
        Files.writeString(Path.of("target/liquibase-update-sql.txt"), expected.toString());
        List<Migration> ms = MigrationSources.read(dir, null).migrations();
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (Migration m : ms) {
            actual.put(m.toolName(), dev.bulwark.sql.SqlSplitter.split(m.up().sql(), "x", 1).stream()
                    .map(s -> normalize(s.sql())).toList());
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void whatBulwarkAppliesLiquibaseListsAsRunValidatesAndFillsTheChecksumsItLeftNull() {
        try (Bulwark b = bulwark()) {
            assertThat(b.migrate(null, false, false).applied()).hasSize(10);
        }
        // sql and sqlFile changesets carry Liquibase's checksum; the others NULL, which Liquibase accepts
        assertThat(TestRows.list(db, "SELECT id FROM databasechangelog WHERE md5sum IS NOT NULL ORDER BY orderexecuted"))
                .extracting(r -> r.get(0)).containsExactly("3", "7", "10");
        liquibase(lb -> {
            unchecked(() -> assertThat(lb.listUnrunChangeSets(new Contexts(), new LabelExpression())).isEmpty());
            unchecked(lb::validate);
            unchecked(() -> lb.update(new Contexts(), new LabelExpression()));
        });
        // Liquibase ran nothing again, and wrote the checksums Bulwark left NULL
        assertThat(TestRows.list(db, "SELECT count(*), count(md5sum) FROM databasechangelog")).containsExactly(List.of("10", "10"));
        assertThat(TestRows.list(db, "SELECT md5sum FROM databasechangelog WHERE id IN ('3', '7', '10') ORDER BY orderexecuted"))
                .extracting(r -> r.get(0)).containsExactlyElementsOf(MigrationSources.read(dir, null).migrations().stream()
                        .filter(m -> List.of("3", "7", "10").contains(m.toolData().get(LiquibaseReader.ID)))
                        .map(m -> m.toolData().get(LiquibaseReader.MD5SUM)).toList());
        liquibase(lb -> unchecked(lb::validate));
    }

    @Test
    void whatLiquibaseAppliedBulwarkShowsAppliedAndMigrateRunsOnlyTheRest() {
        liquibase(lb -> unchecked(() -> lb.update(4, new Contexts(), new LabelExpression())));
        try (Bulwark b = bulwark()) {
            List<MigrationStatus> s = b.status();
            assertThat(s).extracting(MigrationStatus::state).containsExactly(MigrationState.APPLIED, MigrationState.APPLIED,
                    MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.PENDING, MigrationState.PENDING,
                    MigrationState.PENDING, MigrationState.PENDING, MigrationState.PENDING, MigrationState.PENDING);
            assertThat(b.migrate(null, false, false).applied()).hasSize(6);
        }
        liquibase(lb -> {
            unchecked(() -> assertThat(lb.listUnrunChangeSets(new Contexts(), new LabelExpression())).isEmpty());
            unchecked(lb::validate);
        });
        assertThat(MigrationSources.detect(dir)).isEqualTo(MigrationFormat.LIQUIBASE);
    }
}
