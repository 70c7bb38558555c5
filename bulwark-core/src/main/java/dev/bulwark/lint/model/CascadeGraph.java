package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Recognized.FkAction;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What deleting one row of a table does through ON DELETE actions: CASCADE edges delete child
 * rows (and continue from the child), SET NULL / SET DEFAULT update them (and stop there).
 * <p>
 * A cycle (a path of CASCADE edges that comes back to a table already on it, a self-reference
 * being the shortest) is told apart from a diamond (two paths that meet at the same table): only
 * the first makes the cascade's depth unbounded. Depth is the longest path of deletes, counting a
 * table reached along several paths at its deepest. The walks read the graph through the model's
 * per-table foreign-key maps, so they cost what they reach, not the size of the schema.
 */
public final class CascadeGraph {
    /**
     * @param depth   edges from the root along the longest path of deletes that reaches it
     * @param via     the foreign key that reaches it along that path
     * @param deletes true when its rows are deleted, false when they are only updated (SET NULL/DEFAULT)
     * @param paths   how many foreign keys from reached tables (or the root) lead to it: more than one
     *                is a diamond (or a cycle, see {@link Chain#cycle()})
     */
    public record Reach(String table, int depth, ForeignKey via, boolean deletes, int paths) {
        public Reach(String table, int depth, ForeignKey via, boolean deletes) {
            this(table, depth, via, deletes, 1);
        }
    }

    /**
     * @param reached     every table reached, parents before children, nearest first; the root itself
     *                    when a cycle of deletes comes back to it (a self-reference: its other rows go too)
     * @param cycle       true when CASCADE edges come back to a table already on the path
     * @param cycleEdges  the foreign keys that close a cycle (a self-reference's own key among them)
     */
    public record Chain(String root, List<Reach> reached, boolean cycle, List<ForeignKey> cycleEdges) {
        public Chain(String root, List<Reach> reached, boolean cycle) {
            this(root, reached, cycle, List.of());
        }

        public int depth() {
            return reached.stream().mapToInt(Reach::depth).max().orElse(0);
        }

        public List<Reach> deleted() {
            return reached.stream().filter(Reach::deletes).toList();
        }

        public List<Reach> updated() {
            return reached.stream().filter(r -> !r.deletes()).toList();
        }

        /** Tables reached along more than one path of deletes that do not close a cycle. */
        public List<Reach> diamonds() {
            Set<String> closing = new HashSet<>();
            cycleEdges.forEach(fk -> closing.add(fk.child()));
            return reached.stream().filter(r -> r.paths() > 1 && !closing.contains(r.table())).toList();
        }

        /** Foreign keys of a table that point at itself with ON DELETE CASCADE. */
        public List<ForeignKey> selfReferences() {
            return cycleEdges.stream().filter(fk -> fk.child().equals(fk.parent())).toList();
        }

        /** {@code users → channels → posts}, the deepest path of deletes, for messages. */
        public String path() {
            Reach deepest = null;
            for (Reach r : reached) {
                if (r.deletes() && (deepest == null || r.depth() > deepest.depth())) {
                    deepest = r;
                }
            }
            if (deepest == null) {
                return root;
            }
            Map<String, Reach> byTable = new HashMap<>();
            reached.forEach(r -> byTable.putIfAbsent(r.table(), r));
            List<String> names = new ArrayList<>();
            Reach r = deepest;
            Set<String> seen = new HashSet<>();
            while (r != null && seen.add(r.table() + "@" + r.depth())) {
                names.add(0, r.table());
                String parent = r.via().parent();
                if (parent.equals(root) && r.depth() == 1) {
                    break;
                }
                r = byTable.get(parent);
            }
            names.add(0, root);
            return String.join(" → ", names);
        }
    }

    private CascadeGraph() {
    }

    /** {@code table} and every table whose row deletes cascade down to deleting rows of {@code table}. */
    public static Set<String> reachingDeletesOf(SchemaModel model, String table) {
        Set<String> out = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        out.add(table);
        queue.add(table);
        while (!queue.isEmpty()) {
            String t = queue.poll();
            for (ForeignKey fk : model.foreignKeysFrom(t)) {
                if (fk.onDelete() == FkAction.CASCADE && out.add(fk.parent())) {
                    queue.add(fk.parent());
                }
            }
        }
        return out;
    }

    private static boolean cascades(ForeignKey fk) {
        return fk.onDelete() == FkAction.CASCADE;
    }

