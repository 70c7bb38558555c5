package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionUrlTest {

    @Test
    void aFullUriGivesEveryPart() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://alice:s3cret@db.example.com:6543/app?sslmode=require&options=-c%20x%3Dy");
        assertThat(url.user()).isEqualTo("alice");
        assertThat(url.password()).isEqualTo("s3cret");
        assertThat(url.host()).isEqualTo("db.example.com");
        assertThat(url.port()).isEqualTo(6543);
        assertThat(url.database()).isEqualTo("app");
        assertThat(url.params()).containsExactlyInAnyOrderEntriesOf(Map.of("sslmode", "require", "options", "-c x=y"));
    }

    @Test
    void thePostgresSchemeAndUpperCaseSchemesAreAccepted() {
        assertThat(ConnectionUrl.parse("postgres://h/db").host()).isEqualTo("h");
        assertThat(ConnectionUrl.parse("POSTGRESQL://h/db").database()).isEqualTo("db");
    }

    @Test
    void userAndPasswordArePercentDecodedAsUtf8() {
        ConnectionUrl url = ConnectionUrl.parse("postgres://al%40ice:p%40ss%2Fw%3Ard%25+%C3%A9@h/my%20db");
        assertThat(url.user()).isEqualTo("al@ice");
        assertThat(url.password()).isEqualTo("p@ss/w:rd%+é");
        assertThat(url.database()).isEqualTo("my db");
    }

    @Test
    void ipv6HostsAreWrittenInBrackets() {
        ConnectionUrl withPort = ConnectionUrl.parse("postgresql://u@[::1]:5433/db");
        assertThat(withPort.host()).isEqualTo("::1");
        assertThat(withPort.port()).isEqualTo(5433);
        ConnectionUrl withoutPort = ConnectionUrl.parse("postgresql://[2001:db8::7]/db");
        assertThat(withoutPort.host()).isEqualTo("2001:db8::7");
        assertThat(withoutPort.port()).isNull();
        assertThat(ConnectionUrl.jdbcUrl("::1", 5433, "db")).isEqualTo("jdbc:postgresql://[::1]:5433/db");
    }

    @Test
    void missingPartsAreNullSoDefaultsCanFillThem() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://");
        assertThat(url.host()).isNull();
        assertThat(url.port()).isNull();
        assertThat(url.database()).isNull();
        assertThat(url.user()).isNull();
        assertThat(url.password()).isNull();
    }

    @Test
    void jdbcUrlsTakeUserAndPasswordFromTheQuery() {
        ConnectionUrl url = ConnectionUrl.parse("jdbc:postgresql://h:5432/app?user=bob&password=pw&ssl=true");
        assertThat(url.user()).isEqualTo("bob");
        assertThat(url.password()).isEqualTo("pw");
        assertThat(url.params()).containsExactly(Map.entry("ssl", "true"));
    }

    @Test
    void pgjdbcShortFormNamesOnlyTheDatabase() {
        ConnectionUrl url = ConnectionUrl.parse("jdbc:postgresql:app");
        assertThat(url.host()).isNull();
        assertThat(url.database()).isEqualTo("app");
    }

    @Test
    void queryParametersHostPortAndDbnameOverrideTheAuthorityAsInLibpq() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql:///?host=10.0.0.5&port=6000&dbname=app");
        assertThat(url.host()).isEqualTo("10.0.0.5");
        assertThat(url.port()).isEqualTo(6000);
        assertThat(url.database()).isEqualTo("app");
    }

    @Test
    void databaseNamesSurviveTheJdbcRoundTrip() {
        String name = "my db/with?odd&chars+é";
        String jdbc = ConnectionUrl.jdbcUrl("h", 5432, name);
        assertThat(jdbc).doesNotContain(" ").doesNotContain("?");
        assertThat(ConnectionUrl.parse(jdbc).database()).isEqualTo(name);
    }

    @Test
    void severalHostsAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> ConnectionUrl.parse("postgresql://u:topsecret@h1:5432,h2:5432/db"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.describe()).contains("several hosts", "give the one host").doesNotContain("topsecret");
                });
    }

    @Test
    void anUnencodedAtInThePasswordIsExplainedWithoutShowingThePassword() {
        assertThatThrownBy(() -> ConnectionUrl.parse("postgresql://u:pass@word@db.example.com/app"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .contains("more than one '@'", "%40")
                        .doesNotContain("pass@word").doesNotContain("word@"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "postgresql://u:hunter2@h:abc/db",
            "postgresql://u:hunter2@h:0/db",
            "postgresql://u:hunter2@h:70000/db",
            "postgresql://u:hunter2@h/db?port=x"})
    void aBadPortIsRefusedAndThePasswordStaysHidden(String url) {
        assertThatThrownBy(() -> ConnectionUrl.parse(url))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .contains("port").doesNotContain("hunter2"));
    }

    @Test
    void anUnencodedSlashInThePasswordDoesNotLeakIt() {
        // libpq reads "u:pa" as host:port here; the message must still hide what follows the colon.
        assertThatThrownBy(() -> ConnectionUrl.parse("postgresql://u:pa/ss@h/db"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe()).doesNotContain("pa/ss"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://u@h/db", "db.example.com:5432/app", "jdbc:mysql://h/db", ""})
    void otherSchemesAreRefusedWithTheFormsToUse(String url) {
        assertThatThrownBy(() -> ConnectionUrl.parse(url))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .contains("is not a PostgreSQL URL", "postgresql://user@host:5432/db"));
    }

    @Test
    void aBrokenPercentEncodingIsNamed() {
        assertThatThrownBy(() -> ConnectionUrl.parse("postgresql://u:50%off@h/db"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .contains("bad percent-encoding in its password", "%25").doesNotContain("50%off"));
    }
}
