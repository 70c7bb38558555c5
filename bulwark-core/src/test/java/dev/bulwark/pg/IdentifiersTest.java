package dev.bulwark.pg;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentifiersTest {
    @Test
    void namesAreAlwaysDoubleQuotedKeepingCase() {
        assertThat(Identifiers.quote("users")).isEqualTo("\"users\"");
        assertThat(Identifiers.quote("Order Items")).isEqualTo("\"Order Items\"");
        assertThat(Identifiers.quote("select")).isEqualTo("\"select\"");
    }

    @Test
    void embeddedQuotesAreDoubledSoTheNameCannotEndEarly() {
        assertThat(Identifiers.quote("a\"; DROP TABLE x; --")).isEqualTo("\"a\"\"; DROP TABLE x; --\"");
    }

    @Test
    void nulAndEmptyNamesAreRejected() {
        assertThatThrownBy(() -> Identifiers.quote("a\0b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> Identifiers.quote("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Identifiers.quote(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void qualifiedNamesQuoteBothParts() {
        assertThat(Identifiers.qualified("public", "Users")).isEqualTo("\"public\".\"Users\"");
        assertThat(Identifiers.qualified(null, "t")).isEqualTo("\"t\"");
    }
}
