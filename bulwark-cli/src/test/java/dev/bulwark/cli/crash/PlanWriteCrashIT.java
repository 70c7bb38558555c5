package dev.bulwark.cli.crash;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bulwark plan --write} killed at every point where it changes the migrations folder: as
 * the next Bulwark command reads the folder it holds the old migration or the whole plan, never
 * both nor neither, and a kill before the commit leaves the old set untouched even before that.
 */
class PlanWriteCrashIT {
    @TempDir
    Path project;
    CrashHarness harness;

    @BeforeEach
    void setUp() {
        harness = new CrashHarness(project).timeout(Duration.ofMinutes(1));
    }

    /** A Bulwark-format folder (one file per migration) and a Flyway one (up and down files). */
    private static final List<Map<String, String>> FOLDERS = List.of(
            Map.of("0001_orders.sql", "-- bulwark:up\nCREATE TABLE orders (id bigint PRIMARY KEY, amount integer NOT NULL);\n"
                            + "-- bulwark:down\nDROP TABLE orders;\n",
                    "0002_amount_bigint.sql", "-- bulwark:up\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n"),
            Map.of("V1__orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, amount integer);\n",
                    "U1__orders.sql", "DROP TABLE orders;\n",
                    "V2__amount_not_null.sql", "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;\n",
                    "U2__amount_not_null.sql", "ALTER TABLE orders ALTER COLUMN amount DROP NOT NULL;\n"));

    private Path reset(Map<String, String> files) throws IOException {
        Path dir = project.resolve("migrations");
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        for (var e : files.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
        return dir;
    }

    /** The folder as any reader sees it: the visible files and their text. */
    private static Map<String, String> visible(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.list(dir)) {
            for (Path p : all.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                out.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return out;
    }

    @Test
    void killedAtEveryPointTheFolderHoldsTheOldMigrationOrTheWholePlan() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Map<String, String> folder : FOLDERS) {
            Path dir = reset(folder);
            String replaced = folder.keySet().stream().filter(n -> n.startsWith("0002") || n.startsWith("V2")).findFirst().orElseThrow();
            String[] write = {"plan", "migrations/" + replaced, "--write"};
            Map<String, String> old = visible(dir);
            CrashHarness.Run traced = harness.trace(write);
            assertThat(traced.exit()).as(traced.toString()).isZero();
            Map<String, String> planned = visible(dir);
            assertThat(planned).doesNotContainKey(replaced).hasSizeGreaterThan(old.size());
            assertThat(Files.exists(dir.resolve(".bulwark-swap"))).isFalse();
            List<String> points = traced.points().stream().filter(p -> p.startsWith("plan.write.")).toList();
            assertThat(points).contains("plan.write.staged#1", "plan.write.committed#1", "plan.write.removed#1", "plan.write.added#2");
            for (String point : points) {
                reset(folder);
                CrashHarness.Run killed = harness.crashAt(point, write);
                assertThat(killed.killed()).as(point + ": " + killed).isTrue();
                boolean committed = !point.startsWith("plan.write.staged");
                if (!committed && !visible(dir).equals(old)) {
                    failures.add(point + ": before the commit the folder changed: " + visible(dir).keySet());
                }
                // any command that reads the folder finishes (or clears) the interrupted write first
                CrashHarness.Run read = harness.run("lint", "migrations");
                assertThat(read.all()).as(point).doesNotContain("Exception");
                Map<String, String> after = visible(dir);
                if (!after.equals(committed ? planned : old)) {
                    failures.add(point + ": expected the " + (committed ? "new" : "old") + " set, found " + after.keySet());
                }
                if (Files.exists(dir.resolve(".bulwark-swap"))) {
                    failures.add(point + ": the staging folder is left after a read");
                }
            }
        }
        assertThat(failures).isEmpty();
    }
}
