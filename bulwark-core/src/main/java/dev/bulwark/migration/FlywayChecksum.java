package dev.bulwark.migration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The checksum Flyway stores in {@code flyway_schema_history.checksum} for an SQL migration, so that
 * Bulwark can validate and write that table as Flyway would. It is Flyway's
 * {@code ChecksumCalculator}: CRC-32 over the UTF-8 bytes of each line as
 * {@link BufferedReader#readLine()} returns it (terminators excluded, hence independent of
 * LF/CRLF), a byte order mark removed from the first line, the result cast to a signed int.
 */
public final class FlywayChecksum {
    private FlywayChecksum() {
    }

    /** @param rawFile the whole file as decoded from UTF-8 ({@link Migration#rawFile()}) */
    public static int of(String rawFile) {
        CRC32 crc = new CRC32();
        try (BufferedReader reader = new BufferedReader(new StringReader(rawFile))) {
            String line = reader.readLine();
            if (line != null && !line.isEmpty() && line.charAt(0) == SourceFile.BOM) {
                line = line.substring(1);
            }
            while (line != null) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
                line = reader.readLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a StringReader does not fail", e);
        }
        return (int) crc.getValue();
    }
}
