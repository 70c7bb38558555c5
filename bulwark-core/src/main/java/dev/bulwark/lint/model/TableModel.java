package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Recognized.ConstraintKind;
import dev.bulwark.lint.recognize.Recognized.FkAction;
import org.pcollections.OrderedPMap;
import org.pcollections.PVector;
import org.pcollections.TreePVector;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One table as the migrations so far have shaped it. Immutable: {@link SchemaModel} makes a new
 * version for each change, and the versions share their unchanged parts (persistent collections),
 * so a change costs about the size of what it changes, not of the table.
 */
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

        public Constraint withRefTable(String t) {
            return new Constraint(name, kind, columns, t, refColumns, onDelete, onUpdate, validated, checkExpr);
        }

        boolean isForeignKey() {
            return kind == ConstraintKind.FOREIGN_KEY && refTable != null;
        }
    }

    public record Index(String name, List<String> columns, boolean unique, boolean partial) {
    }

    final String name;
    /** The migration that created the table, or null when it predates the migrations read. */
    final String createdBy;
    final boolean partitioned;
    final OrderedPMap<String, Column> columns;
    final PVector<Constraint> constraints;
    final PVector<Index> indexes;

    TableModel(String name, String createdBy, boolean partitioned) {
        this(name, createdBy, partitioned, OrderedPMap.empty(), TreePVector.empty(), TreePVector.empty());
    }

    private TableModel(String name, String createdBy, boolean partitioned, OrderedPMap<String, Column> columns,
                       PVector<Constraint> constraints, PVector<Index> indexes) {
        this.name = name;
        this.createdBy = createdBy;
        this.partitioned = partitioned;
        this.columns = columns;
        this.constraints = constraints;
        this.indexes = indexes;
    }

    TableModel renamed(String newName) {
        return new TableModel(newName, createdBy, partitioned, columns, constraints, indexes);
    }

    TableModel withColumns(OrderedPMap<String, Column> c) {
        return c == columns ? this : new TableModel(name, createdBy, partitioned, c, constraints, indexes);
    }

    TableModel withColumn(Column c) {
        return withColumns(columns.plus(c.name(), c));
    }

    TableModel withoutColumn(String column) {
        return withColumns(columns.minus(column));
    }

    TableModel withConstraint(Constraint c) {
        return new TableModel(name, createdBy, partitioned, columns, constraints.plus(c), indexes);
    }

    TableModel withIndex(Index i) {
        return new TableModel(name, createdBy, partitioned, columns, constraints, indexes.plus(i));
    }

    TableModel mapConstraints(UnaryOperator<Constraint> f) {
        PVector<Constraint> out = constraints;
        for (int k = 0; k < constraints.size(); k++) {
            Constraint c = constraints.get(k);
            Constraint n = f.apply(c);
            if (n != c) {
                out = out.with(k, n);
            }
        }
        return out == constraints ? this : new TableModel(name, createdBy, partitioned, columns, out, indexes);
    }

    TableModel mapIndexes(UnaryOperator<Index> f) {
        PVector<Index> out = indexes;
        for (int k = 0; k < indexes.size(); k++) {
            Index i = indexes.get(k);
            Index n = f.apply(i);
            if (n != i) {
                out = out.with(k, n);
            }
        }
        return out == indexes ? this : new TableModel(name, createdBy, partitioned, columns, constraints, out);
    }

    TableModel withoutConstraints(Predicate<Constraint> p) {
        PVector<Constraint> out = removeIf(constraints, p);
        return out == constraints ? this : new TableModel(name, createdBy, partitioned, columns, out, indexes);
    }

    TableModel withoutIndexes(Predicate<Index> p) {
        PVector<Index> out = removeIf(indexes, p);
        return out == indexes ? this : new TableModel(name, createdBy, partitioned, columns, constraints, out);
    }

    private static <T> PVector<T> removeIf(PVector<T> v, Predicate<T> p) {
        PVector<T> out = v;
        for (int k = v.size() - 1; k >= 0; k--) {
            if (p.test(v.get(k))) {
                out = out.minus(k);
            }
        }
        return out;
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

    /** The columns in the order they were added (an unmodifiable view, shared with later versions). */
    public Map<String, Column> columns() {
        return columns;
    }

    public List<Constraint> constraints() {
        return constraints;
    }

    public List<Index> indexes() {
        return indexes;
    }

    public boolean hasIndex(String indexName) {
        for (Index i : indexes) {
            if (i.name().equals(indexName)) {
                return true;
            }
        }
        return false;
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
