package dev.bulwark.verify;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * @param schemas    schemas to verify, or empty for every user schema
 * @param checksDir  folder of invariant queries ({@code *.sql}, each must return zero rows), or null
 * @param skip       checks not to run
 * @param sampleRows how many offending rows a finding shows
 * @param lockWait   how long any check waits for a lock (a migration holding a table exclusively)
 *                   before verify gives up, rather than queueing behind it indefinitely
 */
public record VerifyOptions(List<String> schemas, Path checksDir, Set<Check> skip, int sampleRows,
                            java.time.Duration lockWait) {
    public static final int DEFAULT_SAMPLE_ROWS = 5;
    public static final java.time.Duration DEFAULT_LOCK_WAIT = java.time.Duration.ofSeconds(10);

    public VerifyOptions(List<String> schemas, Path checksDir, Set<Check> skip, int sampleRows) {
        this(schemas, checksDir, skip, sampleRows, DEFAULT_LOCK_WAIT);
    }

    public VerifyOptions {
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
        skip = skip == null ? Set.of() : Set.copyOf(skip);
        if (sampleRows < 0) {
            throw dev.bulwark.BulwarkException.usage("sample rows cannot be negative, was " + sampleRows, "use 0 for none");
        }
        if (lockWait == null || lockWait.isNegative() || lockWait.isZero()) {
            throw dev.bulwark.BulwarkException.usage("verify lock wait must be greater than 0, was " + lockWait,
                    "0 would wait forever behind a migration; use e.g. 10s");
        }
    }

    public static VerifyOptions defaults(Path checksDir) {
        return new VerifyOptions(List.of(), checksDir, Set.of(), DEFAULT_SAMPLE_ROWS);
    }

    boolean runs(Check check) {
        return !skip.contains(check);
    }
}
