package dev.bulwark.copy;

import dev.bulwark.catalog.CatalogDiff;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.CatalogSnapshot.Column;
import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Sequence;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.copy.CopyResult.Problem;
import dev.bulwark.fingerprint.DataComparer;
import dev.bulwark.fingerprint.DataComparison;
import dev.bulwark.fingerprint.DataComparison.ChunkChange;
import dev.bulwark.fingerprint.DataComparison.TableComparison;
import dev.bulwark.fingerprint.DataSnapshot;
import dev.bulwark.fingerprint.Chunking;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.fingerprint.TableFingerprint;
import dev.bulwark.pg.Identifiers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Proves a copy: the target's schema against the source's (catalog diff), every table's rows
 * by count and fingerprint per primary-key chunk (the source side read in the copy's snapshot,
 * so a source still taking writes compares as it was copied), orphans of foreign keys the
 * server did not validate itself, and sequence positions. Reuses the fingerprint package.
 */
final class CopyVerifier {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CopyVerifier.class);
    private final Connection holder;
    private final Connection target;
    private final CatalogSnapshot catalog;
    private final Set<TableRef> selected;
    private final Set<TableRef> leftOut;
    private final CopyOptions options;
    private final boolean keysUnchecked;
    private final PostPlan postPlan;

    /**
     * @param keysUnchecked rows were loaded with foreign keys inactive (--data-only as replica): check every key
     */
    CopyVerifier(Connection holder, Connection target, CatalogSnapshot catalog, Set<TableRef> selected, Set<TableRef> leftOut,
                 CopyOptions options, boolean keysUnchecked, PostPlan postPlan) {
        this.leftOut = leftOut;
        this.holder = holder;
        this.target = target;
        this.catalog = catalog;
        this.selected = selected;
        this.options = options;
        this.keysUnchecked = keysUnchecked;
        this.postPlan = postPlan;
    }

    /** Compares one table's rows on the target with what was copied, using a worker's connections. */
    interface RowCheck {
        List<Problem> check(Workers.Worker w, TableRef table) throws Exception;
    }

    /**
     * @param sequenceValues for each copied sequence, {@code "last_value is_called"} as set on the target
     * @param rowCheck       how to compare rows, or null to fingerprint both sides on the servers
     */
    List<Problem> verify(Workers workers, Collection<TableRef> dataTables, Map<String, String> sequenceValues,
                         RowCheck rowCheck) throws SQLException {
        List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        target.setAutoCommit(true);
        try (Statement s = target.createStatement()) {
            s.execute(Copier.EMPTY_SEARCH_PATH);
        }
        CatalogSnapshot targetCatalog = Copier.without(new CatalogReader(target).read(), CopyState.SCHEMA);
        for (CatalogDiff.Change c : schemaDifferences(catalog, targetCatalog, selected, leftOut,
                options.tables().isEverything())) {
            problems.add(new Problem(c.objectType() + " " + c.objectName(), "schema differs: " + c));
        }
        LOG.info("verify: schema compared in {} ms", (System.nanoTime() - t0) / 1_000_000);
        if (options.schemaOnly()) {
            return problems;
        }
        for (TableRef t : dataTables) {
            workers.submit(0, "verify " + t, w -> {
                problems.addAll(rowCheck != null ? rowCheck.check(w, t) : compareRows(w.source, w.target, t, targetCatalog));
                w.target.commit();
            });
        }
        long t1 = System.nanoTime();
        workers.runAll();
        long t2 = System.nanoTime();
        problems.addAll(orphans());
        long t3 = System.nanoTime();
        problems.addAll(sequences(sequenceValues));
        LOG.info("verify: rows {} ms, foreign keys {} ms, sequences {} ms", (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                (System.nanoTime() - t3) / 1_000_000);
        return problems;
    }

    private List<Problem> compareRows(Connection src, Connection tgt, TableRef t, CatalogSnapshot targetCatalog)
            throws SQLException {
        Table table = catalog.table(t).orElseThrow();
        Table there = targetCatalog.table(t).orElse(null);
        if (there == null) {
            return List.of(new Problem(t.toString(), "missing on the target"));
        }
        Fingerprinter sf = new Fingerprinter(src, options.chunkRows());
        sf.pinSettings();
        String key = Copier.keyColumn(catalog, table);
        Column keyColumn = key == null ? null : table.column(key).orElse(null);
        Chunking chunking = keyColumn == null ? null : sf.chooseChunking(t, table.isPartitioned(), keyColumn, table.rowEstimate());
        TableFingerprint fp = sf.fingerprint(t, table.columns().stream().map(Column::name).toList(), chunking, table.isPartitioned());
        Fingerprinter tf = new Fingerprinter(tgt, options.chunkRows());
        if (!sf.knownAnswer().equals(tf.knownAnswer())) {
            return countsOnly(src, tgt, t, fp.rows());
        }
        DataSnapshot snap = new DataSnapshot(DataSnapshot.FORMAT, catalog.serverVersion(), Instant.now(), sf.knownAnswer(),
                sf.algorithm(), List.of(fp));
        DataComparison cmp = new DataComparer(tf).compare(snap, oneTable(targetCatalog, there), x -> null);
        List<Problem> out = new ArrayList<>();
        for (TableComparison tc : cmp.tables()) {
            if (tc.status() == TableComparison.Status.IDENTICAL) {
                continue;
            }
            for (ChunkChange c : tc.chunks()) {
                out.add(new Problem(t.toString(), "target differs from source in " + c.describe(Identifiers.quote(
                        key == null ? "?" : key)) + " (source " + c.rowsBefore() + ", target " + c.rowsAfter() + " rows)"));
            }
            if (tc.chunks().isEmpty()) {
                out.add(new Problem(t.toString(), "target differs from source: " + tc.status().label()));
            }
        }
        return out;
    }

    /** Two servers whose row hash differs (another major version or architecture): counts are what remains comparable. */
    private List<Problem> countsOnly(Connection src, Connection tgt, TableRef t, long sourceRows) throws SQLException {
        long targetRows = count(tgt, "SELECT count(*) FROM ONLY " + t.sql());
        if (sourceRows != targetRows) {
            return List.of(new Problem(t.toString(), "target has " + targetRows + " rows, source " + sourceRows));
        }
        return List.of();
    }

    /** Orphans per foreign key on both sides; keys the server validated on the target cannot have any. */
    private List<Problem> orphans() throws SQLException {
        Set<String> validatedHere = postPlan.foreignKeys().stream()
                .filter(fk -> fk.validateSql() != null || fk.constraint().validated())
                .map(fk -> fk.constraint().table().sql() + " " + fk.constraint().name()).collect(Collectors.toSet());
        List<Problem> out = new ArrayList<>();
        for (Constraint fk : catalog.foreignKeys()) {
            if (!selected.contains(fk.table()) || !selected.contains(fk.references())) {
                continue;
            }
            if (!keysUnchecked && validatedHere.contains(fk.table().sql() + " " + fk.name())) {
                continue;
            }
            if (catalog.table(fk.table()).map(Table::partitionOf).orElse(null) != null) {
                continue; // checked through the partitioned table that declares it
            }
            String sql = orphanCount(fk);
            long there = count(target, sql);
            long here = count(holder, sql);
            if (there != here) {
                out.add(new Problem(fk.table() + "." + fk.name(), there + " rows reference no row of " + fk.references()
                        + " on the target, " + here + " on the source"));
            }
        }
        return out;
    }

    static String orphanCount(Constraint fk) {
        List<String> join = new ArrayList<>();
        List<String> notNull = new ArrayList<>();
        for (int i = 0; i < fk.columns().size(); i++) {
            String c = "c." + Identifiers.quote(fk.columns().get(i));
            notNull.add(c + " IS NOT NULL");
            join.add("p." + Identifiers.quote(fk.referencedColumns().get(i)) + " = " + c);
        }
        return "SELECT count(*) FROM " + fk.table().sql() + " AS c WHERE " + String.join(" AND ", notNull)
                + " AND NOT EXISTS (SELECT 1 FROM " + fk.references().sql() + " AS p WHERE " + String.join(" AND ", join) + ")";
    }

    /** Each sequence where it was set, and not behind the values already in its column. */
    private List<Problem> sequences(Map<String, String> expected) throws SQLException {
        List<Problem> out = new ArrayList<>();
        for (Sequence s : catalog.sequences()) {
            String want = expected.get(s.ref().sql());
            if (want == null) {
                continue;
            }
            String got;
            long last;
            boolean called;
            try (Statement st = target.createStatement();
                 ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + s.ref().sql())) {
                rs.next();
                last = rs.getLong(1);
                called = rs.getBoolean(2);
                got = last + " " + called;
            }
            if (!want.equals(got)) {
                out.add(new Problem(s.ref().toString(), "sequence is at " + got + " on the target, source " + want));
                continue;
            }
            if (s.ownedBy() != null && selected.contains(s.ownedBy())) {
                Table owner = catalog.table(s.ownedBy()).orElse(null);
                Column col = owner == null ? null : owner.column(s.ownedByColumn()).orElse(null);
                if (col != null && Set.of("smallint", "integer", "bigint").contains(col.type())) {
                    Long max = nullableLong(target, "SELECT max(" + Identifiers.quote(col.name()) + ")::int8 FROM " + s.ownedBy().sql());
                    long next = called ? last + s.increment() : last;
                    if (max != null && s.increment() > 0 && next <= max) {
                        out.add(new Problem(s.ref().toString(), "next value " + next + " collides with " + s.ownedBy() + "."
                                + TableRef.display(col.name()) + " (max " + max + ")"));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The schema differences that matter for a copy, restricted to the copied tables: owners
     * are left out (objects are created by the target's user).
     */
    static List<CatalogDiff.Change> schemaDifferences(CatalogSnapshot source, CatalogSnapshot target, Set<TableRef> selected,
                                                      Set<TableRef> leftOut, boolean everything) {
        CatalogSnapshot a = everything ? source : restrict(source, selected, leftOut);
        CatalogSnapshot b = everything ? target : restrict(target, selected, leftOut);
        return CatalogDiff.between(a, b).changes().stream()
                .filter(c -> c.attributes().isEmpty() || c.attributes().stream().anyMatch(x -> !x.attribute().equals("owner")))
                .toList();
    }

    static CatalogSnapshot restrict(CatalogSnapshot c, Set<TableRef> tables, Set<TableRef> leftOut) {
        return new CatalogSnapshot(c.serverVersion(), c.takenAt(), c.schemaFilter(), c.schemas(),
                c.tables().stream().filter(t -> tables.contains(t.ref())).toList(),
                c.constraints().stream().filter(x -> tables.contains(x.table())).toList(),
                c.indexes().stream().filter(x -> tables.contains(x.table())).toList(),
                c.sequences().stream().filter(s -> s.ownedBy() == null || tables.contains(s.ownedBy())).toList(),
                c.views().stream().filter(v -> !leftOut.contains(new TableRef(v.schema(), v.name()))).toList(), c.functions(),
                c.triggers().stream().filter(x -> tables.contains(x.table())).toList(), c.enums(), c.extensions());
    }

    private static CatalogSnapshot oneTable(CatalogSnapshot c, Table t) {
        return new CatalogSnapshot(c.serverVersion(), c.takenAt(), c.schemaFilter(), List.of(), List.of(t), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Long nullableLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
        }
    }
}
