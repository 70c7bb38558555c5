package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Recognized.ConstraintKind;
import dev.bulwark.lint.recognize.Recognized.FkAction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One table as the migrations so far have shaped it. Mutable only through {@link SchemaModel}. */
public final class TableModel {
    /**
     * @param type    normalized type text ({@code varchar(255)})
     */
    public record Column(String name, String type, boolean notNull) {
    }

    /**
     * @param validated false for a constraint added NOT VALID and not yet validated
     * @param refTable  the parent table of a foreign key
     */
    public record Constraint(String name, ConstraintKind kind, List<String> columns, String refTable,
                             List<String> refColumns, FkAction onDelete, FkAction onUpdate, boolean validated,
                             String checkExpr) {
        public Constraint withValidated(boolean v) {
            return new Constraint(name, kind, columns, refTable, refColumns, onDelete, onUpdate, v, checkExpr);
        }
    }

    public record Index(String name, List<String> columns, boolean unique, boolean partial) {
    }

    final String name;
    /** The migration that created the table, or null when it predates the migrations read. */
    final String createdBy;
    final boolean partitioned;
    final Map<String, Column> columns;
    final List<Constraint> constraints;
    final List<Index> indexes;

    TableModel(String name, String createdBy, boolean partitioned) {
        this(name, createdBy, partitioned, new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
    }

    private TableModel(String name, String createdBy, boolean partitioned, Map<String, Column> columns,
                       List<Constraint> constraints, List<Index> indexes) {
        this.name = name;
        this.createdBy = createdBy;
        this.partitioned = partitioned;
        this.columns = columns;
        this.constraints = constraints;
        this.indexes = indexes;
    }

    TableModel copy(String newName) {
        return new TableModel(newName, createdBy, partitioned, new LinkedHashMap<>(columns),
                new ArrayList<>(constraints), new ArrayList<>(indexes));
    }

    public String name() {
        return name;
    }

    public String createdBy() {
        return createdBy;
    }

    public boolean partitioned() {
        return partitioned;
    }

    public Column column(String column) {
        return columns.get(column);
    }

    public Map<String, Column> columns() {
        return Map.copyOf(columns);
    }

    public List<Constraint> constraints() {
        return List.copyOf(constraints);
    }

    public List<Index> indexes() {
        return List.copyOf(indexes);
    }

    public Constraint constraint(String constraintName) {
        return constraints.stream().filter(c -> constraintName.equals(c.name())).findFirst().orElse(null);
    }

    /** True when an index's leading columns are exactly {@code cols} in some order (so lookups by them use it). */
    public boolean hasIndexLeadingWith(List<String> cols) {
        for (Index i : indexes) {
            if (!i.partial() && i.columns().size() >= cols.size()
                    && List.copyOf(i.columns().subList(0, cols.size())).containsAll(cols)) {
                return true;
            }
        }
        return false;
    }

    /** A validated {@code CHECK (col IS NOT NULL)}: with it, PostgreSQL 12+ sets NOT NULL without a scan. */
    public boolean hasValidatedNotNullCheck(String column) {
        String wanted = column + " is not null";
        for (Constraint c : constraints) {
            if (c.kind() == ConstraintKind.CHECK && c.validated() && c.checkExpr() != null
                    && c.checkExpr().replace("\"", "").replaceAll("[()]", "").trim().equals(wanted)) {
                return true;
            }
        }
        return false;
    }
}
