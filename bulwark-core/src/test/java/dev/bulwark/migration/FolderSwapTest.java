package dev.bulwark.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FolderSwapTest {
    @TempDir
    Path dir;

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theNewEntriesReplaceTheRemovedOnesAndTheMirrorStaysOut() throws Exception {
        Files.writeString(dir.resolve("1_keep.sql"), "keep");
        Files.writeString(dir.resolve("2_old.sql"), "old");
        FolderSwap swap = FolderSwap.begin(dir, List.of(dir.resolve("2_old.sql")));
        assertThat(swap.newEntries().resolve("1_keep.sql")).as("the mirror").exists().isEmptyFile();
        assertThat(swap.newEntries().resolve("2_old.sql")).doesNotExist();
        Files.writeString(swap.newEntries().resolve("2_new.sql"), "new");
        assertThat(swap.finalPath(swap.newEntries().resolve("2_new.sql"))).isEqualTo(dir.resolve("2_new.sql"));
        swap.commit(List.of(dir.resolve("2_old.sql")));
        assertThat(names()).containsExactly("1_keep.sql", "2_new.sql");
        assertThat(Files.readString(dir.resolve("1_keep.sql"))).isEqualTo("keep");
        assertThat(Files.readString(dir.resolve("2_new.sql"))).isEqualTo("new");
    }

    @Test
    void aSwapThatDidNotCommitIsClearedByTheNextReadAndTheOldSetStands() throws Exception {
        Files.writeString(dir.resolve("0001_a.sql"), "-- bulwark:up\nSELECT 1;\n");
        FolderSwap swap = FolderSwap.begin(dir, List.of(dir.resolve("0001_a.sql")));
        Files.writeString(swap.newEntries().resolve("0001_b.sql"), "-- bulwark:up\nSELECT 2;\n");
        // killed here: no journal
        assertThat(MigrationSources.read(dir, null).migrations()).extracting(Migration::description).containsExactly("a");
        assertThat(names()).containsExactly("0001_a.sql");
    }
}
