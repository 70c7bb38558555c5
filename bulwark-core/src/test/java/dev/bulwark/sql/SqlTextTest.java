package dev.bulwark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SqlTextTest {

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", " ", "\n\t\r\n", "-- only a comment", "/* a /* nested */ comment */",
            "-- a\n/* b */\n  -- c\n", "\uFEFF"})
    void whitespaceAndCommentsAreBlank(String sql) {
        assertThat(SqlText.isBlank(sql)).isTrue();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"SELECT 1", ";", "-- c\nx", "/* c */ 'x'", "\\connect db"})
    void anythingElseIsNotBlank(String sql) {
        assertThat(SqlText.isBlank(sql)).isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"'unterminated", "/* unterminated", "$$ unterminated", "\"unterminated", "{"})
    void inputTheLexerRefusesIsNotBlankAndDoesNotThrow(String sql) {
        assertThat(SqlText.isBlank(sql)).isFalse();
    }

    @Test
    void nullIsBlank() {
        assertThat(SqlText.isBlank(null)).isTrue();
    }
}
