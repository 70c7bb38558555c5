package dev.bulwark.verify;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.CascadeReach;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Index;
import dev.bulwark.catalog.CatalogSnapshot.Sequence;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import dev.bulwark.catalog.ConstraintKind;
import dev.bulwark.catalog.ForeignKeyEdge;
import dev.bulwark.catalog.ForeignKeyGraph;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.fingerprint.DataComparison;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.pg.SqlStates;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Proves a database intact: schema integrity, data integrity, invariants, cascade report. Runs in
 * one {@code REPEATABLE READ, READ ONLY} transaction, so every check sees the same data and
 * nothing can be written, not even by an invariant query; the transaction is rolled back at the end.
 */
public final class Verifier {
    /** Matches {@code (col IS NOT NULL)} as {@code pg_get_expr} prints a one-column NOT NULL check. */
    private static final Pattern IS_NOT_NULL = Pattern.compile("^\\(*(\"(?:[^\"]|\"\")+\"|[^\\s()\"]+) IS NOT NULL\\)*$");

    private final Connection connection;
    private final VerifyOptions options;
    private final List<Finding> findings = new ArrayList<>();
    private CatalogSnapshot catalog;

    public Verifier(Connection connection, VerifyOptions options) {
        this.connection = connection;
        this.options = options;
    }

    /** Runs every check; {@code database} only labels the result. */
    public VerifyResult run(String database) {
        try {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                // a verify must never queue forever behind a migration's exclusive lock
                s.execute("SET LOCAL lock_timeout = '" + options.lockWait().toMillis() + "ms'");
                // Bulwark's own snapshots, history, audit and journal are not the user's data
                catalog = dev.bulwark.catalog.OwnObjects.without(new CatalogReader(connection).read(options.schemas()));
                ForeignKeyGraph graph = ForeignKeyGraph.of(catalog);
                schemaChecks(graph);
                dataChecks();
                List<InvariantResult> invariants = invariants();
                List<CascadeReach> cascades = new ArrayList<>();
                for (TableRef t : graph.tables()) {
                    if (catalog.table(t).isPresent() && !graph.referencing(t).isEmpty()) {
                        cascades.add(graph.cascadeFrom(t));
                    }
                }
                findings.sort(Comparator.comparing(Finding::check).thenComparing(Finding::object));
                return new VerifyResult(database, catalog.tables().size(), findings, invariants, cascades, graph.cycles(), null);
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException | BulwarkException e) {
            if (SqlStates.is(e, SqlStates.LOCK_NOT_AVAILABLE)) {
                throw new BulwarkException(ErrorCode.DATABASE, "verify waited more than " + options.lockWait().toMillis()
                        + " ms for a lock on " + database + ": another session (a migration?) holds a table exclusively",
                        "run verify again when that session is done; pg_stat_activity shows who it is", e);
            }
            if (e instanceof BulwarkException be) {
                throw be;
            }
            throw new BulwarkException(ErrorCode.DATABASE, "verify failed on " + database + ": " + e.getMessage(),
                    "check the connection and that the user may read every table verified", e);
        }
    }

    /** One {@link Check#DATA_CHANGED} finding per table that changed or vanished and nothing declared it. */
    public static List<Finding> findings(DataComparison comparison) {
        List<Finding> out = new ArrayList<>();
        String since = comparison.takenAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        for (DataComparison.TableComparison t : comparison.tables()) {
            if (!t.status().unexpected()) {
                continue;
            }
            int ranges = t.chunks().size();
            out.add(new Finding(Check.DATA_CHANGED, t.table().toString(), "table " + t.table() + " "
                    + (t.status() == DataComparison.TableComparison.Status.DROPPED ? "was dropped" : "changed")
                    + " since the snapshot of " + since + ": " + t.rowsBefore() + " rows before, " + t.rowsAfter()
                    + " now (" + t.rowsAdded() + " added, " + t.rowsRemoved() + " removed, " + ranges
                    + (ranges == 1 ? " key range differs" : " key ranges differ") + "), and no migration declared it",
                    "if the change is intended, say so in the migration with -- bulwark:expect-change " + t.table()
                            + " (or --expect-change); otherwise restore the data from the backup",
                    t.rowsAdded() + t.rowsRemoved(), List.of()));
        }
        return out;
    }

    /** The catalog read by the last {@link #run}. */
    public CatalogSnapshot catalog() {
        return catalog;
    }

