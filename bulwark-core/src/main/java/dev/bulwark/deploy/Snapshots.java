package dev.bulwark.deploy;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.backup.PrivateFiles;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.sql.analysis.StatementEffect.RowChange;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;
import dev.bulwark.pg.Identifiers;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Copies of the data a destructive statement removes (a dropped table or column, deleted,
 * updated or truncated rows), taken before the deploy applies anything, so a rollback can put
 * the data back after the downs have recreated the structure. Kept in the
 * {@code bulwark_snapshots} schema, or as CSV files with a JSON index in a folder, for a
 * retention window.
 *
 * <p>Taken before the first migration runs, they hold the state a rollback returns to: a
 * rollback undoes every migration of the deploy, so the pre-deploy rows are the right ones even
 * when an earlier migration of the same deploy changed them.
 */
public final class Snapshots {
    public static final String SCHEMA = "bulwark_snapshots";
    private static final String INDEX = Identifiers.qualified(SCHEMA, "snapshot");

    private final Path dir;

    /** @param dir a folder for file snapshots, or null for the {@value #SCHEMA} schema */
    public Snapshots(Path dir) {
        this.dir = dir;
    }

    /**
     * One snapshot.
     *
     * @param id          unique name: the snapshot table in {@value #SCHEMA}, or the CSV file's base name
     * @param kind        what the statement does
     * @param keyColumns  the primary key the rows are matched on when restoring (empty: none)
     * @param columns     the columns copied (keys first)
     * @param statement   the statement's position and text
     * @param restoredAt  when a rollback restored it, or null
     * @param updatedKeys the key columns an UPDATE sets (empty: none, or not an UPDATE; null, from a snapshot
     *                    recorded before this was kept, reads as empty): its rows cannot be matched back by key
     * @param keysUnknown for an UPDATE with a primary key and no key column in its SET list: whether its keys may
     *                    still move, because its SET list is not known (MERGE, an unread SET) or a row trigger may
     *                    change more than it; null (a snapshot recorded before this was kept) reads as "may",
     *                    for any UPDATE with a key that names no key column
     */
    public record Snapshot(String id, String deployId, String migration, String statement, RowKind kind, TableRef table,
                           List<String> keyColumns, List<String> columns, long rows, Instant createdAt, Instant restoredAt,
                           String location, List<String> updatedKeys, Boolean keysUnknown) {
        public Snapshot {
            keyColumns = List.copyOf(keyColumns);
            columns = List.copyOf(columns);
            updatedKeys = updatedKeys == null ? List.of() : List.copyOf(updatedKeys);
            if (keysUnknown == null) {
                keysUnknown = kind == RowKind.UPDATE && !keyColumns.isEmpty() && updatedKeys.isEmpty();
            }
        }

        Snapshot restored(Instant at) {
            return new Snapshot(id, deployId, migration, statement, kind, table, keyColumns, columns, rows, createdAt, at, location,
                    updatedKeys, keysUnknown);
        }

        /**
         * Why a rollback may be unable to put this snapshot's rows back, said before anything runs, or null: an
         * UPDATE that sets a key column moves rows to other keys (an old key gone, a new one perhaps another row's
         * old key, or one the application used since); on a table without a primary
         * key, the rows an UPDATE, a dropped column or a type change altered cannot be told apart at all (removed
         * rows can: they are what the table lacks).
         */
        public String caveat() {
            String why = movesKeys() != null ? movesKeys() + ": a rollback cannot match its rows back by key"
                    : unmatchable() ? table + " has no primary key, and its " + kind.label() + " changes rows in place: a rollback"
                    + " cannot match its rows back" : null;
            return why == null ? null : why + ", so it puts nothing back: it passes only if the downs leave every row as it was,"
                    + " and otherwise refuses, with the rows kept in " + location;
        }

        /** For an UPDATE that sets a key column: which, as a reason; else null. */
        String movesKeys() {
            return updatedKeys.isEmpty() ? null : "the UPDATE of " + table + " sets its key column" + (updatedKeys.size() > 1 ? "s " : " ")
                    + String.join(", ", updatedKeys);
        }

        /** Rows changed in place on a table without a primary key: nothing to match them by. */
        boolean unmatchable() {
            return keyColumns.isEmpty() && !removesRows();
        }

        /** The statement removed rows (DROP TABLE, DELETE, TRUNCATE): a restore inserts what the table lacks. */
        boolean removesRows() {
            return kind == RowKind.DROP_TABLE || kind == RowKind.DELETE || kind == RowKind.TRUNCATE;
        }
    }

