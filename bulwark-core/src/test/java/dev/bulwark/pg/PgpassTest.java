package dev.bulwark.pg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class PgpassTest {
    @TempDir
    Path dir;

    private Path pgpass(String content) throws IOException {
        Path file = dir.resolve(".pgpass");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void anExactLineGivesItsPassword() throws IOException {
        Path file = pgpass("db.example.com:5432:app:alice:s3cret\n");
        assertThat(Pgpass.lookup(file, "db.example.com", 5432, "app", "alice")).contains("s3cret");
    }

    @Test
    void anyFieldDifferingMeansNoMatch() throws IOException {
        Path file = pgpass("db.example.com:5432:app:alice:s3cret\n");
        assertThat(Pgpass.lookup(file, "other.example.com", 5432, "app", "alice")).isEmpty();
        assertThat(Pgpass.lookup(file, "db.example.com", 5433, "app", "alice")).isEmpty();
        assertThat(Pgpass.lookup(file, "db.example.com", 5432, "app2", "alice")).isEmpty();
        assertThat(Pgpass.lookup(file, "db.example.com", 5432, "app", "alicex")).isEmpty();
        assertThat(Pgpass.lookup(file, "db.example.co", 5432, "app", "alice")).isEmpty();
    }

    @Test
    void aStarMatchesAnyValueOfItsField() throws IOException {
        Path file = pgpass("*:*:*:alice:wild\n");
        assertThat(Pgpass.lookup(file, "anywhere", 6000, "whatever", "alice")).contains("wild");
        assertThat(Pgpass.lookup(file, "anywhere", 6000, "whatever", "bob")).isEmpty();
    }

    @Test
    void theFirstMatchingLineWins() throws IOException {
        Path file = pgpass("h:5432:app:alice:specific\n*:*:*:*:fallback\n");
        assertThat(Pgpass.lookup(file, "h", 5432, "app", "alice")).contains("specific");
        assertThat(Pgpass.lookup(file, "h", 5432, "app", "bob")).contains("fallback");
    }

    @Test
    void escapedColonsAndBackslashesWorkInFieldsAndPassword() throws IOException {
        Path file = pgpass("h:5432:we\\:ird:al\\\\ice:pa\\:ss\\\\word\n");
        assertThat(Pgpass.lookup(file, "h", 5432, "we:ird", "al\\ice")).contains("pa:ss\\word");
    }

    @Test
    void thePasswordEndsAtAnUnescapedColon() throws IOException {
        Path file = pgpass("h:5432:app:alice:first:rest\n");
        assertThat(Pgpass.lookup(file, "h", 5432, "app", "alice")).contains("first");
    }

    @Test
    void commentsBlankLinesAndCrlfAreHandled() throws IOException {
        Path file = pgpass("# h:5432:app:alice:commented\r\n\r\nh:5432:app:alice:real\r\n");
        assertThat(Pgpass.lookup(file, "h", 5432, "app", "alice")).contains("real");
    }

    @Test
    void aShortLineDoesNotMatch() throws IOException {
        Path file = pgpass("h:5432:app\n");
        assertThat(Pgpass.lookup(file, "h", 5432, "app", "alice")).isEmpty();
    }

    @Test
    void aFileOthersCanReadIsIgnoredAsLibpqDoes() throws IOException {
        Path file = pgpass("*:*:*:*:leaky\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Pgpass.lookup(file, "h", 5432, "app", "alice")).isEmpty();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Pgpass.lookup(file, "h", 5432, "app", "alice")).isEmpty();
    }

    @Test
    void aMissingFileOrNoFileGivesNothing() {
        assertThat(Pgpass.lookup(dir.resolve("absent"), "h", 5432, "app", "alice")).isEmpty();
        assertThat(Pgpass.lookup(null, "h", 5432, "app", "alice")).isEmpty();
        assertThat(Pgpass.lookup(dir, "h", 5432, "app", "alice")).as("a directory").isEmpty();
    }
}
