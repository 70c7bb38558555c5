package dev.bulwark.migration;

import org.junit.jupiter.api.Test;

import static dev.bulwark.migration.Fixtures.byId;
import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class DbmateReaderTest {
    private final DbmateReader reader = new DbmateReader();

    private MigrationSet read(String fixture) {
        return new MigrationSet(dir(fixture), MigrationFormat.DBMATE, reader.read(dir(fixture)));
    }

    @Test
    void sectionsBecomeUpAndDownStartingOnTheirRealLines() {
        Migration m = byId(read("dbmate/ok"), "20240101120000");

        assertThat(m.description()).isEqualTo("create users");
        assertThat(m.up().sql()).isEqualTo("CREATE TABLE users (id bigint PRIMARY KEY);\n\n");
        assertThat(m.up().firstLine()).isEqualTo(2);
        assertThat(m.down().sql()).isEqualTo("DROP TABLE users;\n");
        assertThat(m.down().firstLine()).isEqualTo(5);
        assertThat(m.toolName()).isEqualTo("20240101120000");
        assertThat(m.options().transactional()).isTrue();
    }

    @Test
    void transactionFalseOnTheUpMarkerMakesTheMigrationNonTransactional() {
        Migration m = byId(read("dbmate/ok"), "20240102120000");

        assertThat(m.options().transactional()).isFalse();
    }

    @Test
    void transactionFalseOnTheDownMarkerIsKeptAsToolData() {
        MigrationSet set = read("dbmate/ok");

        assertThat(byId(set, "20240102120000").toolData()).containsEntry(DbmateReader.DOWN_TRANSACTION, "false");
        assertThat(byId(set, "20240101120000").toolData()).isEmpty();
    }

    @Test
    void fileWithoutDownSectionHasNoDown() {
        assertThat(byId(read("dbmate/ok"), "20240103120000").hasDown()).isFalse();
    }

    @Test
    void fileWithoutUpMarkerIsRejected() {
        var e = usageError(() -> read("dbmate/missing-up"));

        assertThat(e.getMessage()).contains("20240101120000_create_users.sql has no -- migrate:up line");
    }

    @Test
    void downMarkerBeforeUpMarkerIsRejectedNamingTheLine() {
        var e = usageError(() -> read("dbmate/down-before-up"));

        assertThat(e.getMessage()).contains("20240101120000_create_users.sql:1");
    }

    @Test
    void statementAboveTheUpMarkerIsRejectedNamingTheLine() {
        var e = usageError(() -> read("dbmate/statement-before-up"));

        assertThat(e.getMessage()).contains("20240101120000_create_users.sql:1");
    }

    @Test
    void sqlFileWithoutVersionIsRejectedWithThePattern() {
        var e = usageError(() -> read("dbmate/misnamed"));

        assertThat(e.getMessage()).contains("create_orders.sql").contains("<version>_<name>.sql");
    }
}
