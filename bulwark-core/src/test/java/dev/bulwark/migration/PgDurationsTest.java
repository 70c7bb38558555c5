package dev.bulwark.migration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgDurationsTest {
    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "5s, PT5S",
            "10min, PT10M",
            "2h, PT2H",
            "1d, PT24H",
            "250us, PT0.00025S",
            "1.5s, PT1.5S",
            "5 s, PT5S",
            "1500, PT1.5S",
            "0, PT0S",
    })
    void acceptsWhatPostgresAcceptsForTimeouts(String text, Duration expected) {
        assertThat(PgDurations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5 seconds", "5S", "5m", "-1s", "s", "1e3ms", "five"})
    void rejectsWhatPostgresRejects(String text) {
        assertThatThrownBy(() -> PgDurations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "2147484s", "24.9d", "25d", "1000h"})
    void timeoutsBeyondIntMaxMillisecondsAreOutOfRange(String text) {
        assertThat(PgDurations.parse(text)).isPositive();
        assertThatThrownBy(() -> PgDurations.parseTimeout(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").hasMessageContaining("out of PostgreSQL's range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483647", "2147483s", "24d", "0"})
    void timeoutsUpToIntMaxMillisecondsAreAccepted(String text) {
        assertThat(PgDurations.parseTimeout(text)).isEqualTo(PgDurations.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"PT2S, 2s", "PT1.5S, 1500ms", "PT10M, 10min", "PT0S, 0", "PT48H, 2d"})
    void formatsWithTheLargestExactUnit(Duration d, String expected) {
        assertThat(PgDurations.format(d)).isEqualTo(expected);
        assertThat(PgDurations.parse(expected)).isEqualTo(d);
    }
}
