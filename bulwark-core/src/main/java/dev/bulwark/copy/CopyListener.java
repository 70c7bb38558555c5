package dev.bulwark.copy;

import dev.bulwark.catalog.TableRef;

import java.time.Duration;
import java.util.List;

/**
 * Progress of a copy. Called from worker threads: implementations must be thread-safe and quick.
 */
public interface CopyListener {
    /** A step began or ended: {@code schema: pre-data applied}. */
    default void step(String line) {
    }

    default void warn(String line) {
    }

    /** The tables whose rows will be copied, with the source's estimates, before the first row moves. */
    default void planned(List<TablePlan> tables) {
    }

    /** Rows and bytes just streamed for a table (increments, not totals). */
    default void progress(TableRef table, long rows, long bytes) {
    }

    /** One unit (a whole table or one key range) committed on the target. */
    default void unitCopied(CopyUnit unit, long rows, long bytes) {
    }

    /** Every unit of a table is in. */
    default void tableCopied(TableRef table, long rows, long bytes, Duration took) {
    }

    /**
     * @param rowEstimate the planner's estimate on the source, or 0 when never analyzed
     * @param units       how many pieces it is copied in
     * @param resumed     whether it had already been copied by an interrupted run
     */
    record TablePlan(TableRef table, long rowEstimate, long bytes, int units, boolean resumed) {
    }

    CopyListener SILENT = new CopyListener() {
    };
}
