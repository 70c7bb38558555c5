package dev.bulwark.copy;

import dev.bulwark.BulwarkException;

import java.nio.file.Path;

/**
 * What {@link Copier} copies and how; validated once, here.
 *
 * @param jobs       parallel workers: each holds one source and one target connection
 * @param schemaOnly schema (pre- and post-data) without rows
 * @param dataOnly   rows (and sequence values) into a target whose schema must already match
 * @param tables     which tables to copy
 * @param resume     continue an interrupted copy from the state kept on the target
 * @param verify     fingerprint source and target afterwards and compare
 * @param splitRows  tables with more rows than this (by estimate) and a single integer primary key
 *                   are copied as primary-key ranges of about this many rows, in parallel
 * @param chunkRows  rows per fingerprint chunk: a difference is reported as such a key range
 * @param pgDump     the pg_dump binary to use, or null for the first one on PATH
 * @param snapshot   an exported snapshot to read the source in, or null to export one (see {@link #withSnapshot})
 */
public record CopyOptions(int jobs, boolean schemaOnly, boolean dataOnly, TablePatterns tables, boolean resume,
                          boolean verify, long splitRows, long chunkRows, Path pgDump, String snapshot) {
    public static final long DEFAULT_SPLIT_ROWS = 1_000_000;
    public static final long DEFAULT_CHUNK_ROWS = 100_000;
    /** A target connection and a source connection per job: beyond this a server's connection limit is the likelier end. */
    public static final int MAX_JOBS = 64;

    public CopyOptions {
        if (jobs < 1 || jobs > MAX_JOBS) {
            throw BulwarkException.usage("--jobs must be between 1 and " + MAX_JOBS + ", was " + jobs,
                    "use about the number of CPU cores of the smaller server");
        }
        if (schemaOnly && dataOnly) {
            throw BulwarkException.usage("--schema-only and --data-only exclude each other",
                    "leave both out to copy schema and data");
        }
        if (splitRows < 1) {
            throw BulwarkException.usage("split rows must be at least 1, was " + splitRows, "use e.g. " + DEFAULT_SPLIT_ROWS);
        }
        if (chunkRows < 1) {
            throw BulwarkException.usage("chunk rows must be at least 1, was " + chunkRows, "use e.g. " + DEFAULT_CHUNK_ROWS);
        }
        tables = tables == null ? TablePatterns.all() : tables;
        if (snapshot != null && !Workers.SNAPSHOT_ID.matcher(snapshot).matches()) {
            throw new IllegalArgumentException("not a snapshot id: " + snapshot);
        }
    }

    /** Everything, 1 job, verified. */
    public static CopyOptions defaults() {
        return new CopyOptions(1, false, false, TablePatterns.all(), false, true, DEFAULT_SPLIT_ROWS, DEFAULT_CHUNK_ROWS, null, null);
    }

    public CopyOptions withJobs(int n) {
        return new CopyOptions(n, schemaOnly, dataOnly, tables, resume, verify, splitRows, chunkRows, pgDump, snapshot);
    }

    public CopyOptions withSchemaOnly(boolean on) {
        return new CopyOptions(jobs, on, dataOnly, tables, resume, verify, splitRows, chunkRows, pgDump, snapshot);
    }

    public CopyOptions withDataOnly(boolean on) {
        return new CopyOptions(jobs, schemaOnly, on, tables, resume, verify, splitRows, chunkRows, pgDump, snapshot);
    }

    public CopyOptions withTables(TablePatterns patterns) {
        return new CopyOptions(jobs, schemaOnly, dataOnly, patterns, resume, verify, splitRows, chunkRows, pgDump, snapshot);
    }

    public CopyOptions withResume(boolean on) {
        return new CopyOptions(jobs, schemaOnly, dataOnly, tables, on, verify, splitRows, chunkRows, pgDump, snapshot);
    }

    public CopyOptions withVerify(boolean on) {
        return new CopyOptions(jobs, schemaOnly, dataOnly, tables, resume, on, splitRows, chunkRows, pgDump, snapshot);
    }

    public CopyOptions withSplitRows(long rows) {
        return new CopyOptions(jobs, schemaOnly, dataOnly, tables, resume, verify, rows, chunkRows, pgDump, snapshot);
    }

    public CopyOptions withChunkRows(long rows) {
        return new CopyOptions(jobs, schemaOnly, dataOnly, tables, resume, verify, splitRows, rows, pgDump, snapshot);
    }

    public CopyOptions withPgDump(Path binary) {
        return new CopyOptions(jobs, schemaOnly, dataOnly, tables, resume, verify, splitRows, chunkRows, binary, snapshot);
    }

    /**
     * Reads the source in this exported snapshot instead of exporting one of its own: the snapshot a logical
     * replication slot exported when it was created, so the rows copied are exactly those before the slot's
     * first change. Whoever exported it must keep it alive (its session idle) until {@link Copier#run} returns.
     */
    public CopyOptions withSnapshot(String exported) {
        return new CopyOptions(jobs, schemaOnly, dataOnly, tables, resume, verify, splitRows, chunkRows, pgDump, exported);
    }
}
