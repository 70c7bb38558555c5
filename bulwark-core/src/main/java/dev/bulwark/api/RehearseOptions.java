package dev.bulwark.api;

/**
 * How {@link Bulwark#rehearse(RehearseOptions)} runs.
 *
 * @param sampleRows rows inserted into each table a migration creates, so rewrites and scans show (0 to 10 000)
 */
public record RehearseOptions(int sampleRows) {
    public static final int MAX_SAMPLE_ROWS = 10_000;

    public RehearseOptions {
        if (sampleRows < 0 || sampleRows > MAX_SAMPLE_ROWS) {
            throw new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION, "RehearseOptions.sampleRows must be between 0 and "
                    + MAX_SAMPLE_ROWS + ", was " + sampleRows, "use 0 for none, or a few hundred");
        }
    }

    public static RehearseOptions defaults() {
        return new RehearseOptions(0);
    }
}
