package dev.bulwark.lint;

import dev.bulwark.catalog.LiveSizes;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SizeSeveritiesTest {
    @TempDir
    Path project;

    private LintResult lint(LiveSizes sizes) throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("001_t.sql"), "-- bulwark:up\nCREATE TABLE orders (id int PRIMARY KEY, note text);\n");
        Files.writeString(m.resolve("002_i.sql"), "-- bulwark:up\nALTER TABLE orders ADD COLUMN flag boolean NOT NULL DEFAULT false;\n"
                + "CREATE INDEX orders_note_idx ON orders (note);\n");
        MigrationSet set = MigrationSources.read(m, null);
        Linter linter = Linter.standard(LintOptions.defaults());
        return SizeSeverities.apply(linter.lint(set, project), linter.analyze(set), sizes);
    }

    private static Finding rule(LintResult r, String id) {
        return r.findings().stream().filter(f -> f.ruleId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void lockOnAHugeTableBecomesAnErrorNamingItsSize() throws Exception {
        LintResult before = lint(LiveSizes.NONE);
        LintResult after = lint(new LiveSizes("target", Map.of("public.orders", new LiveSizes.Size(40L << 30, 210_000_000L))));
        assertThat(before.findings()).isNotEmpty();
        for (Finding f : after.findings()) {
            if (Locks.LOCK_RULES.contains(f.ruleId())) {
                assertThat(f.severity()).as(f.ruleId()).isEqualTo(Severity.ERROR);
                assertThat(f.message()).contains("on the target orders is 40 GB, ~210M rows: the lock lasts long enough to be an outage");
            }
        }
    }

    @Test
    void lockOnATinyTableIsLoweredOneLevel() throws Exception {
        Finding index = rule(lint(LiveSizes.NONE), "require-concurrent-index");
        Finding lowered = rule(lint(new LiveSizes("target", Map.of("public.orders", new LiveSizes.Size(64 * 1024, 12L)))),
                "require-concurrent-index");
        assertThat(lowered.severity().ordinal()).isEqualTo(index.severity().ordinal() - 1);
        assertThat(lowered.message()).endsWith("on the target orders is 64 kB, ~12 rows: the lock is brief there");
    }

    @Test
    void withoutSizesNothingChanges() throws Exception {
        assertThat(lint(LiveSizes.NONE).findings()).isEqualTo(lint(new LiveSizes("target", Map.of())).findings());
    }
}
