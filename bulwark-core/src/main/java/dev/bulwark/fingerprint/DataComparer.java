package dev.bulwark.fingerprint;

import dev.bulwark.BulwarkException;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.CatalogSnapshot.Column;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.fingerprint.DataComparison.ChunkChange;
import dev.bulwark.fingerprint.DataComparison.TableComparison;
import dev.bulwark.fingerprint.DataComparison.TableComparison.Status;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Compares a database with a {@link DataSnapshot}: each table is fingerprinted again over the
 * snapshot's columns and chunk ranges, and the chunks compared one by one.
 */
public final class DataComparer {
    private final Fingerprinter fingerprinter;

    public DataComparer(Fingerprinter fingerprinter) {
        this.fingerprinter = fingerprinter;
    }

    /**
     * Hashes rows with the snapshot's algorithm ({@link Fingerprinter#useAlgorithm}), so
     * snapshots written by earlier versions still compare.
     *
     * @param expected for a table, what declared that it changes (a migration file, an option), or null
     */
    public DataComparison compare(DataSnapshot before, CatalogSnapshot now, Function<TableRef, String> expected)
            throws SQLException {
        return compare(before, now, expected, null);
    }

    /**
     * Like {@link #compare(DataSnapshot, CatalogSnapshot, Function)}, restricted to some chunks:
     * for each table in {@code only}, just the chunks of those indexes are fingerprinted again and
     * compared (the snapshot's other chunks are taken as unchanged; a table without chunking is
     * compared whole); tables not in {@code only} are left out of the result. The fence of a
     * switchover uses it to compare only what changed since a full comparison:
     * {@link DataComparison#changedChunks()} of an earlier comparison, or
     * {@link Fingerprinter#chunksWrittenSince}. Null {@code only}: every chunk of every table.
     */
    public DataComparison compare(DataSnapshot before, CatalogSnapshot now, Function<TableRef, String> expected,
                                  Map<TableRef, ? extends Collection<Long>> only) throws SQLException {
        fingerprinter.pinSettings();
        fingerprinter.useAlgorithm(before.algorithm());
        String answer = fingerprinter.knownAnswer();
        if (!answer.equals(before.knownAnswer())) {
            throw BulwarkException.usage("the snapshot was taken on PostgreSQL " + before.serverVersion()
                            + " whose row hash differs from this server's (" + now.serverVersion()
                            + "): every row would compare as changed",
                    "take the snapshot and compare on servers of the same major version and architecture");
        }
        List<TableComparison> out = new ArrayList<>();
        Set<TableRef> seen = new HashSet<>();
        // first every table's targets, so that all their chunks share the connections at once
        List<Pending> pending = new ArrayList<>();
        List<Fingerprinter.Target> whole = new ArrayList<>();
        for (TableFingerprint old : before.tables()) {
            seen.add(old.table());
            if (only != null && !only.containsKey(old.table())) {
                continue;
            }
            String declared = expected.apply(old.table());
            Table table = now.table(old.table()).orElse(null);
            if (table == null) {
                out.add(new TableComparison(old.table(), declared != null ? Status.DROPPED_AS_EXPECTED : Status.DROPPED,
                        old.rows(), 0, 0, old.rows(), List.of(), null, declared, "the table no longer exists"));
                continue;
            }
            List<String> present = table.columns().stream().map(Column::name).toList();
            List<String> columns = old.columns().stream().filter(present::contains).toList();
            Chunking chunking = old.chunking() != null && present.contains(old.chunking().column()) ? old.chunking() : null;
            Fingerprinter.Target target = new Fingerprinter.Target(old.table(), columns, chunking, table.isPartitioned());
            Collection<Long> restrict = only == null || chunking == null ? null : only.get(old.table());
            pending.add(new Pending(out.size(), old, table, declared, target, restrict));
            out.add(null);
            if (restrict == null) {
                whole.add(target);
            }
        }
        List<TableFingerprint> fingerprints = fingerprinter.fingerprintAll(whole);
        int next = 0;
        for (Pending p : pending) {
            TableFingerprint fp = p.restrict() == null ? fingerprints.get(next++)
                    : fingerprinter.fingerprintChunks(p.target(), p.restrict());
            TableFingerprint old = p.restrict() == null ? p.old() : restricted(p.old(), p.restrict());
            out.set(p.slot(), compareTable(old, p.table(), p.declared(), fp));
        }
        if (only == null) {
            for (Table t : now.tables()) {
                if (t.partitionOf() == null && !seen.contains(t.ref())) {
                    out.add(new TableComparison(t.ref(), Status.NEW, 0, t.rowEstimate() == null ? 0 : t.rowEstimate(), 0, 0,
                            List.of(), null, expected.apply(t.ref()), "created after the snapshot (row count estimated)"));
                }
            }
        }
        return new DataComparison(before.takenAt(), out);
    }

