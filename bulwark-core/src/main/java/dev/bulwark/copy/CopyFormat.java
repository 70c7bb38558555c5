package dev.bulwark.copy;

import dev.bulwark.catalog.TableRef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses binary or text COPY per table. Binary is exact and about twice as fast, but some
 * binary representations embed type OIDs, which differ between two databases for anything not
 * built in: arrays carry their element type's OID and composites each field's, and the receiving
 * side rejects a mismatch. A table with any such column (or a type without binary I/O, or an
 * extension's type we cannot vouch for) is copied in text, which every type round-trips.
 */
final class CopyFormat {
    /** OIDs below this are assigned at initdb and equal on every server of a major version. */
    static final long FIRST_NORMAL_OID = 16384;
    private static final long TSVECTOR = 3614;
    private static final long TSQUERY = 3615;

    private record TypeInfo(long oid, String typtype, long baseType, long element, boolean hasBinaryIo,
                            String category, long rangeSubtype) {
    }

    private final Connection source;
    private final Map<Long, TypeInfo> types = new HashMap<>();
    private final Map<Long, Boolean> safe = new HashMap<>();

    CopyFormat(Connection source) {
        this.source = source;
    }

    /** Whether every listed column of the table can travel in binary; column names as stored. */
    boolean binary(TableRef table, List<String> columns) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement(
                "SELECT a.attname, a.atttypid FROM pg_catalog.pg_attribute a WHERE a.attrelid = ?::pg_catalog.regclass"
                        + " AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, table.sql());
            try (ResultSet rs = ps.executeQuery()) {
                Map<String, Long> byName = new HashMap<>();
                while (rs.next()) {
                    byName.put(rs.getString(1), rs.getLong(2));
                }
                for (String c : columns) {
                    Long oid = byName.get(c);
                    if (oid == null || !safe(oid, 0)) {
                        return false;
                    }
                }
                return true;
            }
        }
    }

    private boolean safe(long oid, int depth) throws SQLException {
        Boolean known = safe.get(oid);
        if (known != null) {
            return known;
        }
        boolean result = depth < 8 && decide(type(oid), depth);
        safe.put(oid, result);
        return result;
    }

    private boolean decide(TypeInfo t, int depth) throws SQLException {
        if (t == null || !t.hasBinaryIo()) {
            return false;
        }
        switch (t.typtype()) {
            case "d":
                return safe(t.baseType(), depth + 1);
            case "e":
                return true; // sent as the label's text
            case "r":
                return safe(t.rangeSubtype(), depth + 1); // bounds are sent in the subtype's binary form
            case "b":
                if ("A".equals(t.category()) && t.element() != 0) {
                    return t.element() < FIRST_NORMAL_OID && safe(t.element(), depth + 1);
                }
                // binary tsvector is known to crash some platforms (pgcopydb avoids it too)
                return t.oid() < FIRST_NORMAL_OID && t.oid() != TSVECTOR && t.oid() != TSQUERY;
            default:
                return false; // composite, multirange, pseudo
        }
    }

    private TypeInfo type(long oid) throws SQLException {
        TypeInfo cached = types.get(oid);
        if (cached != null) {
            return cached;
        }
        try (PreparedStatement ps = source.prepareStatement(
                "SELECT t.typtype::text, t.typbasetype, t.typelem, t.typsend::oid <> 0 AND t.typreceive::oid <> 0,"
                        + " t.typcategory::text, COALESCE(r.rngsubtype, 0) FROM pg_catalog.pg_type t"
                        + " LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid WHERE t.oid = ?")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                TypeInfo t = new TypeInfo(oid, rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBoolean(4),
                        rs.getString(5), rs.getLong(6));
                types.put(oid, t);
                return t;
            }
        }
    }
}