    private void schemaChecks(ForeignKeyGraph graph) throws SQLException {
        for (Table t : catalog.tables()) {
            boolean hasPk = catalog.constraintsOf(t.ref()).stream().anyMatch(c -> c.kind() == ConstraintKind.PRIMARY_KEY);
            if (options.runs(Check.MISSING_PRIMARY_KEY) && !hasPk && t.partitionOf() == null) {
                findings.add(Finding.of(Check.MISSING_PRIMARY_KEY, t.ref().toString(),
                        "table " + t.ref() + " has no primary key" + rows(t),
                        "add one (ALTER TABLE " + t.ref().sql() + " ADD PRIMARY KEY (…)): without it rows cannot be"
                                + " told apart, logical replication cannot update them, and data comparisons are coarser"));
            }
        }
        for (Constraint c : catalog.constraints()) {
            if (options.runs(Check.NOT_VALID_CONSTRAINT) && !c.validated()) {
                findings.add(Finding.of(Check.NOT_VALID_CONSTRAINT, c.table() + "." + TableRef.display(c.name()),
                        c.kind().label() + " constraint " + TableRef.display(c.name()) + " on " + c.table()
                                + " is NOT VALID: rows that existed when it was added were never checked",
                        "fix the rows reported below, then ALTER TABLE " + c.table().sql() + " VALIDATE CONSTRAINT "
                                + Identifiers.quote(c.name()) + " (writes continue while it runs)"));
            }
        }
        for (Index i : catalog.indexes()) {
            if (options.runs(Check.INVALID_INDEX) && !i.valid()) {
                boolean partitioned = catalog.table(i.table()).map(Table::isPartitioned).orElse(false);
                findings.add(Finding.of(Check.INVALID_INDEX, i.objectName(),
                        "index " + i.objectName() + " on " + i.table() + " is invalid"
                                + (partitioned ? ": a partition has no matching index attached"
                                : ": a CREATE INDEX CONCURRENTLY failed; writes still maintain it, queries never use it"
                                + (i.unique() ? ", and it enforces no uniqueness" : "")),
                        partitioned ? "create the index on each partition and ALTER INDEX … ATTACH PARTITION it"
                                : "DROP INDEX CONCURRENTLY " + Identifiers.qualified(i.table().schema(), i.name())
                                + ", then create it again with CREATE INDEX CONCURRENTLY"
                                + (i.unique() ? " once the duplicates reported below are gone" : "")));
            }
        }
        if (options.runs(Check.SEQUENCE_BEHIND)) {
            for (Sequence s : catalog.sequences()) {
                sequenceBehind(s);
            }
        }
        if (options.runs(Check.UNINDEXED_FOREIGN_KEY)) {
            for (Constraint fk : catalog.foreignKeys()) {
                if (!ForeignKeyGraph.isIndexed(catalog, fk)) {
                    String cols = String.join(", ", fk.columns().stream().map(TableRef::display).toList());
                    findings.add(Finding.of(Check.UNINDEXED_FOREIGN_KEY, fk.table() + "." + TableRef.display(fk.name()),
                            "foreign key " + TableRef.display(fk.name()) + " on " + fk.table() + "(" + cols
                                    + ") has no valid index starting with its columns: every delete or key update in "
                                    + fk.references() + " scans " + fk.table() + rows(catalog.table(fk.table()).orElse(null)),
                            "CREATE INDEX CONCURRENTLY ON " + fk.table().sql() + " ("
                                    + String.join(", ", fk.columns().stream().map(Identifiers::quote).toList()) + ")"));
                }
            }
        }
        if (options.runs(Check.DUPLICATE_INDEX)) {
            duplicateIndexes();
        }
    }

    private void sequenceBehind(Sequence s) throws SQLException {
        if (s.ownedBy() == null || catalog.table(s.ownedBy()).isEmpty()) {
            return;
        }
        String sql = "SELECT " + (s.increment() > 0 ? "max" : "min") + "(" + Identifiers.quote(s.ownedByColumn())
                + ")::text FROM " + s.ownedBy().sql();
        String extreme = single(sql);
        if (extreme == null) {
            return;
        }
        BigInteger used;
        try {
            used = new BigInteger(extreme);
        } catch (NumberFormatException e) {
            return; // not an integer column (a sequence feeding text, say): nothing to compare
        }
        BigInteger next = s.lastValue() == null ? BigInteger.valueOf(s.startValue())
                : BigInteger.valueOf(s.lastValue()).add(BigInteger.valueOf(s.increment()));
        boolean behind = s.increment() > 0 ? next.compareTo(used) <= 0 : next.compareTo(used) >= 0;
        if (behind) {
            String column = s.ownedBy() + "." + TableRef.display(s.ownedByColumn());
            String literal = "'" + s.ref().sql().replace("'", "''") + "'";
            findings.add(new Finding(Check.SEQUENCE_BEHIND, s.ref().toString(),
                    "sequence " + s.ref() + " would hand out " + next + " next, but " + column + " already holds "
                            + used + ": the next inserts that use the default fail with duplicate keys",
                    "SELECT pg_catalog.setval(" + literal + ", " + used + ") (rows were probably inserted with explicit"
                            + " ids, or copied without the sequence)", used.subtract(next).abs().add(BigInteger.ONE).longValue(),
                    List.of()));
        }
    }

