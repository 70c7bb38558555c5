package dev.bulwark.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The schema of one database at one moment, as read by {@link CatalogReader}: every list sorted
 * by name, so two snapshots of the same schema are equal and serialize to the same JSON
 * ({@link CatalogJson}). Compare two with {@link CatalogDiff}; walk foreign keys with
 * {@link ForeignKeyGraph}.
 *
 * @param serverVersion {@code server_version} of the database it was read from
 * @param takenAt       when it was read
 * @param schemaFilter  the schemas it was restricted to, or empty for all user schemas
 */
public record CatalogSnapshot(
        String serverVersion,
        Instant takenAt,
        List<String> schemaFilter,
        List<Schema> schemas,
        List<Table> tables,
        List<Constraint> constraints,
        List<Index> indexes,
        List<Sequence> sequences,
        List<View> views,
        List<Function> functions,
        List<Trigger> triggers,
        List<EnumType> enums,
        List<Extension> extensions) {

    public CatalogSnapshot {
        schemaFilter = copy(schemaFilter);
        schemas = copy(schemas);
        tables = copy(tables);
        constraints = copy(constraints);
        indexes = copy(indexes);
        sequences = copy(sequences);
        views = copy(views);
        functions = copy(functions);
        triggers = copy(triggers);
        enums = copy(enums);
        extensions = copy(extensions);
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    public Optional<Table> table(TableRef ref) {
        return tables.stream().filter(t -> t.ref().equals(ref)).findFirst();
    }

    public List<Constraint> constraintsOf(TableRef table) {
        return constraints.stream().filter(c -> c.table().equals(table)).toList();
    }

    public List<Index> indexesOf(TableRef table) {
        return indexes.stream().filter(i -> i.table().equals(table)).toList();
    }

    public List<Constraint> foreignKeys() {
        return constraints.stream().filter(c -> c.kind() == ConstraintKind.FOREIGN_KEY).toList();
    }

    /** Every object, flattened for {@link CatalogDiff} (columns become objects of their own). */
    @JsonIgnore
    public List<CatalogObject> objects() {
        List<CatalogObject> all = new ArrayList<>();
        all.addAll(schemas);
        all.addAll(extensions);
        all.addAll(enums);
        for (Table t : tables) {
            all.add(t);
            for (Column c : t.columns()) {
                all.add(new ColumnOf(t.ref(), c));
            }
        }
        all.addAll(constraints);
        all.addAll(indexes);
        all.addAll(sequences);
        all.addAll(views);
        all.addAll(functions);
        all.addAll(triggers);
        return all;
    }

    public record Schema(String name, String owner) implements CatalogObject {
        @Override
        public String objectType() {
            return "schema";
        }

        @Override
        public String objectName() {
            return TableRef.display(name);
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("owner", owner);
        }
    }

    /**
     * @param persistence   {@code permanent}, {@code unlogged} or {@code temporary}
     * @param partitionKey  {@code RANGE (created_at)} for a partitioned table, else null
     * @param partitionOf   the partitioned table this one is a partition of, or null
     * @param rowEstimate   the planner's estimate ({@code reltuples}), or null when never analyzed
     * @param totalBytes    table, indexes and TOAST
     */
    public record Table(String schema, String name, String persistence, String partitionKey, TableRef partitionOf,
                        String partitionBound, Long rowEstimate, long totalBytes, List<Column> columns)
            implements CatalogObject {
        public Table {
            columns = columns == null ? List.of() : List.copyOf(columns);
        }

        public TableRef ref() {
            return new TableRef(schema, name);
        }

        @JsonIgnore
        public boolean isPartitioned() {
            return partitionKey != null;
        }

        public Optional<Column> column(String columnName) {
            return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
        }

        @Override
        public String objectType() {
            return "table";
        }

        @Override
        public String objectName() {
            return ref().toString();
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("persistence", persistence, "partitionKey", partitionKey,
                    "partitionOf", partitionOf == null ? null : partitionOf.toString(), "partitionBound", partitionBound);
        }
    }

    /**
     * @param identity  {@code always}, {@code by default}, or null
     * @param generated {@code stored}, or null; {@code defaultExpression} is then the generation expression
     */
    public record Column(String name, int position, String type, boolean notNull, String defaultExpression,
                         String identity, String generated) {
    }

    /** A column as a diff object; its position is left out so a column added elsewhere changes nothing. */
    record ColumnOf(TableRef table, Column column) implements CatalogObject {
        @Override
        public String objectType() {
            return "column";
        }

        @Override
        public String objectName() {
            return table + "." + TableRef.display(column.name());
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("type", column.type(), "notNull", column.notNull(), "default", column.defaultExpression(),
                    "identity", column.identity(), "generated", column.generated());
        }
    }

    /**
     * @param definition      as {@code pg_get_constraintdef} prints it
     * @param validated       false for a constraint added {@code NOT VALID} and not validated since
     * @param columns         the constrained columns in key order (empty for most CHECKs)
     * @param references      for a foreign key, the referenced table
     * @param checkExpression for a CHECK, its expression as the server deparses it
     */
    public record Constraint(TableRef table, String name, ConstraintKind kind, String definition, boolean validated,
                             boolean deferrable, boolean initiallyDeferred, List<String> columns,
                             TableRef references, List<String> referencedColumns, FkAction onUpdate,
                             FkAction onDelete, FkMatch match, String checkExpression) implements CatalogObject {
        public Constraint {
            columns = columns == null ? List.of() : List.copyOf(columns);
            referencedColumns = referencedColumns == null ? List.of() : List.copyOf(referencedColumns);
        }

        @Override
        public String objectType() {
            return "constraint";
        }

        @Override
        public String objectName() {
            return table + "." + TableRef.display(name);
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("kind", kind.label(), "definition", definition, "validated", validated,
                    "deferrable", deferrable, "initiallyDeferred", initiallyDeferred);
        }
    }

    /**
     * @param valid          false for an index left behind by a failed {@code CREATE INDEX CONCURRENTLY}
     * @param keyColumns     key columns in order; null entries are expressions
     * @param keyDefinitions each key as the server prints it (column name or expression)
     * @param constraint     the constraint the index backs (primary key, unique, exclusion), or null
     * @param signature      equal for two indexes that index the same thing the same way
     */
    public record Index(TableRef table, String name, String definition, boolean unique, boolean primary,
                        boolean valid, String predicate, List<String> keyColumns, List<String> keyDefinitions,
                        boolean nullsNotDistinct, String constraint, String signature, long bytes)
            implements CatalogObject {
        public Index {
            keyColumns = keyColumns == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(keyColumns));
            keyDefinitions = keyDefinitions == null ? List.of() : List.copyOf(keyDefinitions);
        }

        @JsonIgnore
        public boolean isPartial() {
            return predicate != null;
        }

        @Override
        public String objectType() {
            return "index";
        }

        @Override
        public String objectName() {
            return TableRef.display(table.schema()) + "." + TableRef.display(name);
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("table", table.toString(), "definition", definition, "valid", valid);
        }
    }

    /**
     * @param lastValue   the last value handed out, or null when never used (or not readable)
     * @param ownedBy     the table of the column that owns it (SERIAL or identity), or null
     */
    public record Sequence(String schema, String name, String type, long startValue, long increment, long minValue,
                           long maxValue, Long lastValue, TableRef ownedBy, String ownedByColumn)
            implements CatalogObject {
        public TableRef ref() {
            return new TableRef(schema, name);
        }

        @Override
        public String objectType() {
            return "sequence";
        }

        @Override
        public String objectName() {
            return ref().toString();
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("type", type, "start", startValue, "increment", increment, "min", minValue, "max", maxValue,
                    "ownedBy", ownedBy == null ? null : ownedBy + "." + TableRef.display(ownedByColumn));
        }
    }

    public record View(String schema, String name, boolean materialized, String definition, boolean populated)
            implements CatalogObject {
        @Override
        public String objectType() {
            return materialized ? "materialized view" : "view";
        }

        @Override
        public String objectName() {
            return new TableRef(schema, name).toString();
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("definition", definition);
        }
    }

    /**
     * @param kind    {@code function}, {@code procedure}, {@code aggregate} or {@code window}
     * @param bodyMd5 md5 of the source text, so a changed body shows in a diff without storing it
     */
    public record Function(String schema, String name, String arguments, String result, String kind, String language,
                           String bodyMd5) implements CatalogObject {
        @Override
        public String objectType() {
            return kind;
        }

        @Override
        public String objectName() {
            return TableRef.display(schema) + "." + TableRef.display(name) + "(" + arguments + ")";
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("result", result, "language", language, "bodyMd5", bodyMd5);
        }
    }

    /** @param enabled {@code O} origin (default), {@code D} disabled, {@code R} replica, {@code A} always */
    public record Trigger(TableRef table, String name, String definition, String enabled) implements CatalogObject {
        @Override
        public String objectType() {
            return "trigger";
        }

        @Override
        public String objectName() {
            return table + "." + TableRef.display(name);
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("definition", definition, "enabled", enabled);
        }
    }

    public record EnumType(String schema, String name, List<String> labels) implements CatalogObject {
        public EnumType {
            labels = labels == null ? List.of() : List.copyOf(labels);
        }

        @Override
        public String objectType() {
            return "enum";
        }

        @Override
        public String objectName() {
            return new TableRef(schema, name).toString();
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("labels", labels);
        }
    }

    public record Extension(String name, String version, String schema) implements CatalogObject {
        @Override
        public String objectType() {
            return "extension";
        }

        @Override
        public String objectName() {
            return name;
        }

        @Override
        public Map<String, Object> attributes() {
            return attrs("version", version, "schema", schema);
        }
    }

    static Map<String, Object> attrs(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) Objects.requireNonNull(keyValues[i]), keyValues[i + 1]);
        }
        return m;
    }
}
