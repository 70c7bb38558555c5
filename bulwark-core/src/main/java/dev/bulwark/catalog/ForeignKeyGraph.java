package dev.bulwark.catalog;

import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Index;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.jgrapht.graph.DirectedPseudograph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tables and the foreign keys between them: a directed pseudograph (several keys between two
 * tables, and self-references, are kept) with an edge from each referencing table to the table
 * it references, carrying the ON DELETE / ON UPDATE actions.
 */
public final class ForeignKeyGraph {
    private static final Comparator<ForeignKeyEdge> EDGE_ORDER =
            Comparator.comparing(ForeignKeyEdge::from).thenComparing(ForeignKeyEdge::name);

    private final Graph<TableRef, ForeignKeyEdge> graph;
    private final Map<TableRef, Long> rowEstimates = new HashMap<>();

    private ForeignKeyGraph(Graph<TableRef, ForeignKeyEdge> graph) {
        this.graph = graph;
    }

    public static ForeignKeyGraph of(CatalogSnapshot snapshot) {
        Graph<TableRef, ForeignKeyEdge> g = new DirectedPseudograph<>(ForeignKeyEdge.class);
        ForeignKeyGraph fk = new ForeignKeyGraph(g);
        for (Table t : snapshot.tables()) {
            g.addVertex(t.ref());
            if (t.rowEstimate() != null) {
                fk.rowEstimates.put(t.ref(), t.rowEstimate());
            }
        }
        for (Constraint c : snapshot.foreignKeys()) {
            g.addVertex(c.table());
            g.addVertex(c.references()); // may lie outside the schemas read
            g.addEdge(c.table(), c.references(), new ForeignKeyEdge(c, isIndexed(snapshot, c)));
        }
        return fk;
    }

    /**
     * Whether a valid, non-partial index on the referencing table has the key's columns as its
     * leading columns (in any order): what PostgreSQL needs to find referencing rows quickly.
     */
    public static boolean isIndexed(CatalogSnapshot snapshot, Constraint fk) {
        Set<String> wanted = new HashSet<>(fk.columns());
        for (Index i : snapshot.indexesOf(fk.table())) {
            if (!i.valid() || i.isPartial() || i.keyColumns().size() < wanted.size()) {
                continue;
            }
            Set<String> leading = new HashSet<>(i.keyColumns().subList(0, wanted.size()));
            if (leading.equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The graph itself, read-only. */
    public Graph<TableRef, ForeignKeyEdge> graph() {
        return new AsUnmodifiableGraph<>(graph);
    }

    /** Foreign keys that reference {@code table}, sorted. */
    public List<ForeignKeyEdge> referencing(TableRef table) {
        return graph.containsVertex(table) ? graph.incomingEdgesOf(table).stream().sorted(EDGE_ORDER).toList() : List.of();
    }

    /** Foreign keys declared on {@code table}, sorted. */
    public List<ForeignKeyEdge> declaredOn(TableRef table) {
        return graph.containsVertex(table) ? graph.outgoingEdgesOf(table).stream().sorted(EDGE_ORDER).toList() : List.of();
    }

    /** Every table in the graph, sorted. */
    public List<TableRef> tables() {
        return new TreeSet<>(graph.vertexSet()).stream().toList();
    }

    /**
     * Groups of tables that reference each other in a cycle (including a table that references
     * itself), each sorted, ordered by first table. Such data cannot be loaded or deleted table by
     * table without deferrable keys or a NULL first.
     */
    public List<List<TableRef>> cycles() {
        List<List<TableRef>> out = new ArrayList<>();
        for (Set<TableRef> component : new KosarajuStrongConnectivityInspector<>(graph).stronglyConnectedSets()) {
            TableRef any = component.iterator().next();
            if (component.size() > 1 || graph.containsEdge(any, any)) {
                out.add(new TreeSet<>(component).stream().toList());
            }
        }
        out.sort(Comparator.comparing(l -> l.get(0)));
        return out;
    }

    /** What a single-row delete from {@code root} reaches (breadth first, each table once, at its shortest depth). */
    public CascadeReach cascadeFrom(TableRef root) {
        List<CascadeReach.Reached> deleted = new ArrayList<>();
        List<ForeignKeyEdge> nulled = new ArrayList<>();
        List<ForeignKeyEdge> restricted = new ArrayList<>();
        Map<TableRef, CascadeReach.Reached> seen = new HashMap<>();
        seen.put(root, new CascadeReach.Reached(root, 0, List.of(), 1.0, true));
        Deque<TableRef> queue = new ArrayDeque<>(List.of(root));
        Set<ForeignKeyEdge> visitedEdges = new HashSet<>();
        while (!queue.isEmpty()) {
            TableRef parent = queue.removeFirst();
            CascadeReach.Reached at = seen.get(parent);
            for (ForeignKeyEdge e : referencing(parent)) {
                if (!visitedEdges.add(e)) {
                    continue;
                }
                switch (e.onDelete()) {
                    case CASCADE -> {
                        if (seen.containsKey(e.from())) {
                            continue; // a cycle or a second path: reached already, at a depth no greater
                        }
                        List<ForeignKeyEdge> path = new ArrayList<>(at.path());
                        path.add(e);
                        CascadeReach.Reached r = new CascadeReach.Reached(e.from(), at.depth() + 1, path,
                                fanOut(at.estimatedRows(), e), at.allIndexed() && e.indexed());
                        seen.put(e.from(), r);
                        deleted.add(r);
                        queue.addLast(e.from());
                    }
                    case SET_NULL, SET_DEFAULT -> nulled.add(e);
                    default -> restricted.add(e);
                }
            }
        }
        return new CascadeReach(root, deleted, nulled, restricted);
    }

    private Double fanOut(Double parentRows, ForeignKeyEdge e) {
        Long child = rowEstimates.get(e.from());
        Long parent = rowEstimates.get(e.to());
        if (parentRows == null || child == null || parent == null) {
            return null;
        }
        return parentRows * child / Math.max(parent, 1);
    }
}
