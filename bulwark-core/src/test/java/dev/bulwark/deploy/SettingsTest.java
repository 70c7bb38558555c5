package dev.bulwark.deploy;

import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.backup.BackupSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {
    @TempDir
    Path project;

    private void toml(String text) throws IOException {
        Files.writeString(project.resolve("bulwark.toml"), text);
    }

    @Test
    void backupAndDeploySectionsAreReadWithTheirDefaults() throws IOException {
        toml("""
                [backup]
                dir = "dumps"
                encrypt = true
                key_env = "MY_KEY"
                keep = 5
                max_age = "14d"

                [deploy]
                max_duration = "10min"
                allow_restore = true
                long_query = "30s"
                min_free_disk_percent = 15
                """);
        BulwarkConfig.load(project);
        BackupSettings b = BackupSettings.load(project);
        assertThat(b.dir()).isEqualTo(project.resolve("dumps"));
        assertThat(b.encrypt()).isTrue();
        assertThat(b.keyEnv()).isEqualTo("MY_KEY");
        assertThat(b.keep()).isEqualTo(5);
        assertThat(b.maxAge()).isEqualTo(Duration.ofDays(14));
        assertThat(b.jobs()).isEqualTo(1);
        DeploySettings d = DeploySettings.load(project);
        assertThat(d.maxDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.allowRestore()).isTrue();
        assertThat(d.longQuery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.minFreeDiskPercent()).isEqualTo(15);
        assertThat(d.backupMaxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(d.snapshotRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void anUnknownKeyInBackupOrDeployIsRefusedNamingTheKnownOnes() throws IOException {
        toml("[backup]\nencrypted = true\n");
        assertThatThrownBy(() -> BulwarkConfig.load(project)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("unknown setting 'backup.encrypted'")
                .satisfies(e -> assertThat(((BulwarkException) e).fix()).contains("encrypt"));
        toml("[deploy]\nmax_time = \"1h\"\n");
        assertThatThrownBy(() -> BulwarkConfig.load(project)).hasMessageContaining("unknown setting 'deploy.max_time'");
    }

    @Test
    void outOfRangeValuesNameTheSettingAndTheLimit() throws IOException {
        toml("[backup]\nkeep = 0\n");
        assertThatThrownBy(() -> BackupSettings.load(project)).hasMessageContaining("backup.keep must be at least 1, was 0");
        toml("[deploy]\nmin_free_disk_percent = 120\n");
        assertThatThrownBy(() -> DeploySettings.load(project)).hasMessageContaining("deploy.min_free_disk_percent must be 0 to 99, was 120");
        toml("[backup]\nencrypt = \"yes\"\n");
        assertThatThrownBy(() -> BackupSettings.load(project)).hasMessageContaining("backup.encrypt must be true or false");
    }
}
