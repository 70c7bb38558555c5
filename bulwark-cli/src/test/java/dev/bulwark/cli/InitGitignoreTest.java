package dev.bulwark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InitGitignoreTest {
    @TempDir
    Path dir;

    @Test
    void addsTheLineToAnExistingGitignoreKeepingWhatWasThere() throws Exception {
        Files.writeString(dir.resolve(".gitignore"), "target/\n*.log");
        assertThat(InitCommand.ignoreBulwarkFolder(dir)).isTrue();
        assertThat(Files.readString(dir.resolve(".gitignore"))).startsWith("target/\n*.log\n").endsWith("\n.bulwark/\n");
    }

    @Test
    void leavesAGitignoreThatAlreadyIgnoresTheFolderAlone() throws Exception {
        Files.writeString(dir.resolve(".gitignore"), "/.bulwark\n");
        assertThat(InitCommand.ignoreBulwarkFolder(dir)).isFalse();
        assertThat(Files.readString(dir.resolve(".gitignore"))).isEqualTo("/.bulwark\n");
    }

    @Test
    void createsTheGitignoreWhenThereIsNone() throws Exception {
        assertThat(InitCommand.ignoreBulwarkFolder(dir)).isTrue();
        assertThat(Files.readAllLines(dir.resolve(".gitignore"))).contains(".bulwark/");
    }
}
