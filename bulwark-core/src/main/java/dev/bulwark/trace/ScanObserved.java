package dev.bulwark.trace;

/** A table a statement read sequentially, from {@code pg_stat_xact_user_tables} deltas. */
public record ScanObserved(String table, long seqScans, long tuplesRead) {
}