    /**
     * One snapshot a deploy will take: a destructive row change of a statement of a migration.
     *
     * @param triggered an UPDATE of a table an earlier statement of the run gives a trigger (CREATE TRIGGER, ENABLE
     *                  TRIGGER): it may change more than its SET list, which the copy, taken before that trigger
     *                  exists, cannot see on the table
     */
    public record Planned(String migration, dev.bulwark.sql.Statement statement, RowChange change, boolean triggered) {
        public Planned(String migration, dev.bulwark.sql.Statement statement, RowChange change) {
            this(migration, statement, change, false);
        }
    }

    /**
     * What a deploy of {@code pending} snapshots, in order: every row change the statement model
     * calls destructive on a table that existed before the migration ({@link
     * dev.bulwark.sql.analysis.StatementEffect#dataLoss()}), each statement analysed in the schema
     * folded from every migration of {@code ordered} before it. The snapshots are taken before the
     * first migration runs, so each change is named as its table and columns were called then
     * ({@link dev.bulwark.sql.analysis.NamesAtStart}: a column renamed by an earlier migration of
     * the deploy and dropped by a later one is copied under its old name).
     */
    public static List<Planned> plan(List<dev.bulwark.migration.Migration> ordered, java.util.Set<String> pending) {
        return inRunOrder(new ArrayList<>(dev.bulwark.sql.analysis.StatementAnalysis.ups(ordered, pending,
                dev.bulwark.sql.analysis.StatementAnalysis.DEFAULT_PG_MAJOR).entrySet()));
    }

    /**
     * What the downs of {@code reverted} destroy, in the order a rollback runs them (the newest
     * migration's down first): every destructive row change the statement model sees in a down,
     * on a table that exists when the down runs, the tables and columns the migration's own up
     * created included (a column added by the up holds the values written since it was applied).
     * A rollback takes these before it runs the downs, so nothing it destroys is lost for good;
     * like {@link #plan}, under the names they have before the first down runs.
     */
    public static List<Planned> planDowns(List<dev.bulwark.migration.Migration> ordered, java.util.Set<String> reverted) {
        List<java.util.Map.Entry<String, List<dev.bulwark.sql.analysis.StatementEffect>>> downs = new ArrayList<>(
                dev.bulwark.sql.analysis.StatementAnalysis.downs(ordered, reverted, dev.bulwark.sql.analysis.StatementAnalysis.DEFAULT_PG_MAJOR)
                        .entrySet());
        java.util.Collections.reverse(downs);
        return inRunOrder(downs);
    }

    /**
     * The destructive row changes of statements run in this order, named as before the first ran. An
     * UPDATE of a table that an earlier statement of the run gives a trigger (CREATE TRIGGER, ENABLE
     * TRIGGER) counts as changing every column: the copy is taken before that trigger exists.
     */
    private static List<Planned> inRunOrder(List<java.util.Map.Entry<String, List<dev.bulwark.sql.analysis.StatementEffect>>> run) {
        List<Planned> out = new ArrayList<>();
        dev.bulwark.sql.analysis.NamesAtStart names = new dev.bulwark.sql.analysis.NamesAtStart();
        java.util.Set<String> triggered = new java.util.HashSet<>();
        for (var migration : run) {
            for (dev.bulwark.sql.analysis.StatementEffect e : migration.getValue()) {
                for (RowChange d : e.dataLoss()) {
                    // the SET list is kept: it still says whether a key column is set
                    out.add(new Planned(migration.getKey(), e.statement(), names.atStart(d),
                            d.kind() == RowKind.UPDATE && triggered.contains(d.table())));
                }
                if (e.target() != null && (e.objects().stream().anyMatch(o -> o.kind() == dev.bulwark.sql.analysis.StatementEffect.ObjectKind.TRIGGER)
                        || e.recognized() instanceof dev.bulwark.lint.recognize.Recognized.AlterTable
                        && e.statement().tokens().stream().anyMatch(t -> t.isWord("enable")))) {
                    triggered.add(e.target());
                }
                names.after(e);
            }
        }
        return out;
    }

