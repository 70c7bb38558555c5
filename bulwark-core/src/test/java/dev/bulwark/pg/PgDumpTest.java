package dev.bulwark.pg;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PgDumpTest {
    @Test
    void majorVersionIsReadFromTheVersionLine() {
        assertThat(PgTools.parseMajor("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)")).isEqualTo(15);
        assertThat(PgTools.parseMajor("pg_dump (PostgreSQL) 17beta1")).isEqualTo(17);
        assertThat(PgTools.parseMajor("something else")).isNull();
    }

    @Test
    void restrictMetaCommandsAreRemovedAndNothingElse() {
        String script = "\\restrict abc123\nSET x = 1;\nSELECT '\\restrict not at line start';\n\\unrestrict abc123\n";
        assertThat(PgDump.withoutMetaCommands(script)).isEqualTo("SET x = 1;\nSELECT '\\restrict not at line start';\n");
    }

    @Test
    void conninfoQuotesAwkwardDatabaseNamesAndNeverCarriesThePassword() {
        ConnectionSpec spec = new ConnectionSpec("jdbc:postgresql://db.example:6543/it's%20here", "app", "s3cret",
                Map.of("sslmode", "require"));
        String info = PgDump.conninfo(spec);
        assertThat(info).contains("host='db.example'", "port='6543'", "dbname='it\\'s here'", "user='app'",
                "sslmode='require'");
        assertThat(info).doesNotContain("s3cret");
    }
}
