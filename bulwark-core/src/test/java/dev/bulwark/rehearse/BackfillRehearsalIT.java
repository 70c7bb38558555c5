package dev.bulwark.rehearse;

import dev.bulwark.Listener;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.rehearse.RehearsalResult.MigrationRehearsal;
import dev.bulwark.testing.TestDatabase;
import dev.bulwark.trace.StatementTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark test} runs a {@code -- bulwark:backfill} step in batches, as migrate does, and reports them. */
class BackfillRehearsalIT {
    @TempDir
    Path project;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("backfill_rehearsal");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void theBackfillStepRunsInBatchesOutsideTheDdlTransactionAndItsTraceSaysSo() throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("001_items.sql"), "-- bulwark:up\nCREATE TABLE items (id int PRIMARY KEY, a int);\n"
                + "INSERT INTO items SELECT g, g FROM generate_series(1, 5000) g;\n-- bulwark:down\nDROP TABLE items;\n");
        Files.writeString(m.resolve("002_expand.sql"), "-- bulwark:up\nALTER TABLE items ADD COLUMN a_new bigint;\n"
                + "-- bulwark:backfill\nUPDATE items SET a_new = a;\n-- bulwark:down\nALTER TABLE items DROP COLUMN a_new;\n");
        RehearsalResult r = new Rehearsal(MigrationSources.read(m, null), db.spec(), project, 0, Listener.SILENT).run();
        MigrationRehearsal expand = r.migrations().stream().filter(x -> x.id().equals("002")).findFirst().orElseThrow();
        assertThat(expand.failed()).as(String.valueOf(expand.failure())).isFalse();
        StatementTrace backfill = expand.up().get(1);
        assertThat(backfill.transactional()).isFalse();
        assertThat(backfill.note()).contains("ran as a backfill: 5000 rows in").contains("batches by key ranges")
                .containsPattern("the longest held its row locks \\d+ ms");
        // the ALTER before it committed on its own: its ACCESS EXCLUSIVE lock is not held across the batches
        assertThat(expand.up().get(0).transactional()).isTrue();
        assertThat(expand.upDiff().changes().toString()).doesNotContain("bulwark_rehearsal_backfill").doesNotContain("bulwark_backfill");
    }
}