    private void duplicateIndexes() {
        Map<String, List<Index>> bySignature = new LinkedHashMap<>();
        for (Index i : catalog.indexes()) {
            if (i.valid()) {
                bySignature.computeIfAbsent(i.table().sql() + "|" + i.signature(), k -> new ArrayList<>()).add(i);
            }
        }
        Comparator<Index> keepFirst = Comparator.comparing((Index i) -> !i.primary())
                .thenComparing(i -> i.constraint() == null)
                .thenComparing(i -> !i.unique())
                .thenComparing(Index::name);
        for (List<Index> same : bySignature.values()) {
            if (same.size() < 2) {
                continue;
            }
            List<Index> sorted = same.stream().sorted(keepFirst).toList();
            Index keep = sorted.get(0);
            for (Index dup : sorted.subList(1, sorted.size())) {
                // a unique index duplicating a non-unique one still enforces something: keep both
                if (dup.unique() && !keep.unique()) {
                    continue;
                }
                String drop = dup.constraint() != null
                        ? "ALTER TABLE " + dup.table().sql() + " DROP CONSTRAINT " + Identifiers.quote(dup.constraint())
                        : "DROP INDEX CONCURRENTLY " + Identifiers.qualified(dup.table().schema(), dup.name());
                findings.add(new Finding(Check.DUPLICATE_INDEX, dup.objectName(),
                        "index " + dup.objectName() + " duplicates " + keep.objectName() + " on " + dup.table()
                                + " (same keys, operator classes and predicate): it slows every write and takes "
                                + dup.bytes() + " bytes for nothing", drop, dup.bytes(), List.of()));
            }
        }
    }

    private void dataChecks() throws SQLException {
        for (Constraint c : catalog.constraints()) {
            if (c.kind() == ConstraintKind.FOREIGN_KEY && options.runs(Check.ORPHAN_ROWS)) {
                orphans(c);
            } else if (c.kind() == ConstraintKind.CHECK && !c.validated() && c.checkExpression() != null
                    && options.runs(Check.CHECK_VIOLATION)) {
                checkViolations(c);
            }
        }
        if (options.runs(Check.DUPLICATE_KEYS)) {
            for (Index i : catalog.indexes()) {
                if (i.unique() && !i.valid() && catalog.table(i.table()).isPresent()) {
                    duplicates(i);
                }
            }
        }
    }

    private String from(TableRef t) {
        return IntegrityQueries.from(t.sql(), catalog.table(t).map(Table::isPartitioned).orElse(false));
    }