    private static boolean updates(ForeignKey fk) {
        return fk.onDelete() == FkAction.SET_NULL || fk.onDelete() == FkAction.SET_DEFAULT;
    }

    public static Chain from(SchemaModel model, String root) {
        // 1. The tables whose rows are deleted: root and everything reachable along CASCADE edges.
        //    A depth-first walk from the root finds the edges that close a cycle (to a table still on
        //    the walk's stack) and, in reverse finishing order, a topological order of the rest.
        Map<String, List<ForeignKey>> down = new HashMap<>();
        Set<String> onStack = new HashSet<>();
        Set<String> done = new HashSet<>();
        List<String> finished = new ArrayList<>();
        List<ForeignKey> back = new ArrayList<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        onStack.add(root);
        stack.push(new Object[]{root, children(model, root, down), 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            String table = (String) frame[0];
            @SuppressWarnings("unchecked") List<ForeignKey> edges = (List<ForeignKey>) frame[1];
            int next = (int) frame[2];
            if (next < edges.size()) {
                frame[2] = next + 1;
                ForeignKey fk = edges.get(next);
                if (!cascades(fk)) {
                    continue;
                }
                String child = fk.child();
                if (onStack.contains(child)) {
                    back.add(fk);
                } else if (!done.contains(child)) {
                    onStack.add(child);
                    stack.push(new Object[]{child, children(model, child, down), 0});
                }
            } else {
                stack.pop();
                onStack.remove(table);
                done.add(table);
                finished.add(table);
            }
        }
        // 2. Longest path of deletes over the edges that do not close a cycle, in topological order.
        Set<ForeignKey> backSet = new HashSet<>(back);
        Map<String, Integer> depth = new HashMap<>();
        Map<String, ForeignKey> via = new HashMap<>();
        Map<String, Integer> paths = new HashMap<>();
        depth.put(root, 0);
        for (int k = finished.size() - 1; k >= 0; k--) {
            String table = finished.get(k);
            int d = depth.getOrDefault(table, 0);
            for (ForeignKey fk : down.getOrDefault(table, List.of())) {
                if (!cascades(fk)) {
                    continue;
                }
                paths.merge(fk.child(), 1, Integer::sum);
                if (backSet.contains(fk)) {
                    continue;
                }
                if (!depth.containsKey(fk.child()) || depth.get(fk.child()) < d + 1) {
                    depth.put(fk.child(), d + 1);
                    via.put(fk.child(), fk);
                }
            }
        }
        List<Reach> reached = new ArrayList<>();
        for (String table : finished) {
            if (!table.equals(root)) {
                reached.add(new Reach(table, depth.get(table), via.get(table), true, paths.getOrDefault(table, 1)));
            }
        }
        // A cycle back to the root deletes other rows of the root too.
        for (ForeignKey fk : back) {
            if (fk.child().equals(root) && reached.stream().noneMatch(r -> r.table().equals(root))) {
                int d = depth.getOrDefault(fk.parent(), 0) + 1;
                reached.add(new Reach(root, d, fk, true, paths.getOrDefault(root, 1)));
            }
        }
        // 3. Tables only updated: a SET NULL / SET DEFAULT edge from a deleted table (or the root).
        Map<String, Reach> updated = new LinkedHashMap<>();
        for (String table : finished) {
            int d = table.equals(root) ? 0 : depth.get(table);
            for (ForeignKey fk : down.getOrDefault(table, List.of())) {
                if (!updates(fk) || done.contains(fk.child())) {
                    continue;
                }
                Reach old = updated.get(fk.child());
                if (old == null || old.depth() < d + 1) {
                    updated.put(fk.child(), new Reach(fk.child(), d + 1, fk, false, old == null ? 1 : old.paths() + 1));
                } else {
                    updated.put(fk.child(), new Reach(old.table(), old.depth(), old.via(), false, old.paths() + 1));
                }
            }
        }
        reached.addAll(updated.values());
        reached.sort(Comparator.comparingInt(Reach::depth).thenComparing(r -> !r.deletes()).thenComparing(Reach::table));
        return new Chain(root, List.copyOf(reached), !back.isEmpty(), List.copyOf(back));
    }

    private static List<ForeignKey> children(SchemaModel model, String table, Map<String, List<ForeignKey>> down) {
        return down.computeIfAbsent(table, model::foreignKeysTo);
    }
}