    /** Whether a snapshot named {@code id} exists (a rollback resumed after a kill takes each of its snapshots once). */
    public boolean exists(Connection c, String id) throws SQLException {
        return list(c).stream().anyMatch(s -> s.id().equals(id));
    }

    /**
     * Copies what {@code d} (a destructive row change of {@code from}, as the statement model
     * describes it) would destroy. Returns null when the table does not exist yet (it is created
     * by the same deploy: a rollback drops it anyway).
     */
    public Snapshot take(Connection c, String deployId, int index, String migration, dev.bulwark.sql.Statement from, RowChange d)
            throws SQLException {
        return take(c, deployId + "_" + index, deployId, migration, from, d);
    }

    /** Like {@link #take(Connection, String, int, String, dev.bulwark.sql.Statement, RowChange)}, under the name {@code id}. */
    public Snapshot take(Connection c, String id, String deployId, String migration, dev.bulwark.sql.Statement from, RowChange d)
            throws SQLException {
        return take(c, id, deployId, migration, from, d, false);
    }

    /** Takes planned snapshot {@code p} under the name {@code id}. */
    public Snapshot take(Connection c, String id, String deployId, Planned p) throws SQLException {
        return take(c, id, deployId, p.migration(), p.statement(), p.change(), p.triggered());
    }

