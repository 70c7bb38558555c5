package dev.bulwark;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SizesTest {
    @Test
    void humanFormIsBinaryWithOneDecimal() {
        assertThat(Sizes.human(0)).isEqualTo("0 B");
        assertThat(Sizes.human(1023)).isEqualTo("1023 B");
        assertThat(Sizes.human(1536)).isEqualTo("1.5 kB");
        assertThat(Sizes.human(64L * 1024 * 1024)).isEqualTo("64.0 MB");
        assertThat(Sizes.human(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GB");
        assertThat(Sizes.human(5L << 40)).isEqualTo("5.0 TB");
    }

    @Test
    void parsesANumberWithItsUnitAndNothingElse() {
        assertThat(Sizes.parse("64MB")).isEqualTo(64L * 1024 * 1024);
        assertThat(Sizes.parse(" 512 kb ")).isEqualTo(512L * 1024);
        assertThat(Sizes.parse("1gb")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("2TB")).isEqualTo(2L << 40);
        assertThat(Sizes.parse("100b")).isEqualTo(100);
        assertThat(Sizes.parse("10s")).isEqualTo(-1);
        assertThat(Sizes.parse("100")).as("a bare number is not a size: --max-lag reads it as a duration").isEqualTo(-1);
        assertThat(Sizes.parse(null)).isEqualTo(-1);
        assertThat(Sizes.parse("9999999999TB")).as("overflow").isEqualTo(-1);
    }
}
