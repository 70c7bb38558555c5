package dev.bulwark.catalog;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.CatalogSnapshot.Column;
import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.EnumType;
import dev.bulwark.catalog.CatalogSnapshot.Extension;
import dev.bulwark.catalog.CatalogSnapshot.Function;
import dev.bulwark.catalog.CatalogSnapshot.Index;
import dev.bulwark.catalog.CatalogSnapshot.Schema;
import dev.bulwark.catalog.CatalogSnapshot.Sequence;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import dev.bulwark.catalog.CatalogSnapshot.Trigger;
import dev.bulwark.catalog.CatalogSnapshot.View;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link CatalogSnapshot} from {@code pg_catalog}. Read-only; run it inside one
 * transaction (REPEATABLE READ) if concurrent DDL must not tear the snapshot. Needs PostgreSQL 13+.
 */
public final class CatalogReader {
    private final Connection connection;

    public CatalogReader(Connection connection) {
        this.connection = connection;
    }

    /** All user schemas. */
    public CatalogSnapshot read() {
        return read(List.of());
    }

    /** @param schemas the schemas to read, or empty for every user schema */
    public CatalogSnapshot read(List<String> schemas) {
        try {
            Map<TableRef, List<Column>> columns = new HashMap<>();
            query("columns.sql", schemas, rs -> columns.computeIfAbsent(ref(rs, "schema", "table_name"), k -> new ArrayList<>())
                    .add(new Column(rs.getString("name"), rs.getInt("position"), rs.getString("type"),
                            rs.getBoolean("not_null"), rs.getString("default_expr"), identity(rs.getString("identity")),
                            generated(rs.getString("generated")))));
            List<Table> tables = query("tables.sql", schemas, rs -> new Table(rs.getString("schema"), rs.getString("name"),
                    persistence(rs.getString("persistence")), rs.getString("partition_key"),
                    rs.getString("parent_name") == null ? null : ref(rs, "parent_schema", "parent_name"),
                    rs.getString("partition_bound"), nonNegative(rs.getLong("row_estimate")), rs.getLong("total_bytes"),
                    columns.getOrDefault(ref(rs, "schema", "name"), List.of())));
            return new CatalogSnapshot(serverVersion(), Instant.now(), schemas,
                    query("schemas.sql", schemas, rs -> new Schema(rs.getString("name"), rs.getString("owner"))),
                    tables,
                    query("constraints.sql", schemas, rs -> new Constraint(ref(rs, "schema", "table_name"),
                            rs.getString("name"), ConstraintKind.fromCode(rs.getString("kind")), rs.getString("definition"),
                            rs.getBoolean("validated"), rs.getBoolean("deferrable"), rs.getBoolean("initially_deferred"),
                            strings(rs.getArray("columns")),
                            rs.getString("ref_table") == null ? null : ref(rs, "ref_schema", "ref_table"),
                            strings(rs.getArray("ref_columns")), FkAction.fromCode(rs.getString("on_update")),
                            FkAction.fromCode(rs.getString("on_delete")), FkMatch.fromCode(rs.getString("match_type")),
                            rs.getString("check_expr"))),
                    query("indexes.sql", schemas, rs -> new Index(ref(rs, "schema", "table_name"), rs.getString("name"),
                            rs.getString("definition"), rs.getBoolean("is_unique"), rs.getBoolean("is_primary"),
                            rs.getBoolean("valid"), rs.getString("predicate"), strings(rs.getArray("key_columns")),
                            strings(rs.getArray("key_definitions")), rs.getBoolean("nulls_not_distinct"),
                            rs.getString("constraint_name"), rs.getString("signature"), rs.getLong("bytes"))),
                    query("sequences.sql", schemas, rs -> new Sequence(rs.getString("schema"), rs.getString("name"),
                            rs.getString("type"), rs.getLong("start_value"), rs.getLong("increment"),
                            rs.getLong("min_value"), rs.getLong("max_value"), (Long) rs.getObject("last_value", Long.class),
                            rs.getString("owner_table") == null ? null : ref(rs, "owner_schema", "owner_table"),
                            rs.getString("owner_column"))),
                    query("views.sql", schemas, rs -> new View(rs.getString("schema"), rs.getString("name"),
                            rs.getBoolean("materialized"), rs.getString("definition"), rs.getBoolean("populated"))),
                    query("functions.sql", schemas, rs -> new Function(rs.getString("schema"), rs.getString("name"),
                            rs.getString("arguments"), rs.getString("result"), functionKind(rs.getString("kind")),
                            rs.getString("language"), rs.getString("body_md5"))),
                    query("triggers.sql", schemas, rs -> new Trigger(ref(rs, "schema", "table_name"), rs.getString("name"),
                            rs.getString("definition"), rs.getString("enabled"))),
                    query("enums.sql", schemas, rs -> new EnumType(rs.getString("schema"), rs.getString("name"),
                            strings(rs.getArray("labels")))),
                    query("extensions.sql", null, rs -> new Extension(rs.getString("name"), rs.getString("version"),
                            rs.getString("schema"))));
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "reading the catalog failed: " + e.getMessage(),
                    "check that the user may read pg_catalog and that the server is PostgreSQL 13 or later", e);
        }
    }

    private String serverVersion() throws SQLException {
        try (var s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs a catalog query whose only parameter is the schema filter (NULL: all). */
    private <T> List<T> query(String resource, List<String> schemas, RowMapper<T> mapper) throws SQLException {
        String sql = SqlResource.load(CatalogReader.class, resource);
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (sql.contains("?")) {
                if (schemas == null || schemas.isEmpty()) {
                    ps.setNull(1, Types.ARRAY);
                } else {
                    ps.setArray(1, connection.createArrayOf("text", schemas.toArray()));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
        }
        return out;
    }

    private static TableRef ref(ResultSet rs, String schemaColumn, String nameColumn) throws SQLException {
        return new TableRef(rs.getString(schemaColumn), rs.getString(nameColumn));
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Arrays.asList((String[]) array.getArray()); // may hold nulls (expression index keys)
    }

    private static Long nonNegative(long estimate) {
        return estimate < 0 ? null : estimate; // -1: never vacuumed or analyzed (PostgreSQL 14+)
    }

    private static String persistence(String code) {
        return switch (code) {
            case "u" -> "unlogged";
            case "t" -> "temporary";
            default -> "permanent";
        };
    }

    private static String identity(String code) {
        return switch (code == null ? "" : code) {
            case "a" -> "always";
            case "d" -> "by default";
            default -> null;
        };
    }

    private static String generated(String code) {
        return "s".equals(code) ? "stored" : null;
    }

    private static String functionKind(String code) {
        return switch (code) {
            case "p" -> "procedure";
            case "a" -> "aggregate";
            case "w" -> "window function";
            default -> "function";
        };
    }
}