    private Snapshot take(Connection c, String id, String deployId, String migration, dev.bulwark.sql.Statement from, RowChange d,
                          boolean triggered) throws SQLException {
        TableRef table = resolve(c, d.schema(), d.bareName());
        if (table == null) {
            return null;
        }
        List<String> key = primaryKey(c, table);
        List<String> all = columns(c, table);
        List<String> cols = new ArrayList<>(key);
        List<String> updatedKeys = d.kind() == RowKind.UPDATE ? key.stream().filter(d.columns()::contains).toList() : List.of();
        // an UPDATE changes only the columns it sets, unless it sets a key column (the rows could not be matched
        // back), or a trigger rewrites more of the row (updated_at; on the table or any partition, or one the run creates
        // before the UPDATE): then every column
        boolean updateOfColumns = d.kind() == RowKind.UPDATE && !d.columns().isEmpty() && d.columns().stream().noneMatch(key::contains)
                && !triggered && rowTriggers(c, table).isEmpty();
        boolean keysUnknown = d.kind() == RowKind.UPDATE && !key.isEmpty() && updatedKeys.isEmpty() && !updateOfColumns;
        if ((d.kind() == RowKind.DROP_COLUMN || d.kind() == RowKind.TYPE_CHANGE || updateOfColumns) && !key.isEmpty()) {
            d.columns().stream().filter(all::contains).filter(x -> !key.contains(x)).forEach(cols::add);
            if (cols.size() == key.size()) {
                return null; // the columns do not exist yet (the deploy adds them: its rollback drops them)
            }
        } else {
            cols = all;
        }
        String select = "SELECT " + cols.stream().map(Identifiers::quote).collect(Collectors.joining(", ")) + " FROM " + table.sql();
        String statement = from.position() + " " + from.sql().strip().replaceAll("\\s+", " ");
        statement = statement.length() > 200 ? statement.substring(0, 200) + "…" : statement;
        long rows;
        String location;
        if (dir == null) {
            // the copy and its index row commit together: a kill leaves both or neither
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                ensureSchema(c);
                try (Statement s = c.createStatement()) {
                    rows = s.executeUpdate("CREATE TABLE " + Identifiers.qualified(SCHEMA, id) + " AS " + select);
                }
                location = Identifiers.qualified(SCHEMA, id);
                Snapshot snap = new Snapshot(id, deployId, migration, statement, d.kind(), table, key, cols, rows, Instant.now(), null, location,
                        updatedKeys, keysUnknown);
                record(c, snap);
                c.commit();
                return snap;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } else {
            PrivateFiles.directory(dir);
            Path file = PrivateFiles.create(dir.resolve(id + ".csv"));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                rows = copy(c).copyOut("COPY (" + select + ") TO STDOUT (FORMAT csv)", out);
            } catch (IOException e) {
                throw BulwarkException.usage("cannot write snapshot " + file + ": " + e.getMessage(), "check the --snapshot-dir folder");
            }
            location = file.toString();
        }
        Snapshot snap = new Snapshot(id, deployId, migration, statement, d.kind(), table, key, cols, rows, Instant.now(), null, location,
                updatedKeys, keysUnknown);
        record(c, snap);
        return snap;
    }

    /**
     * An enabled user trigger that rewrites the rows it fires on: BEFORE … FOR EACH ROW on INSERT or
     * UPDATE. {@code relation} is its table (or partition, or inheritance child) as regclass text.
     */
    private record RowTrigger(String relation, String name, String enabled, boolean owned) {
    }

    /** The row-rewriting triggers of {@code table} and of every partition or child table under it. */
    private static List<RowTrigger> rowTriggers(Connection c, TableRef table) throws SQLException {
        List<RowTrigger> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE tree(relid) AS (SELECT pg_catalog.to_regclass(?)::oid"
                + " UNION SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree ON i.inhparent = tree.relid)"
                + " SELECT t.tgrelid::regclass::text, t.tgname, t.tgenabled, pg_catalog.pg_has_role(r.relowner, 'USAGE')"
                + " FROM pg_catalog.pg_trigger t JOIN tree ON t.tgrelid = tree.relid JOIN pg_catalog.pg_class r ON r.oid = t.tgrelid"
                // tgtype bits: 1 row, 2 before, 4 insert, 16 update
                + " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 3) = 3 AND (t.tgtype & 20) <> 0 ORDER BY 1, 2")) {
            ps.setString(1, table.sql());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RowTrigger(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
                }
            }
        }
        return out;
    }

    /**
     * Puts the snapshot's rows back after the downs ran: rows missing by primary key are
     * inserted (for drops, deletes and truncates), rows whose values differ are set back.
     * Without a primary key, missing rows are found as a multiset difference; rows an UPDATE, a
     * dropped column or a type change altered cannot be matched, so nothing is written: it passes
     * when every copied row is in the table as it was, and is otherwise an error naming the
     * snapshot. So is an UPDATE that set a key column ({@link Snapshot#movesKeys()}): its rows pass
     * only when every copied row is in the table as it was. An UPDATE whose keys may have moved
     * unseen ({@link Snapshot#keysUnknown()}: SET list not known, a row trigger) goes back by key
     * only when every key of the copy is in the table: a missing one means rows moved to other keys
     * or were deleted since, and matching by key would write one row's values into another that took
     * its key and leave the moved rows; that is an error too, and nothing is written.
     *
     * @return rows inserted plus rows updated
     */
    public long restore(Connection c, Snapshot s) throws SQLException {
        return restore(c, s, null);
    }

    /** Work that commits in the restore's own transaction (the deploy journal's done-mark). */
    public interface InTransaction {
        void run(Connection c) throws SQLException;
    }

    /**
     * Like {@link #restore(Connection, Snapshot)}; {@code alsoCommit} runs in the same transaction
     * as the restore, just before it commits, so the rows and the record that they are back commit
     * together. The restore is idempotent anyway: rows are put back only where missing or different.
     */
    public long restore(Connection c, Snapshot s, InTransaction alsoCommit) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '10s'");
            if (resolve(c, s.table().schema(), s.table().name()) == null) {
                throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "snapshot " + s.id() + ": table " + s.table()
                        + " does not exist after the rollback, so its " + s.rows() + " rows cannot be put back",
                        "recreate the table and restore from " + s.location());
            }
            List<String> present = columns(c, s.table());
            List<String> missing = s.columns().stream().filter(x -> !present.contains(x)).toList();
            if (!missing.isEmpty()) {
                throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "snapshot " + s.id() + ": " + s.table() + " has no column "
                        + String.join(", ", missing) + " after the rollback (the down did not recreate it)",
                        "add the column back and restore its values from " + s.location());
            }
            String src = source(c, s);
            long changed;
            if (s.unmatchable() || s.movesKeys() != null) {
                requireBack(st, s, src); // nothing to match the rows by: nothing is written
                changed = 0;
            } else {
                if (s.keysUnknown() || siblingMovedKeys(c, s)) {
                    requireKeysPresent(st, s, src);
                }
                changed = putBack(c, st, s, src);
            }
            markRestored(c, s);
            if (alsoCommit != null) {
                alsoCommit.run(c);
            }
            dev.bulwark.CrashPoint.here("deploy.snapshot.restore.before-commit");
            c.commit();
            return changed;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * For rows with nothing to match them by (a table without a primary key, or an UPDATE that set a key
     * column: an old key is gone, and a new one may be another row's old key, or a key the application used
     * since): passes only when every copied row is in the table as it was, compared as text (a column of a
     * type without equality, json or point, compares too) and as multisets (without a key, two equal rows are
     * two rows).
     */
    private static void requireBack(Statement st, Snapshot s, String src) throws SQLException {
        String asText = s.columns().stream().map(x -> Identifiers.quote(x) + "::text").collect(Collectors.joining(", "));
        try (ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT " + asText + " FROM " + src + " EXCEPT ALL SELECT " + asText
                + " FROM " + s.table().sql() + ")")) {
            rs.next();
            if (rs.getBoolean(1)) {
                String why = s.movesKeys() != null ? s.movesKeys() + ", so its rows cannot be matched back by key"
                        : s.table() + " has no primary key, and its " + s.kind().label() + " changed rows in place, so its rows"
                        + " cannot be matched back";
                throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "snapshot " + s.id() + ": " + why
                        + " and were not put back", "compare with " + s.location() + " by hand, or restore the backup");
            }
        }
    }

    /**
     * Whether another snapshot of the same deploy and table says its keys moved, or may have: this copy's
     * keys may then name other rows too. Read from the index, so a resumed rollback sees it as the first did.
     */
    private boolean siblingMovedKeys(Connection c, Snapshot s) throws SQLException {
        return !s.keyColumns().isEmpty() && !s.removesRows() && list(c).stream().anyMatch(o -> !o.id().equals(s.id())
                && o.deployId().equals(s.deployId()) && o.table().equals(s.table()) && (o.movesKeys() != null || o.keysUnknown()));
    }

    /**
     * For an UPDATE whose keys may have moved unseen: a key of the copy missing from the table means rows moved
     * to other keys or were deleted since, and matching by key would write one row's values into another that
     * took its key and leave the moved rows. Then nothing is written.
     */
    private static void requireKeysPresent(Statement st, Snapshot s, String src) throws SQLException {
        long gone;
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + src + " AS s WHERE NOT EXISTS (SELECT 1 FROM "
                + s.table().sql() + " AS t WHERE " + matchOnKey(s) + ")")) {
            rs.next();
            gone = rs.getLong(1);
        }
        if (gone > 0) {
            throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "snapshot " + s.id() + ": " + gone + " of its rows' keys"
                    + " are no longer in " + s.table() + " (" + (s.keysUnknown() ? "its UPDATE's SET list was not known, or a trigger"
                    + " may have set a key column" : "another statement of the deploy set a key column") + "; or the rows were"
                    + " deleted since), so its rows cannot be matched back by key and were not put back",
                    "compare with " + s.location() + " by hand, or restore the backup");
        }
    }

    /** {@code t.k = s.k AND …} over the snapshot's key columns. */
    private static String matchOnKey(Snapshot s) {
        return s.keyColumns().stream().map(k -> "t." + Identifiers.quote(k) + " = s." + Identifiers.quote(k))
                .collect(Collectors.joining(" AND "));
    }

    /**
     * Writes the copy's rows back: rows missing by key are inserted (for drops, deletes and truncates; without a
     * key, as a multiset difference), rows whose values differ are set back.
     *
     * @return rows inserted plus rows updated
     */
    private static long putBack(Connection c, Statement st, Snapshot s, String src) throws SQLException {
        String cols = s.columns().stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        // the rows go back as they were: a trigger that rewrites rows (an updated_at stamp) is off for this
        // transaction only, each on its own relation (ONLY: a partition's copy keeps its own state). That takes
        // SHARE ROW EXCLUSIVE on the table until the restore commits, and needs its owner's rights: without them the
        // triggers stay on (as before), and the rollback's comparison says what they changed. Other triggers (AFTER,
        // keeping a count elsewhere right) fire as the rows come back.
        List<RowTrigger> triggers = rowTriggers(c, s.table());
        if (triggers.stream().anyMatch(t -> !t.owned())) {
            triggers = List.of();
        }
        for (RowTrigger t : triggers) {
            st.execute("ALTER TABLE ONLY " + t.relation() + " DISABLE TRIGGER " + Identifiers.quote(t.name()));
        }
        boolean inserts = s.removesRows();
        long changed = 0;
        if (s.keyColumns().isEmpty()) { // rows removed (rows changed in place are requireBack's): a multiset difference
            changed += st.executeUpdate("INSERT INTO " + s.table().sql() + " (" + cols + ") OVERRIDING SYSTEM VALUE SELECT * FROM"
                    + " (SELECT " + cols + " FROM " + src + " EXCEPT ALL SELECT " + cols + " FROM " + s.table().sql() + ") AS m");
        } else {
            String match = matchOnKey(s);
            List<String> values = s.columns().stream().filter(x -> !s.keyColumns().contains(x)).toList();
            if (!values.isEmpty()) {
                String set = values.stream().map(v -> Identifiers.quote(v) + " = s." + Identifiers.quote(v)).collect(Collectors.joining(", "));
                String differ = "(" + values.stream().map(v -> "t." + Identifiers.quote(v)).collect(Collectors.joining(", ")) + ")"
                        + " IS DISTINCT FROM (" + values.stream().map(v -> "s." + Identifiers.quote(v)).collect(Collectors.joining(", ")) + ")";
                changed += st.executeUpdate("UPDATE " + s.table().sql() + " AS t SET " + set + " FROM " + src + " AS s WHERE "
                        + match + " AND " + differ);
            }
            if (inserts) {
                changed += st.executeUpdate("INSERT INTO " + s.table().sql() + " (" + cols + ") OVERRIDING SYSTEM VALUE SELECT "
                        + s.columns().stream().map(x -> "s." + Identifiers.quote(x)).collect(Collectors.joining(", "))
                        + " FROM " + src + " AS s WHERE NOT EXISTS (SELECT 1 FROM " + s.table().sql() + " AS t WHERE " + match + ")");
            }
        }
        if (!triggers.isEmpty()) {
            // deferred foreign key checks of the rows put back must run first: ALTER TABLE refuses while they are pending
            st.execute("SET CONSTRAINTS ALL IMMEDIATE");
        }
        for (RowTrigger t : triggers) {
            st.execute("ALTER TABLE ONLY " + t.relation() + " ENABLE " + switch (t.enabled()) {
                case "R" -> "REPLICA ";
                case "A" -> "ALWAYS ";
                default -> "";
            } + "TRIGGER " + Identifiers.quote(t.name()));
        }
        return changed;
    }

    /** The relation rows are read from: the snapshot table, or a temporary table loaded from the CSV file. */
    private String source(Connection c, Snapshot s) throws SQLException {
        if (dir == null) {
            return Identifiers.qualified(SCHEMA, s.id());
        }
        String tmp = Identifiers.quote("bulwark_restore_" + s.id());
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE " + tmp + " ON COMMIT DROP AS SELECT "
                    + s.columns().stream().map(Identifiers::quote).collect(Collectors.joining(", ")) + " FROM " + s.table().sql() + " WITH NO DATA");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(s.location())), 1 << 16)) {
            copy(c).copyIn("COPY " + tmp + " FROM STDIN (FORMAT csv)", in);
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.FAILED_NOT_ROLLED_BACK, "cannot read snapshot " + s.location() + ": " + e.getMessage(),
                    "restore the file and run the restore by hand");
        }
        return tmp;
    }

    /** Every snapshot, oldest first. */
    public List<Snapshot> list(Connection c) throws SQLException {
        List<Snapshot> out = new ArrayList<>();
        if (dir != null) {
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                    for (Path f : files) {
                        out.add(CatalogJson.read(f, Snapshot.class));
                    }
                } catch (IOException e) {
                    throw BulwarkException.usage("cannot list " + dir + ": " + e.getMessage(), "check the folder");
                }
            }
            out.sort(java.util.Comparator.comparing(Snapshot::createdAt).thenComparing(Snapshot::id));
            return out;
        }
        if (!indexExists(c)) {
            return out;
        }
        // an index made by a version before updated_keys, and no snapshot taken since: none of its snapshots set a key it knew of
        String updatedKeys = hasColumn(c, "updated_keys") ? "updated_keys" : "'{}'::text[]";
        String keysUnknown = hasColumn(c, "keys_unknown") ? "keys_unknown" : "NULL::boolean";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, deploy_id, migration, statement, kind,"
                + " table_schema, table_name, key_columns, columns, rows, created_at, restored_at, " + updatedKeys + ", " + keysUnknown
                + " FROM " + INDEX
                + " ORDER BY created_at, id")) {
            while (rs.next()) {
                out.add(new Snapshot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), RowKind.valueOf(rs.getString(5)),
                        new TableRef(rs.getString(6), rs.getString(7)), List.of((String[]) rs.getArray(8).getArray()),
                        List.of((String[]) rs.getArray(9).getArray()), rs.getLong(10), rs.getTimestamp(11).toInstant(),
                        rs.getTimestamp(12) == null ? null : rs.getTimestamp(12).toInstant(), Identifiers.qualified(SCHEMA, rs.getString(1)),
                        List.of((String[]) rs.getArray(13).getArray()), (Boolean) rs.getObject(14)));
            }
        }
        return out;
    }

    /** Drops snapshots older than {@code retention}; returns them. */
    public List<Snapshot> prune(Connection c, Duration retention, boolean dryRun) throws SQLException {
        return prune(c, retention, dryRun, null);
    }

    /** Drops snapshots older than {@code retention}, except those of deploy {@code keepDeployId} (may be null). */
    public List<Snapshot> prune(Connection c, Duration retention, boolean dryRun, String keepDeployId) throws SQLException {
        Instant cutoff = Instant.now().minus(retention);
        List<Snapshot> old = list(c).stream().filter(s -> s.createdAt().isBefore(cutoff))
                .filter(s -> !s.deployId().equals(keepDeployId)).toList();
        if (!dryRun) {
            for (Snapshot s : old) {
                if (dir == null) {
                    try (Statement st = c.createStatement()) {
                        st.execute("DROP TABLE IF EXISTS " + Identifiers.qualified(SCHEMA, s.id()));
                        st.execute("DELETE FROM " + INDEX + " WHERE id = '" + s.id().replace("'", "''") + "'");
                    }
                } else {
                    PrivateFiles.delete(Path.of(s.location()));
                    PrivateFiles.delete(dir.resolve(s.id() + ".json"));
                }
            }
        }
        return old;
    }

    // ------------------------------------------------------------------ helpers

    private void record(Connection c, Snapshot s) throws SQLException {
        if (dir != null) {
            PrivateFiles.write(dir.resolve(s.id() + ".json"), CatalogJson.write(s));
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + INDEX + " (id, deploy_id, migration, statement, kind,"
                + " table_schema, table_name, key_columns, columns, rows, created_at, updated_keys, keys_unknown)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, s.id());
            ps.setString(2, s.deployId());
            ps.setString(3, s.migration());
            ps.setString(4, s.statement());
            ps.setString(5, s.kind().name());
            ps.setString(6, s.table().schema());
            ps.setString(7, s.table().name());
            ps.setArray(8, c.createArrayOf("text", s.keyColumns().toArray()));
            ps.setArray(9, c.createArrayOf("text", s.columns().toArray()));
            ps.setLong(10, s.rows());
            ps.setTimestamp(11, Timestamp.from(s.createdAt()));
            ps.setArray(12, c.createArrayOf("text", s.updatedKeys().toArray()));
            ps.setBoolean(13, s.keysUnknown());
            ps.executeUpdate();
        }
    }

    private void markRestored(Connection c, Snapshot s) throws SQLException {
        Instant now = Instant.now();
        if (dir != null) {
            PrivateFiles.write(dir.resolve(s.id() + ".json"), CatalogJson.write(s.restored(now)));
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + INDEX + " SET restored_at = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, s.id());
            ps.executeUpdate();
        }
    }

    private static void ensureSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(SCHEMA));
            s.execute("CREATE TABLE IF NOT EXISTS " + INDEX + " (id text PRIMARY KEY, deploy_id text NOT NULL, migration text NOT NULL,"
                    + " statement text NOT NULL, kind text NOT NULL, table_schema text NOT NULL, table_name text NOT NULL,"
                    + " key_columns text[] NOT NULL, columns text[] NOT NULL, rows bigint NOT NULL, created_at timestamptz NOT NULL,"
                    + " restored_at timestamptz, updated_keys text[] NOT NULL DEFAULT '{}', keys_unknown boolean)");
            if (!hasColumn(c, "keys_unknown")) {
                // an index made by an older version: its snapshots set no key it knew of (ALTER only when missing, for its lock)
                s.execute("ALTER TABLE " + INDEX + " ADD COLUMN IF NOT EXISTS updated_keys text[] NOT NULL DEFAULT '{}',"
                        + " ADD COLUMN IF NOT EXISTS keys_unknown boolean"); // NULL: not known, read as "may" (Snapshot)
            }
        }
    }

    private static boolean hasColumn(Connection c, String column) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute"
                + " WHERE attrelid = pg_catalog.to_regclass('" + INDEX.replace("'", "''") + "') AND attname = '" + column
                + "' AND NOT attisdropped)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static boolean indexExists(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.to_regclass('" + INDEX.replace("'", "''") + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The table a name resolves to on the search_path, or null when there is none. */
    static TableRef resolve(Connection c, String schema, String table) throws SQLException {
        String text = schema == null ? Identifiers.quote(table) : Identifiers.qualified(schema, table);
        try (PreparedStatement ps = c.prepareStatement("SELECT ns.nspname, cl.relname FROM pg_catalog.pg_class cl"
                + " JOIN pg_catalog.pg_namespace ns ON ns.oid = cl.relnamespace WHERE cl.oid = pg_catalog.to_regclass(?) AND cl.relkind IN ('r', 'p')")) {
            ps.setString(1, text);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new TableRef(rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    private static List<String> primaryKey(Connection c, TableRef t) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_catalog.pg_index i"
                + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indrelid = pg_catalog.to_regclass(?) AND i.indisprimary ORDER BY k.n")) {
            ps.setString(1, t.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Columns that can be written back: not dropped, not generated. */
    private static List<String> columns(Connection c, TableRef t) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(?)"
                + " AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum")) {
            ps.setString(1, t.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static CopyManager copy(Connection c) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI();
    }
}
