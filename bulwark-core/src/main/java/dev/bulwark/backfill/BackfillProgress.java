package dev.bulwark.backfill;

/** Called after every committed batch, for a progress bar. */
@FunctionalInterface
public interface BackfillProgress {
    /**
     * @param rowsDone   rows updated so far, by every run of this backfill
     * @param fraction   how far through the key space the backfill is (0 to 1), or -1 when unknown
     * @param rowsPerSec rows per second of this run so far
     * @param batchSize  the size the next batch will have
     */
    void batch(long rowsDone, double fraction, long rowsPerSec, long batchSize);

    BackfillProgress NONE = (rows, fraction, rate, size) -> {
    };
}
