package dev.bulwark.fingerprint;

import dev.bulwark.catalog.TableRef;

import java.util.List;

/**
 * A database compared with a {@link DataSnapshot}.
 *
 * @param takenAt when the snapshot was taken
 * @param tables  every table of the snapshot, and tables created since, by name
 */
public record DataComparison(java.time.Instant takenAt, List<TableComparison> tables) {
    public DataComparison {
        tables = List.copyOf(tables);
    }

    public enum Verdict {
        /** every table identical */
        IDENTICAL("identical"),
        /** only tables a migration or --expect-change declared changed */
        CHANGED_AS_EXPECTED("changed as expected"),
        /** a table changed that nobody declared */
        DATA_LOST_OR_CHANGED("data lost or changed");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Verdict verdict() {
        if (tables.stream().anyMatch(t -> t.status().unexpected())) {
            return Verdict.DATA_LOST_OR_CHANGED;
        }
        return tables.stream().allMatch(t -> t.status() == TableComparison.Status.IDENTICAL || t.status() == TableComparison.Status.NEW)
                ? Verdict.IDENTICAL : Verdict.CHANGED_AS_EXPECTED;
    }

    /**
     * The tables that differ, each with the indexes of its differing chunks (empty for a table
     * compared whole): what {@link DataComparer#compare(DataSnapshot, dev.bulwark.catalog.CatalogSnapshot,
     * java.util.function.Function, java.util.Map)} takes to compare only those again.
     */
    public java.util.Map<TableRef, java.util.Set<Long>> changedChunks() {
        java.util.Map<TableRef, java.util.Set<Long>> out = new java.util.LinkedHashMap<>();
        for (TableComparison t : tables) {
            if (t.status() == TableComparison.Status.IDENTICAL || t.status() == TableComparison.Status.NEW) {
                continue;
            }
            java.util.Set<Long> chunks = new java.util.TreeSet<>();
            t.chunks().stream().map(ChunkChange::index).filter(java.util.Objects::nonNull).forEach(chunks::add);
            out.put(t.table(), chunks);
        }
        return out;
    }

    /**
     * @param rowsBefore   rows in the snapshot (0 for a new table)
     * @param rowsAfter    rows now (0 for a dropped table)
     * @param rowsAdded    rows added, summed over chunks that grew (a lower bound when a chunk both gained and lost rows)
     * @param rowsRemoved  rows removed, summed over chunks that shrank
     * @param chunks       the chunks whose content differs
     * @param keyColumn    the primary-key column the chunks are ranges of, or null when compared whole
     * @param expectedBy   what declared the change (a migration, {@code --expect-change}), or null
     * @param note         what else to know (dropped columns, no primary key to chunk by…), or null
     */
    public record TableComparison(TableRef table, Status status, long rowsBefore, long rowsAfter, long rowsAdded,
                                  long rowsRemoved, List<ChunkChange> chunks, String keyColumn, String expectedBy,
                                  String note) {
        public TableComparison {
            chunks = List.copyOf(chunks);
        }

        public enum Status {
            IDENTICAL(false), CHANGED(true), CHANGED_AS_EXPECTED(false), DROPPED(true), DROPPED_AS_EXPECTED(false),
            NEW(false);

            private final boolean unexpected;

            Status(boolean unexpected) {
                this.unexpected = unexpected;
            }

            public boolean unexpected() {
                return unexpected;
            }

            public String label() {
                return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            }
        }
    }

    /**
     * @param index         null when the table is compared whole
     * @param low           first key of the range, or null when whole or open below
     * @param high          last key of the range (or, when {@code highExclusive}, the first key after it),
     *                      or null when whole or open above
     */
    public record ChunkChange(Long index, String low, String high, boolean highExclusive, long rowsBefore,
                              long rowsAfter, Kind kind) {
        public enum Kind {
            ROWS_ADDED("rows added"), ROWS_REMOVED("rows removed"), ROWS_CHANGED("rows changed");

            private final String label;

            Kind(String label) {
                this.label = label;
            }

            public String label() {
                return label;
            }
        }

        /** {@code chunk 3 (id 300001..400000): 1 row removed}; {@code chunk 2 (id >= 'a1…' and id < 'c3…'): …} */
        public String describe(String column) {
            String where;
            if (index == null) {
                where = "whole table";
            } else if (!highExclusive) {
                where = "chunk " + index + " (" + column + " " + low + ".." + high + ")";
            } else {
                String lower = low == null ? null : column + " >= '" + low + "'";
                String upper = high == null ? null : column + " < '" + high + "'";
                where = "chunk " + index + " (" + (lower == null ? upper : upper == null ? lower : lower + " and " + upper) + ")";
            }
            long delta = rowsAfter - rowsBefore;
            String what = switch (kind) {
                case ROWS_ADDED -> delta + (delta == 1 ? " row added" : " rows added");
                case ROWS_REMOVED -> -delta + (delta == -1 ? " row removed" : " rows removed");
                case ROWS_CHANGED -> "same " + rowsAfter + " rows, content changed";
            };
            return where + ": " + what;
        }
    }
}