    private void orphans(Constraint fk) throws SQLException {
        String child = from(fk.table());
        String parent = from(fk.references());
        long orphans;
        long partlyNull;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery(IntegrityQueries.orphanCount(fk, child, parent))) {
            rs.next();
            orphans = rs.getLong(1);
            partlyNull = rs.getLong(2);
        }
        if (orphans + partlyNull == 0) {
            return;
        }
        List<String> sample = strings(IntegrityQueries.orphanSample(fk, child, parent, options.sampleRows()));
        String cols = String.join(", ", fk.columns().stream().map(TableRef::display).toList());
        String refCols = String.join(", ", fk.referencedColumns().stream().map(TableRef::display).toList());
        StringBuilder what = new StringBuilder();
        if (orphans > 0) {
            what.append(orphans).append(orphans == 1 ? " row" : " rows").append(" of ").append(fk.table()).append(" reference")
                    .append(orphans == 1 ? "s" : "").append(" no row of ").append(fk.references()).append('(').append(refCols).append(')');
        }
        if (partlyNull > 0) {
            what.append(what.length() > 0 ? ", and " : "").append(partlyNull).append(partlyNull == 1 ? " row" : " rows")
                    .append(" of ").append(fk.table()).append(" have a partly NULL key, which MATCH FULL forbids");
        }
        findings.add(new Finding(Check.ORPHAN_ROWS, fk.table() + "." + TableRef.display(fk.name()),
                what + " through foreign key " + TableRef.display(fk.name()) + " (" + cols + ")"
                        + (fk.validated() ? ", although it is validated (were triggers disabled?)" : ", which is NOT VALID"),
                "delete or repair those rows (or restore the missing " + fk.references() + " rows)"
                        + (fk.validated() ? "" : ", then VALIDATE CONSTRAINT " + Identifiers.quote(fk.name())),
                orphans + partlyNull, sample));
    }

    private void checkViolations(Constraint check) throws SQLException {
        long n = Long.parseLong(single(IntegrityQueries.checkViolationCount(check, from(check.table()))));
        if (n == 0) {
            return;
        }
        Matcher m = IS_NOT_NULL.matcher(check.checkExpression());
        String rows = n + (n == 1 ? " row" : " rows") + " of " + check.table();
        String message = m.matches()
                ? rows + " have NULL in " + m.group(1) + ", which NOT VALID constraint " + TableRef.display(check.name())
                + " forbids"
                : rows + " violate NOT VALID constraint " + TableRef.display(check.name()) + " " + check.definition();
        findings.add(new Finding(Check.CHECK_VIOLATION, check.table() + "." + TableRef.display(check.name()), message,
                "update those rows (SELECT * FROM " + check.table().sql() + " WHERE (" + check.checkExpression()
                        + ") IS FALSE), then VALIDATE CONSTRAINT " + Identifiers.quote(check.name()), n, List.of()));
    }

    private void duplicates(Index index) throws SQLException {
        String from = from(index.table());
        long groups;
        long rows;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery(IntegrityQueries.duplicateGroups(index, from,
                     "count(*), COALESCE(sum(n), 0)", ""))) {
            rs.next();
            groups = rs.getLong(1);
            rows = rs.getLong(2);
        }
        if (groups == 0) {
            return;
        }
        List<String> sample = strings(IntegrityQueries.duplicateGroups(index, from, "k || ' × ' || n",
                " ORDER BY n DESC, k LIMIT " + options.sampleRows()));
        findings.add(new Finding(Check.DUPLICATE_KEYS, index.objectName(),
                rows + " rows of " + index.table() + " share " + groups + (groups == 1 ? " key" : " keys")
                        + " of invalid unique index " + index.objectName() + " (" + String.join(", ",
                        index.keyDefinitions()) + "), which therefore cannot be built",
                "remove or merge the duplicates, then DROP INDEX CONCURRENTLY "
                        + Identifiers.qualified(index.table().schema(), index.name()) + " and create it again",
                rows, sample));
    }

    private List<InvariantResult> invariants() throws SQLException {
        Path dir = options.checksDir();
        if (dir == null || !Files.isDirectory(dir) || !options.runs(Check.INVARIANT)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".sql") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw BulwarkException.usage("cannot list " + dir + ": " + e.getMessage(), "check the checks folder");
        }
        List<InvariantResult> out = new ArrayList<>();
        for (Path f : files) {
            String sql;
            try {
                sql = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw BulwarkException.usage("cannot read " + f + ": " + e.getMessage(), "check the file's permissions");
            }
            InvariantResult r = invariant(dir.relativize(f).toString(), sql);
            out.add(r);
            if (!r.passed()) {
                findings.add(new Finding(Check.INVARIANT, r.name(), r.error() != null
                        ? "invariant " + r.name() + " failed to run: " + r.error()
                        : "invariant " + r.name() + " returned " + (r.moreRows() ? "more than " + r.rows().size() : r.rows().size())
                        + (r.rows().size() == 1 && !r.moreRows() ? " row" : " rows") + "; it must return none",
                        r.error() != null ? "fix the query in " + r.name() + " (it runs read-only)"
                                : "the rows shown violate the rule " + r.name() + " states: repair them",
                        null, r.rows()));
            }
        }
        return out;
    }

    private InvariantResult invariant(String name, String sql) throws SQLException {
        Savepoint sp = connection.setSavepoint();
        try (Statement s = connection.createStatement()) {
            s.setMaxRows(options.sampleRows() + 1);
            try (ResultSet rs = s.executeQuery(stripTrailingSemicolon(sql))) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int c = 1; c <= md.getColumnCount(); c++) {
                    columns.add(md.getColumnLabel(c));
                }
                List<String> rows = new ArrayList<>();
                boolean more = false;
                while (rs.next()) {
                    if (rows.size() == options.sampleRows()) {
                        more = true;
                        break;
                    }
                    StringBuilder row = new StringBuilder();
                    for (int c = 1; c <= columns.size(); c++) {
                        row.append(c > 1 ? ", " : "").append(columns.get(c - 1)).append('=').append(rs.getString(c));
                    }
                    rows.add(row.toString());
                }
                connection.releaseSavepoint(sp);
                return new InvariantResult(name, rows.isEmpty() && !more, columns, rows, more, null);
            }
        } catch (SQLException e) {
            connection.rollback(sp);
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new InvariantResult(name, false, List.of(), List.of(), false, msg);
        }
    }

    private static String stripTrailingSemicolon(String sql) {
        return sql.strip().replaceAll(";\\s*$", "");
    }

    private String single(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        if (options.sampleRows() == 0) {
            return out;
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String rows(Table t) {
        return t == null || t.rowEstimate() == null ? "" : " (about " + t.rowEstimate() + " rows)";
    }
}
