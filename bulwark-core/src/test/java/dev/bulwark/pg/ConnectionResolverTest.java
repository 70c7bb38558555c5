package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionResolverTest {
    @TempDir
    Path dir;

    private static ConnectionSpec resolve(String url, Map<String, String> env, String configUrl) {
        return ConnectionResolver.resolve(url, env, configUrl, null).orElseThrow();
    }

    @Test
    void nothingGivenMeansTheEmbeddedServer() {
        assertThat(ConnectionResolver.resolve(null, Map.of(), null, null)).isEmpty();
        assertThat(ConnectionResolver.resolve(" ", Map.of("DATABASE_URL", ""), "", null)).isEmpty();
    }

    @Test
    void passwordOrSslmodeAloneDoNotChooseAServer() {
        assertThat(ConnectionResolver.resolve(null, Map.of("PGPASSWORD", "x", "PGSSLMODE", "require", "PGAPPNAME", "a"),
                null, null)).isEmpty();
    }

    @Test
    void theUrlOptionWinsOverEverythingElse() {
        ConnectionSpec spec = resolve("postgresql://a@option/db1",
                Map.of("DATABASE_URL", "postgresql://b@env/db2", "PGHOST", "pghost"), "postgresql://c@config/db3");
        assertThat(spec.host()).isEqualTo("option");
        assertThat(spec.user()).isEqualTo("a");
    }

    @Test
    void databaseUrlWinsOverPgVariablesAndTheConfigFile() {
        ConnectionSpec spec = resolve(null, Map.of("DATABASE_URL", "postgres://b@env/db2", "PGHOST", "pghost"),
                "postgresql://c@config/db3");
        assertThat(spec.host()).isEqualTo("env");
        assertThat(spec.database()).isEqualTo("db2");
    }

    @Test
    void pgVariablesWinOverTheConfigFile() {
        ConnectionSpec spec = resolve(null, Map.of("PGHOST", "pghost", "PGPORT", "6000", "PGDATABASE", "pgdb",
                "PGUSER", "pguser", "PGPASSWORD", "pgpw"), "postgresql://c@config/db3");
        assertThat(spec.jdbcUrl()).isEqualTo("jdbc:postgresql://pghost:6000/pgdb");
        assertThat(spec.user()).isEqualTo("pguser");
        assertThat(spec.password()).isEqualTo("pgpw");
    }

    @Test
    void theConfigFileUrlIsUsedLast() {
        ConnectionSpec spec = resolve(null, Map.of(), "postgresql://c@config:7000/db3");
        assertThat(spec.jdbcUrl()).isEqualTo("jdbc:postgresql://config:7000/db3");
    }

    @Test
    void libpqDefaultsFillWhatIsMissing() {
        ConnectionSpec spec = resolve(null, Map.of("PGUSER", "carol"), null);
        assertThat(spec.host()).isEqualTo("localhost");
        assertThat(spec.port()).isEqualTo(5432);
        assertThat(spec.database()).as("a database named like the user").isEqualTo("carol");
        assertThat(resolve("postgresql://h", Map.of(), null).user()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void pgVariablesFillGapsInAUrlAsLibpqDoes() {
        ConnectionSpec spec = resolve("postgresql://h/app", Map.of("PGUSER", "dave", "PGPASSWORD", "pw", "PGPORT", "6001"), null);
        assertThat(spec.user()).isEqualTo("dave");
        assertThat(spec.password()).isEqualTo("pw");
        assertThat(spec.port()).isEqualTo(6001);
    }

    @Test
    void aPasswordInTheUrlWinsOverPgpassword() {
        assertThat(resolve("postgresql://u:fromurl@h/db", Map.of("PGPASSWORD", "fromenv"), null).password()).isEqualTo("fromurl");
    }

    @Test
    void sslmodeComesFromTheUrlElseFromPgsslmode() {
        assertThat(resolve("postgresql://h/db?sslmode=verify-full", Map.of("PGSSLMODE", "disable"), null).properties())
                .containsEntry("sslmode", "verify-full");
        assertThat(resolve("postgresql://h/db", Map.of("PGSSLMODE", "require"), null).properties())
                .containsEntry("sslmode", "require");
    }

    @Test
    void otherParametersBecomeDriverPropertiesAndApplicationNameIsOurs() {
        ConnectionSpec spec = resolve("postgresql://h/db?application_name=theirs&connect_timeout=3&options=-c%20search_path%3Dx",
                Map.of("PGAPPNAME", "theirs-too"), null);
        assertThat(spec.properties())
                .containsEntry("connectTimeout", "3")
                .containsEntry("options", "-c search_path=x")
                .doesNotContainKeys("application_name", "ApplicationName");
    }

    @Test
    void jdbcUrlsAreAcceptedToo() {
        ConnectionSpec spec = resolve("jdbc:postgresql://h:5433/db?user=u&password=p", Map.of(), null);
        assertThat(spec.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5433/db");
        assertThat(spec.user()).isEqualTo("u");
        assertThat(spec.password()).isEqualTo("p");
    }

    @Test
    void aMissingPasswordIsLookedUpInThePasswordFile() throws IOException {
        Path pgpass = dir.resolve("pgpass");
        Files.writeString(pgpass, "db.example.com:5432:app:alice:frompgpass\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Optional<ConnectionSpec> spec = ConnectionResolver.resolve("postgresql://alice@db.example.com/app", Map.of(), null, pgpass);
        assertThat(spec.orElseThrow().password()).isEqualTo("frompgpass");
        Optional<ConnectionSpec> given = ConnectionResolver.resolve("postgresql://alice:given@db.example.com/app", Map.of(), null, pgpass);
        assertThat(given.orElseThrow().password()).isEqualTo("given");
        Optional<ConnectionSpec> empty = ConnectionResolver.resolve("postgresql://alice:@db.example.com/app", Map.of(), null, pgpass);
        assertThat(empty.orElseThrow().password()).as("an empty password counts as none").isEqualTo("frompgpass");
    }

    @Test
    void configUrlReferencesAreExpandedFromTheEnvironment() {
        ConnectionSpec spec = resolve(null, Map.of("DB_HOST", "db.internal", "DB_PASSWORD", "p@ss/w:rd?"),
                "postgresql://app:${DB_PASSWORD}@${DB_HOST}:${DB_PORT:-5433}/app");
        assertThat(spec.host()).isEqualTo("db.internal");
        assertThat(spec.port()).isEqualTo(5433);
        assertThat(spec.password()).as("special characters in the user info are encoded for the parser").isEqualTo("p@ss/w:rd?");
    }

    @Test
    void anUnsetReferenceIsNamed() {
        assertThatThrownBy(() -> resolve(null, Map.of(), "postgresql://app:${DB_PASSWORD}@h/app"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .contains("${DB_PASSWORD}", "which is not set", "set DB_PASSWORD"));
    }

    @Test
    void referencesAreNotExpandedInUrlOptionOrDatabaseUrl() {
        // a literal "${" in a password given on the command line must stay literal
        ConnectionSpec spec = resolve("postgresql://u:a${B}@h/db", Map.of("B", "expanded"), null);
        assertThat(spec.password()).isEqualTo("a${B}");
    }

    @Test
    void aBadPgportIsNamed() {
        assertThatThrownBy(() -> resolve(null, Map.of("PGPORT", "fivefourthreetwo"), null))
                .isInstanceOf(BulwarkException.class)
                .hasMessageContaining("PGPORT");
    }

    @Test
    void severalHostsInPghostAreRefused() {
        assertThatThrownBy(() -> resolve(null, Map.of("PGHOST", "a,b"), null))
                .isInstanceOf(BulwarkException.class)
                .hasMessageContaining("several hosts");
    }

    @Test
    void thePasswordFileDefaultsFollowLibpq() {
        assertThat(ConnectionResolver.defaultPgpassFile(Map.of("PGPASSFILE", "/etc/x/pgpass"))).isEqualTo(Path.of("/etc/x/pgpass"));
        assertThat(ConnectionResolver.defaultPgpassFile(Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".pgpass"));
    }
}
