package dev.bulwark.pg;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionSpecTest {
    private final ConnectionSpec spec = new ConnectionSpec("jdbc:postgresql://db.example.com:5432/app", "alice",
            "hunter2", Map.of("sslmode", "require"));

    @Test
    void maskedShowsUserHostDatabaseAndParametersButNotThePassword() {
        assertThat(spec.masked()).isEqualTo("postgresql://alice:***@db.example.com:5432/app?sslmode=require");
    }

    @Test
    void maskedWithoutPasswordShowsNoMask() {
        assertThat(ConnectionSpec.of("h", 5432, "db", "bob", null).masked()).isEqualTo("postgresql://bob@h:5432/db");
    }

    @Test
    void secretDriverPropertiesAreMaskedToo() {
        ConnectionSpec withKeyPassword = new ConnectionSpec("jdbc:postgresql://h:5432/db", "u", null,
                Map.of("sslpassword", "keysecret"));
        assertThat(withKeyPassword.masked()).contains("sslpassword=***").doesNotContain("keysecret");
    }

    @Test
    void aPasswordWrittenIntoTheJdbcUrlIsMaskedAsWell() {
        ConnectionSpec careless = new ConnectionSpec("jdbc:postgresql://h:5432/db?user=u&password=inurl", null, null, null);
        assertThat(careless.masked()).isEqualTo("postgresql://u:***@h:5432/db").doesNotContain("inurl");
        assertThat(careless.toString()).doesNotContain("inurl");
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(spec.toString()).doesNotContain("hunter2").contains("alice");
    }

    @Test
    void withDatabaseKeepsServerCredentialsAndProperties() {
        ConnectionSpec other = spec.withDatabase("reporting db");
        assertThat(other.database()).isEqualTo("reporting db");
        assertThat(other.host()).isEqualTo("db.example.com");
        assertThat(other.port()).isEqualTo(5432);
        assertThat(other.user()).isEqualTo("alice");
        assertThat(other.password()).isEqualTo("hunter2");
        assertThat(other.properties()).isEqualTo(spec.properties());
    }

    @Test
    void ipv6HostsKeepTheirBrackets() {
        ConnectionSpec v6 = ConnectionSpec.of("::1", 5433, "db", "u", null);
        assertThat(v6.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/db");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.masked()).isEqualTo("postgresql://u@[::1]:5433/db");
        assertThat(v6.withDatabase("x").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/x");
    }

    @Test
    void defaultsApplyWhenTheUrlOmitsHostAndPort() {
        ConnectionSpec bare = new ConnectionSpec("jdbc:postgresql:app", null, null, null);
        assertThat(bare.host()).isEqualTo("localhost");
        assertThat(bare.port()).isEqualTo(5432);
        assertThat(bare.properties()).isEmpty();
    }
}
