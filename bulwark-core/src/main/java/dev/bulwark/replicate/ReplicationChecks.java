package dev.bulwark.replicate;

import dev.bulwark.catalog.OwnObjects;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.copy.TablePatterns;
import dev.bulwark.pg.Identifiers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code replicate start} checks before it changes anything, on both sides (green must be able to publish
 * too: after a switchover, blue follows green). Every problem is collected, so one run names them all.
 */
public final class ReplicationChecks {
    /** One problem that stops the start, with the fix. */
    public record Problem(String side, String what, String fix) {
        @Override
        public String toString() {
            return side + ": " + what + " (fix: " + fix + ")";
        }
    }

    /** What the checks found: problems stop the start, notes do not. */
    record Result(List<Problem> problems, List<String> notes, List<TableRef> tables, int sequences) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private ReplicationChecks() {
    }

    /**
     * The tables logical replication publishes: ordinary tables and partitions of user schemas. Bulwark's migration
     * history, audit and deploy journal go with the data (green must know what is applied once it is the primary);
     * deploy snapshots, a copy's and the pair's own state stay on their side.
     */
    static List<TableRef> tables(Connection c, TablePatterns patterns) throws SQLException {
        List<TableRef> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.relkind = 'r' AND c.relpersistence <> 't' AND n.nspname <> 'information_schema'"
                        + " AND n.nspname !~ '^pg_' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid"
                        + " AND d.deptype = 'e') ORDER BY 1, 2")) {
            while (rs.next()) {
                TableRef t = new TableRef(rs.getString(1), rs.getString(2));
                boolean local = t.schema().equals(OwnObjects.SNAPSHOT_SCHEMA) || t.schema().equals(OwnObjects.REPLICATE_SCHEMA)
                        || t.schema().equals("_bulwark_copy");
                if (!local && patterns.selects(t)) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    static Result run(Connection blue, Connection green, TablePatterns patterns, boolean resuming) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        server(blue, "blue", problems);
        server(green, "green", problems);
        List<TableRef> tables = tables(blue, patterns);
        if (tables.isEmpty()) {
            problems.add(new Problem("blue", "no table to replicate", patterns.isEverything()
                    ? "create the tables on blue first" : "check the --tables patterns"));
        }
        for (TableRef t : tables) {
            try (Statement s = blue.createStatement(); ResultSet rs = s.executeQuery("SELECT c.relpersistence, c.relreplident,"
                    + " EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)"
                    + " FROM pg_catalog.pg_class c WHERE c.oid = " + literal(t.sql()) + "::regclass")) {
                rs.next();
                String persistence = rs.getString(1);
                String identity = rs.getString(2);
                boolean key = rs.getBoolean(3);
                if ("u".equals(persistence)) {
                    problems.add(new Problem("blue", "table " + t + " is UNLOGGED: logical replication does not carry its rows",
                            "ALTER TABLE " + t.sql() + " SET LOGGED, or leave it out with --tables"));
                } else if ("n".equals(identity) || ("d".equals(identity) && !key)) {
                    problems.add(new Problem("blue", "table " + t + " has no primary key and no replica identity: once published,"
                            + " its UPDATEs and DELETEs fail on blue and cannot be applied on green",
                            "ALTER TABLE " + t.sql() + " ADD PRIMARY KEY (…), or ALTER TABLE " + t.sql()
                                    + " REPLICA IDENTITY FULL (every update and delete then scans the table on green)"));
                }
            }
        }
        long largeObjects = count(blue, "SELECT count(*) FROM pg_catalog.pg_largeobject_metadata");
        if (largeObjects > 0) {
            problems.add(new Problem("blue", largeObjects + " large object" + (largeObjects == 1 ? "" : "s")
                    + " (pg_largeobject): logical replication does not carry them",
                    "move them into bytea columns, or copy them yourself after the switchover and do not write them meanwhile"));
        }
        if (!resuming) {
            long greenTables = count(green, "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema'"
                    + " AND n.nspname !~ '^pg_' AND n.nspname <> '" + OwnObjects.REPLICATE_SCHEMA + "'");
            if (greenTables > 0) {
                problems.add(new Problem("green", "the database already has " + greenTables + " table" + (greenTables == 1 ? "" : "s"),
                        "start into an empty database: replicate start creates the schema as bulwark copy does"));
            }
        }
        int sequences = (int) count(blue, "SELECT count(*) FROM pg_catalog.pg_sequences WHERE schemaname <> '"
                + OwnObjects.REPLICATE_SCHEMA + "' AND schemaname <> '" + OwnObjects.SNAPSHOT_SCHEMA + "'");
        if (sequences > 0) {
            notes.add(sequences + " sequence" + (sequences == 1 ? "" : "s") + ": logical replication does not carry their values;"
                    + " switchover sets each on green past blue's value while blue is fenced");
        }
        notes.add("DDL is not replicated: while the pair replicates, apply a migration to green first, then to blue"
                + " (a column blue writes must exist on green)");
        return new Result(problems, notes, tables, sequences);
    }

    /** What both sides need: they publish (blue now, green after a switchover) and subscribe. */
    private static void server(Connection c, String side, List<Problem> problems) throws SQLException {
        String walLevel = string(c, "SELECT current_setting('wal_level')");
        if (!"logical".equals(walLevel)) {
            problems.add(new Problem(side, "wal_level is " + walLevel + ", logical replication needs logical",
                    "ALTER SYSTEM SET wal_level = logical, then restart the server"));
        }
        long slotsFree = count(c, "SELECT current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_catalog.pg_replication_slots)");
        if (slotsFree < 1) {
            problems.add(new Problem(side, "no replication slot free (max_replication_slots = "
                    + string(c, "SELECT current_setting('max_replication_slots')") + ", all in use)",
                    "raise max_replication_slots and restart, or drop an unused slot (SELECT pg_drop_replication_slot(name))"));
        }
        long sendersFree = count(c, "SELECT current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_catalog.pg_stat_replication)");
        if (sendersFree < 1) {
            problems.add(new Problem(side, "no WAL sender free (max_wal_senders = "
                    + string(c, "SELECT current_setting('max_wal_senders')") + ", all in use)", "raise max_wal_senders and restart"));
        }
        long workers = count(c, "SELECT current_setting('max_logical_replication_workers')::int");
        if (workers < 1) {
            problems.add(new Problem(side, "max_logical_replication_workers is 0: no subscription can apply",
                    "set max_logical_replication_workers to at least 2 and restart"));
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT r.rolsuper, r.rolreplication,"
                + " pg_catalog.has_database_privilege(current_database(), 'CREATE'), current_user,"
                + " current_setting('server_version_num')::int >= 160000 AND pg_catalog.pg_has_role(current_user,"
                + " (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'pg_create_subscription'), 'MEMBER')"
                + " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user")) {
            rs.next();
            boolean superuser = rs.getBoolean(1);
            String user = Identifiers.quote(rs.getString(4));
            if (!superuser && !rs.getBoolean(2)) {
                problems.add(new Problem(side, "role " + user + " has neither REPLICATION nor superuser",
                        "ALTER ROLE " + user + " REPLICATION (as a superuser), or connect as a superuser"));
            }
            if (!superuser && !rs.getBoolean(3)) {
                problems.add(new Problem(side, "role " + user + " may not CREATE in the database (publications need it)",
                        "GRANT CREATE ON DATABASE " + Identifiers.quote(string(c, "SELECT current_database()")) + " TO " + user));
            }
            if (!superuser && !rs.getBoolean(5)) {
                problems.add(new Problem(side, "role " + user + " may not create subscriptions",
                        "connect as a superuser (PostgreSQL 16+: GRANT pg_create_subscription TO " + user + ")"));
            }
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String string(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
