package dev.bulwark.verify;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * @param schemas    schemas to verify, or empty for every user schema
 * @param checksDir  folder of invariant queries ({@code *.sql}, each must return zero rows), or null
 * @param skip       checks not to run
 * @param sampleRows how many offending rows a finding shows
 */
public record VerifyOptions(List<String> schemas, Path checksDir, Set<Check> skip, int sampleRows) {
    public static final int DEFAULT_SAMPLE_ROWS = 5;

    public VerifyOptions {
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
        skip = skip == null ? Set.of() : Set.copyOf(skip);
        if (sampleRows < 0) {
            throw dev.bulwark.BulwarkException.usage("sample rows cannot be negative, was " + sampleRows, "use 0 for none");
        }
    }

    public static VerifyOptions defaults(Path checksDir) {
        return new VerifyOptions(List.of(), checksDir, Set.of(), DEFAULT_SAMPLE_ROWS);
    }

    boolean runs(Check check) {
        return !skip.contains(check);
    }
}
