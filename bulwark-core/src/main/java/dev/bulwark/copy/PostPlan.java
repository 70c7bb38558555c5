package dev.bulwark.copy;

import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Index;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.copy.PostDataScript.Entry;
import dev.bulwark.pg.Identifiers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The post-data entries sorted by when they can run: a partition tree's indexes and keys as
 * soon as its rows are in ({@code perRoot}); then partition index attachments; then foreign
 * keys, added {@code NOT VALID} (a short lock, no scan) and validated in parallel; then the
 * rest (triggers, rules, policies…) in pg_dump's order.
 */
record PostPlan(Map<TableRef, List<Entry>> perRoot, List<Entry> unplaced, List<Entry> attach, List<ForeignKey> foreignKeys,
                List<Entry> rest) {
    static final PostPlan EMPTY = new PostPlan(Map.of(), List.of(), List.of(), List.of(), List.of());

    /** @param validateSql the VALIDATE to run after {@code addSql}, or null when added as on the source */
    record ForeignKey(Entry entry, Constraint constraint, String addSql, String validateSql) {
    }

    static PostPlan of(PostDataScript script, CatalogSnapshot catalog, UnaryOperator<TableRef> root, Set<TableRef> selected) {
        Map<TableRef, List<Entry>> perRoot = new LinkedHashMap<>();
        List<Entry> unplaced = new ArrayList<>(); // indexes and keys whose table we could not tell: after all data
        List<Entry> attach = new ArrayList<>();
        List<ForeignKey> fks = new ArrayList<>();
        List<Entry> rest = new ArrayList<>();
        for (Entry e : script.entries()) {
            switch (e.type()) {
                case "INDEX" -> {
                    Optional<Index> i = catalog.indexes().stream()
                            .filter(x -> x.table().schema().equals(e.schema()) && x.name().equals(e.name())).findFirst();
                    if (i.isPresent()) {
                        perRoot.computeIfAbsent(root.apply(i.get().table()), k -> new ArrayList<>()).add(e);
                    } else {
                        unplaced.add(e);
                    }
                }
                case "CONSTRAINT" -> {
                    Optional<TableRef> t = constraint(catalog, e).map(Constraint::table).or(() -> tableOfTag(catalog, e));
                    if (t.isPresent()) {
                        perRoot.computeIfAbsent(root.apply(t.get()), k -> new ArrayList<>()).add(e);
                    } else {
                        unplaced.add(e);
                    }
                }
                case "INDEX ATTACH" -> attach.add(e);
                case "FK CONSTRAINT" -> {
                    Optional<Constraint> c = constraint(catalog, e);
                    if (c.isEmpty()) {
                        rest.add(e);
                    } else if (selected.contains(c.get().references())) {
                        fks.add(foreignKey(e, c.get(), catalog));
                    } // else the referenced table is not copied: the key cannot hold on the target
                }
                default -> rest.add(e);
            }
        }
        return new PostPlan(perRoot, unplaced, attach, fks, rest);
    }

    int count() {
        return perRoot.values().stream().mapToInt(List::size).sum() + unplaced.size() + attach.size() + foreignKeys.size()
                + rest.size();
    }

    /** pg_dump tags a constraint {@code table constraint}. */
    private static Optional<Constraint> constraint(CatalogSnapshot catalog, Entry e) {
        return catalog.constraints().stream()
                .filter(c -> c.table().schema().equals(e.schema()) && (c.table().name() + " " + c.name()).equals(e.name()))
                .findFirst();
    }

    /**
     * The table of a {@code table constraint} tag by its longest matching table name: constraints
     * PostgreSQL cloned onto partitions are not in the snapshot, but their tables are.
     */
    private static Optional<TableRef> tableOfTag(CatalogSnapshot catalog, Entry e) {
        return catalog.tables().stream()
                .filter(t -> t.schema().equals(e.schema()) && e.name().startsWith(t.name() + " "))
                .map(CatalogSnapshot.Table::ref)
                .max(java.util.Comparator.comparingInt(r -> r.name().length()));
    }

    static ForeignKey foreignKey(Entry e, Constraint c, CatalogSnapshot catalog) {
        String sql = e.sql().strip();
        boolean partitioned = catalog.table(c.table()).map(CatalogSnapshot.Table::isPartitioned).orElse(false);
        boolean referencesPartitioned = catalog.table(c.references()).map(CatalogSnapshot.Table::isPartitioned).orElse(false);
        // PostgreSQL 15 cannot add a NOT VALID key on a partitioned table, and VALIDATE leaves the per-partition
        // clones of a key referencing a partitioned table unvalidated: those are added valid at once
        if (!c.validated() || partitioned || referencesPartitioned || !sql.endsWith(";") || sql.contains("NOT VALID")) {
            return new ForeignKey(e, c, sql, null);
        }
        String add = sql.substring(0, sql.length() - 1) + " NOT VALID;";
        String validate = "ALTER TABLE " + c.table().sql() + " VALIDATE CONSTRAINT " + Identifiers.quote(c.name()) + ";";
        return new ForeignKey(e, c, add, validate);
    }
}
