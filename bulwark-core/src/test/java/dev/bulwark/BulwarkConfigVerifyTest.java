package dev.bulwark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulwarkConfigVerifyTest {
    @TempDir
    Path project;

    @Test
    void checksDirDefaultsToChecksInTheProject() {
        assertThat(BulwarkConfig.load(project).checksDir()).isEqualTo(project.toAbsolutePath().normalize().resolve("checks"));
    }

    @Test
    void checksDirIsReadRelativeToTheProject() throws IOException {
        Files.writeString(project.resolve("bulwark.toml"), "[verify]\nchecks_dir = \"db/invariants\"\n");
        assertThat(BulwarkConfig.load(project).checksDir()).isEqualTo(project.toAbsolutePath().normalize().resolve("db/invariants"));
    }

    @Test
    void unknownVerifySettingIsRejectedNamingTheKnownOnes() throws IOException {
        Files.writeString(project.resolve("bulwark.toml"), "[verify]\nchecks = \"x\"\n");
        assertThatThrownBy(() -> BulwarkConfig.load(project)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("unknown setting 'verify.checks'")
                .satisfies(e -> assertThat(((BulwarkException) e).fix()).contains("checks_dir"));
    }
}
