package dev.bulwark.copy;

import dev.bulwark.catalog.TableRef;

import java.time.Duration;
import java.util.List;

/**
 * What a copy did and what its verification found.
 *
 * @param tables   every table whose rows were copied, in load order
 * @param problems every difference verification found; empty when verified clean or not verified
 * @param verified whether verification ran
 * @param schemaTime pre-data, {@code dataTime} rows (with the indexes and keys built meanwhile),
 *                   {@code postDataTime} foreign keys and the rest, {@code verifyTime} verification
 */
public record CopyResult(List<TableResult> tables, List<Problem> problems, boolean verified, int levels,
                         Duration schemaTime, Duration dataTime, Duration postDataTime, Duration verifyTime,
                         Duration total) {
    public CopyResult {
        tables = List.copyOf(tables);
        problems = List.copyOf(problems);
    }

    /**
     * @param level   foreign-key level it was loaded in
     * @param binary  whether it travelled in binary COPY (else text)
     * @param units   pieces it was copied in (primary-key ranges when more than one)
     * @param resumed whether an interrupted run had already copied some or all of it
     */
    public record TableResult(TableRef table, int level, long rows, long bytes, boolean binary, int units,
                              boolean resumed) {
    }

    /**
     * @param object the table, sequence, key or schema object that differs
     * @param detail what differs, e.g. {@code chunk 3 (id 200000..299999): 1 row removed}
     */
    public record Problem(String object, String detail) {
        @Override
        public String toString() {
            return object + ": " + detail;
        }
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public long rows() {
        return tables.stream().mapToLong(TableResult::rows).sum();
    }

    public long bytes() {
        return tables.stream().mapToLong(TableResult::bytes).sum();
    }
}
