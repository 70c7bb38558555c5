package dev.bulwark.migration;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

class FlywayChecksumTest {
    private static final String LINE_1 = "CREATE TABLE t (id int);";
    private static final String LINE_2 = "DROP TABLE t;";

    /** CRC-32 of the lines' UTF-8 bytes one after the other, terminators left out, as Flyway feeds it. */
    private static int crcOfLines(String... lines) {
        CRC32 crc = new CRC32();
        for (String line : lines) {
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }

    @Test
    void checksumIsCrc32OfTheLinesWithoutTerminators() {
        int expected = crcOfLines(LINE_1, LINE_2);

        assertThat(FlywayChecksum.of(LINE_1 + "\n" + LINE_2 + "\n")).isEqualTo(expected);
        // the same value worked out outside Java (zlib.crc32 of the concatenated lines)
        assertThat(expected).isEqualTo(1794049481);
    }

    @Test
    void lineEndingsDoNotChangeTheChecksum() {
        int lf = FlywayChecksum.of(LINE_1 + "\n" + LINE_2 + "\n");

        assertThat(FlywayChecksum.of(LINE_1 + "\r\n" + LINE_2 + "\r\n")).isEqualTo(lf);
        assertThat(FlywayChecksum.of(LINE_1 + "\r" + LINE_2)).isEqualTo(lf);
        assertThat(FlywayChecksum.of(LINE_1 + "\n" + LINE_2)).isEqualTo(lf);
    }

    @Test
    void leadingByteOrderMarkIsIgnored() {
        assertThat(FlywayChecksum.of("\uFEFF" + LINE_1 + "\n" + LINE_2 + "\n")).isEqualTo(1794049481);
    }

    @Test
    void byteOrderMarkElsewhereCounts() {
        assertThat(FlywayChecksum.of(LINE_1 + "\n\uFEFF" + LINE_2 + "\n")).isNotEqualTo(1794049481);
    }

    @Test
    void nonAsciiTextIsHashedAsUtf8() {
        assertThat(FlywayChecksum.of("SELECT 'café';\n")).isEqualTo(987117724);
    }

    @Test
    void checksumAboveTwoToThe31IsNegativeAsFlywayStoresIt() {
        assertThat(FlywayChecksum.of("SELECT 8;\n")).isEqualTo(-714045419);
    }

    @Test
    void blankLinesAddNothingButTextDoes() {
        assertThat(FlywayChecksum.of(LINE_1 + "\n\n\n" + LINE_2)).isEqualTo(1794049481);
        assertThat(FlywayChecksum.of(LINE_1 + " \n" + LINE_2)).isNotEqualTo(1794049481);
    }

    @Test
    void emptyFileHasChecksumZero() {
        assertThat(FlywayChecksum.of("")).isZero();
    }
}
