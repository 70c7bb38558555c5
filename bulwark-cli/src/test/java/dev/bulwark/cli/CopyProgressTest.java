package dev.bulwark.cli;

import dev.bulwark.catalog.TableRef;
import dev.bulwark.copy.CopyListener.TablePlan;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CopyProgressTest {
    static final TableRef ORDERS = new TableRef("public", "orders");
    static final TableRef ITEMS = new TableRef("Sales", "Order Items");

    @Test
    void withoutATerminalEachFinishedTableIsOneLineWithRowsSizeRateAndOverallEta() {
        StringWriter out = new StringWriter();
        try (CopyProgress p = new CopyProgress(new PrintWriter(out), new PrintWriter(new StringWriter()), null)) {
            p.planned(List.of(new TablePlan(ORDERS, 3_000_000, 300_000_000, 3, false), new TablePlan(ITEMS, 1_000_000, 0, 1, false)));
            p.progress(ORDERS, 3_000_000, 250_000_000);
            p.tableCopied(ORDERS, 3_000_000, 250_000_000, Duration.ofSeconds(5));
        }
        assertThat(out.toString()).startsWith("data: 2 tables, about 4,000,000 rows\n")
                .containsPattern("copied public\\.orders: 3,000,000 rows, 250\\.0 MB in 5\\.0 s \\(50\\.0 MB/s\\)"
                        + " \\[1/2 tables; 75% of rows, 250\\.0 MB, [0-9.]+ MB/s, ETA \\d+:\\d\\d]");
    }

    @Test
    void warningsGoToStandardErrorAndStepsToStandardOutput() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (CopyProgress p = new CopyProgress(new PrintWriter(out), new PrintWriter(err), null)) {
            p.step("schema: pre-data applied");
            p.warn("view public.v reads a table left out of the copy: left out too");
        }
        assertThat(out.toString()).isEqualTo("schema: pre-data applied\n");
        assertThat(err.toString()).isEqualTo("warning: view public.v reads a table left out of the copy: left out too\n");
    }

    @Test
    void percentagesAndDurationsRead() {
        assertThat(CopyProgress.percent(1, 3)).isEqualTo("33%");
        assertThat(CopyProgress.percent(5, 0)).isEqualTo("?%");
        assertThat(CopyProgress.formatSeconds(75)).isEqualTo("1:15");
        assertThat(CopyProgress.formatSeconds(3725)).isEqualTo("1:02:05");
    }
}