    private record Pending(int slot, TableFingerprint old, Table table, String declared, Fingerprinter.Target target,
                           Collection<Long> restrict) {
    }

    /** The snapshot's fingerprint of a table reduced to some chunks, as {@link Fingerprinter#fingerprintChunks} reports them. */
    private static TableFingerprint restricted(TableFingerprint old, Collection<Long> chunks) {
        Set<Long> keep = new HashSet<>(chunks);
        List<TableFingerprint.Chunk> kept = old.chunks().stream().filter(c -> keep.contains(c.index())).toList();
        java.math.BigInteger sum = java.math.BigInteger.ZERO;
        long rows = 0;
        for (TableFingerprint.Chunk c : kept) {
            rows += c.rows();
            sum = sum.add(new java.math.BigInteger(c.hash(), 16));
        }
        return new TableFingerprint(old.table(), old.columns(), old.chunking(), rows, Fingerprinter.hex(sum), kept);
    }

    private TableComparison compareTable(TableFingerprint old, Table table, String declared, TableFingerprint now) {
        List<String> present = table.columns().stream().map(Column::name).toList();
        List<String> dropped = old.columns().stream().filter(c -> !present.contains(c)).toList();
        Chunking chunking = now.chunking();
        List<ChunkChange> changes = new ArrayList<>();
        String note = null;
        if (!dropped.isEmpty()) {
            // the old hash covered columns that are gone: only the row counts can still be compared
            note = "columns dropped since the snapshot: " + String.join(", ", dropped.stream().map(TableRef::display).toList());
            changes.add(whole(old.rows(), now.rows()));
        } else if (chunking != null) {
            Map<Long, TableFingerprint.Chunk> a = new TreeMap<>();
            old.chunks().forEach(c -> a.put(c.index(), c));
            Map<Long, TableFingerprint.Chunk> b = new TreeMap<>();
            now.chunks().forEach(c -> b.put(c.index(), c));
            Set<Long> all = new java.util.TreeSet<>(a.keySet());
            all.addAll(b.keySet());
            for (Long i : all) {
                TableFingerprint.Chunk x = a.get(i);
                TableFingerprint.Chunk y = b.get(i);
                long rb = x == null ? 0 : x.rows();
                long ra = y == null ? 0 : y.rows();
                if (x != null && y != null && rb == ra && x.hash().equals(y.hash())) {
                    continue;
                }
                changes.add(new ChunkChange(i, chunking.low(i), chunking.high(i), chunking.highExclusive(), rb, ra, kind(rb, ra)));
            }
        } else if (old.rows() != now.rows() || !old.hash().equals(now.hash())) {
            changes.add(new ChunkChange(null, null, null, false, old.rows(), now.rows(), kind(old.rows(), now.rows())));
            if (old.chunking() == null) {
                note = "no single-column primary key or unique NOT NULL column (or empty when the snapshot was taken): the table is compared whole";
            }
        }
        long added = changes.stream().mapToLong(c -> Math.max(0, c.rowsAfter() - c.rowsBefore())).sum();
        long removed = changes.stream().mapToLong(c -> Math.max(0, c.rowsBefore() - c.rowsAfter())).sum();
        Status status = changes.isEmpty() ? Status.IDENTICAL : declared != null ? Status.CHANGED_AS_EXPECTED : Status.CHANGED;
        return new TableComparison(old.table(), status, old.rows(), now.rows(), added, removed, changes,
                chunking != null && dropped.isEmpty() ? chunking.column() : null, changes.isEmpty() ? null : declared, note);
    }

    private static ChunkChange whole(long before, long after) {
        return new ChunkChange(null, null, null, false, before, after, kind(before, after));
    }

    private static ChunkChange.Kind kind(long before, long after) {
        return after > before ? ChunkChange.Kind.ROWS_ADDED : after < before ? ChunkChange.Kind.ROWS_REMOVED
                : ChunkChange.Kind.ROWS_CHANGED;
    }
}
