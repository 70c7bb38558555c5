package dev.bulwark.replicate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;

/** The tables a database receives through its logical replication subscriptions. */
public final class SubscribedTables {
    private SubscribedTables() {
    }

    /**
     * Every table of every subscription of the connected database, named as the schema model names
     * tables ({@code public.} dropped, else {@code schema.table}); empty when it subscribes to nothing.
     */
    public static Set<String> of(Connection c) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n.nspname, r.relname FROM pg_catalog.pg_subscription_rel sr"
                     + " JOIN pg_catalog.pg_subscription sub ON sub.oid = sr.srsubid"
                     + " JOIN pg_catalog.pg_class r ON r.oid = sr.srrelid"
                     + " JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace"
                     + " WHERE sub.subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())")) {
            while (rs.next()) {
                out.add(rs.getString(1).equals("public") ? rs.getString(2) : rs.getString(1) + "." + rs.getString(2));
            }
        }
        return out;
    }
}
