package dev.bulwark.pg;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MaskingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "postgresql://alice:hunter2@db:5432/app|postgresql://alice:***@db:5432/app",
            "postgres://:hunter2@db/app|postgres://:***@db/app",
            "url=postgresql://alice:hunter2@db/app, next|url=postgresql://alice:***@db/app, next",
            "jdbc:postgresql://db/app?user=alice&password=hunter2&ssl=true|jdbc:postgresql://db/app?user=alice&password=***&ssl=true",
            "host=db password=hunter2 dbname=app|host=db password=*** dbname=app",
            "host=db password='hun ter2' dbname=app|host=db password='***' dbname=app",
            "PGPASSWORD=hunter2 bulwark deploy|PGPASSWORD=*** bulwark deploy",
            "export PGPASSWORD='hunter2'|export PGPASSWORD='***'",
            "{\"user\":\"alice\",\"password\":\"hunter2\"}|{\"user\":\"alice\",\"password\":\"***\"}",
            "sslpassword=hunter2|sslpassword=***",
            "Password = hunter2|Password = ***",
    })
    void passwordsAreMaskedInEveryFormTheyTravelIn(String text, String masked) {
        assertThat(Masking.mask(text)).isEqualTo(masked);
    }

    @Test
    void anAmpersandEndsAValueOnlyInsideAUrlQuery() {
        assertThat(Masking.mask("PGPASSWORD=ab&cd next")).isEqualTo("PGPASSWORD=*** next");
        assertThat(Masking.mask("?password=ab&cd=1")).isEqualTo("?password=***&cd=1");
    }

    @Test
    void anUnencodedAtInAUriPasswordHidesItsWholeTail() {
        assertThat(Masking.mask("postgresql://alice:p@ss@w0rd@db/app")).isEqualTo("postgresql://alice:***@db/app");
    }

    @Test
    void textWithoutPasswordsIsUnchanged() {
        String text = "password authentication failed for user alice at db:5432/app — check the password (PGPASSWORD, ~/.pgpass or the URL)";
        assertThat(Masking.mask(text)).isEqualTo(text);
        assertThat(Masking.mask("postgresql://alice@db:5432/app")).isEqualTo("postgresql://alice@db:5432/app");
        assertThat(Masking.mask("postgresql://[::1]:5432/app")).isEqualTo("postgresql://[::1]:5432/app");
        assertThat(Masking.mask(null)).isNull();
        assertThat(Masking.mask("")).isEmpty();
    }

    @Test
    void maskingTwiceChangesNothingMore() {
        String once = Masking.mask("postgresql://a:b@h/db password=x");
        assertThat(Masking.mask(once)).isEqualTo(once);
    }

    // A password never survives masking, whatever it contains, in any correctly written form.

    @Property(tries = 400)
    void noPasswordSurvivesInAUri(@ForAll("passwords") String password) {
        String text = "connecting to postgresql://alice:" + ConnectionUrl.encode(password) + "@db.example.com:5432/app failed";
        assertThat(Masking.mask(text)).doesNotContain(password).doesNotContain(ConnectionUrl.encode(password));
    }

    @Property(tries = 400)
    void noPasswordSurvivesInAJdbcQuery(@ForAll("passwords") String password) {
        String text = "jdbc:postgresql://db/app?user=alice&password=" + ConnectionUrl.encode(password) + "&sslmode=require";
        assertThat(Masking.mask(text)).doesNotContain(password).doesNotContain(ConnectionUrl.encode(password));
    }

    @Property(tries = 400)
    void noPasswordSurvivesInALibpqConninfo(@ForAll("passwords") String password) {
        String quoted = "'" + password.replace("\\", "\\\\").replace("'", "\\'") + "'";
        String text = "host=db port=5432 password=" + quoted + " dbname=app";
        assertThat(Masking.mask(text)).doesNotContain(password);
    }

    @Property(tries = 400)
    void noPasswordSurvivesAsAnEnvironmentAssignment(@ForAll("unspacedPasswords") String password) {
        assertThat(Masking.mask("PGPASSWORD=" + password + "\nPGHOST=db")).doesNotContain(password);
    }

    @Property(tries = 400)
    void noPasswordSurvivesInAMaskedSpecOrItsToString(@ForAll("passwords") String password) {
        ConnectionSpec spec = new ConnectionSpec("jdbc:postgresql://db:5432/app", "alice", password, Map.of("sslmode", "require"));
        assertThat(spec.masked()).doesNotContain(password);
        assertThat(spec.toString()).doesNotContain(password);
    }

    /** At least 6 characters, so a password cannot appear by chance in the surrounding text. */
    @Provide
    Arbitrary<String> passwords() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("éß€").ofMinLength(6).ofMaxLength(30)
                .filter(s -> !s.isBlank());
    }

    @Provide
    Arbitrary<String> unspacedPasswords() {
        return passwords().filter(s -> s.chars().noneMatch(Character::isWhitespace));
    }

    @org.junit.jupiter.api.Test
    void sqlRolePasswordsAreMasked() {
        String masked = Masking.mask("migrations/3.sql:2:1 (CREATE ROLE app LOGIN PASSWORD 'hunter2') failed; "
                + "ALTER ROLE app WITH ENCRYPTED PASSWORD $pw$correct horse$pw$");
        org.assertj.core.api.Assertions.assertThat(masked).doesNotContain("hunter2").doesNotContain("correct horse")
                .contains("PASSWORD '***'");
    }

    @Test
    void aRememberedSecretIsMaskedWhereNoPatternWouldFindItAlsoUrlEncoded() {
        Masking.remember("Remembered pw/7731");
        assertThat(Masking.mask("Unmatched argument at index 1: 'Remembered pw/7731'"))
                .isEqualTo("Unmatched argument at index 1: '***'");
        assertThat(Masking.mask("host?x=Remembered+pw%2F7731")).isEqualTo("host?x=***");
    }

    @Test
    void aSecretTooShortToMaskEverywhereIsLeftToThePatterns() {
        Masking.remember("ab1");
        assertThat(Masking.mask("table ab1 has rows")).isEqualTo("table ab1 has rows");
        assertThat(Masking.mask("postgresql://u:ab1@h/db")).isEqualTo("postgresql://u:***@h/db");
    }
}
