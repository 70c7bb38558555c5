package dev.bulwark.catalog;

import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DirectedPseudograph;
import org.jgrapht.traverse.TopologicalOrderIterator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Load levels from foreign keys: a table is one level above the highest table it references;
 * the tables of a cycle (and a table referencing itself) share one level, since no order
 * satisfies them: their keys are added after the data.
 */
public final class FkLevels {
    private FkLevels() {
    }

    /** @param edges {referencing, referenced} pairs; pairs naming tables outside {@code tables} are ignored */
    public static Map<TableRef, Integer> of(Collection<TableRef> tables, List<TableRef[]> edges) {
        Graph<TableRef, DefaultEdge> g = new DirectedPseudograph<>(DefaultEdge.class);
        tables.forEach(g::addVertex);
        for (TableRef[] e : edges) {
            if (g.containsVertex(e[0]) && g.containsVertex(e[1]) && !e[0].equals(e[1])) {
                g.addEdge(e[0], e[1]);
            }
        }
        KosarajuStrongConnectivityInspector<TableRef, DefaultEdge> scc = new KosarajuStrongConnectivityInspector<>(g);
        Graph<Graph<TableRef, DefaultEdge>, DefaultEdge> condensed = scc.getCondensation();
        List<Graph<TableRef, DefaultEdge>> order = new ArrayList<>();
        new TopologicalOrderIterator<>(condensed).forEachRemaining(order::add);
        Collections.reverse(order); // referenced components first
        Map<Graph<TableRef, DefaultEdge>, Integer> level = new HashMap<>();
        Map<TableRef, Integer> out = new HashMap<>();
        for (Graph<TableRef, DefaultEdge> component : order) {
            int l = 0;
            for (DefaultEdge e : condensed.outgoingEdgesOf(component)) {
                l = Math.max(l, level.get(condensed.getEdgeTarget(e)) + 1);
            }
            level.put(component, l);
            for (TableRef t : component.vertexSet()) {
                out.put(t, l);
            }
        }
        return out;
    }
}
