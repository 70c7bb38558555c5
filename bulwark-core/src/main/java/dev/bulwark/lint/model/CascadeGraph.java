package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Recognized.FkAction;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What deleting one row of a table does through ON DELETE actions: CASCADE edges delete child
 * rows (and continue from the child), SET NULL / SET DEFAULT update them (and stop there).
 * A small breadth-first walk: the graphs are tens of tables, a library would add nothing.
 */
public final class CascadeGraph {
    /**
     * @param depth   edges from the root
     * @param via     the foreign key that reaches it
     * @param deletes true when its rows are deleted, false when they are updated (SET NULL/DEFAULT)
     */
    public record Reach(String table, int depth, ForeignKey via, boolean deletes) {
    }

    /**
     * @param reached every table reached, nearest first (the root not included)
     * @param cycle   true when the cascade comes back to a table already deleted from
     */
    public record Chain(String root, List<Reach> reached, boolean cycle) {
        public int depth() {
            return reached.stream().mapToInt(Reach::depth).max().orElse(0);
        }

        public List<Reach> deleted() {
            return reached.stream().filter(Reach::deletes).toList();
        }

        /** {@code users → channels → posts}, the deepest path, for messages. */
        public String path() {
            Reach deepest = reached.stream().filter(Reach::deletes).reduce((a, b) -> b.depth() >= a.depth() ? b : a)
                    .orElse(null);
            if (deepest == null) {
                return root;
            }
            List<String> names = new ArrayList<>();
            Reach r = deepest;
            while (r != null) {
                names.add(0, r.table());
                String parent = r.via().parent();
                r = reached.stream().filter(x -> x.table().equals(parent)).findFirst().orElse(null);
            }
            names.add(0, root);
            return String.join(" → ", names);
        }
    }

    private CascadeGraph() {
    }

    /** {@code table} and every table whose row deletes cascade down to deleting rows of {@code table}. */
    public static java.util.Set<String> reachingDeletesOf(SchemaModel model, String table) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        out.add(table);
        queue.add(table);
        List<ForeignKey> fks = model.foreignKeys();
        while (!queue.isEmpty()) {
            String t = queue.poll();
            for (ForeignKey fk : fks) {
                if (fk.child().equals(t) && fk.onDelete() == FkAction.CASCADE && out.add(fk.parent())) {
                    queue.add(fk.parent());
                }
            }
        }
        return out;
    }

    public static Chain from(SchemaModel model, String root) {
        Map<String, Reach> seen = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(root);
        boolean cycle = false;
        Map<String, Integer> depth = new LinkedHashMap<>();
        depth.put(root, 0);
        Map<String, List<ForeignKey>> byParent = model.foreignKeysByParent();
        while (!queue.isEmpty()) {
            String table = queue.poll();
            for (ForeignKey fk : byParent.getOrDefault(table, List.of())) {
                if (fk.onDelete() == FkAction.NO_ACTION || fk.onDelete() == FkAction.RESTRICT) {
                    continue;
                }
                boolean deletes = fk.onDelete() == FkAction.CASCADE;
                if (fk.child().equals(root) || depth.containsKey(fk.child())) {
                    cycle |= deletes && (fk.child().equals(root) || seen.get(fk.child()).deletes());
                    continue;
                }
                int d = depth.get(table) + 1;
                depth.put(fk.child(), d);
                seen.put(fk.child(), new Reach(fk.child(), d, fk, deletes));
                if (deletes) {
                    queue.add(fk.child());
                }
            }
        }
        return new Chain(root, List.copyOf(seen.values()), cycle);
    }
}
