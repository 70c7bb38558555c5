package dev.bulwark.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What changed between two {@link CatalogSnapshot}s: objects added, removed, and changed with
 * the attributes that differ. Deterministic: ordered by object type, then name. Statistics
 * (sizes, row estimates, sequence positions) are not compared; see {@link CatalogObject#attributes()}.
 */
public record CatalogDiff(List<Change> changes) {
    public enum Kind { ADDED, REMOVED, CHANGED }

    public record AttributeChange(String attribute, Object before, Object after) {
    }

    /** @param attributes for CHANGED, the differing attributes; empty otherwise */
    public record Change(Kind kind, String objectType, String objectName, List<AttributeChange> attributes) {
        public Change {
            attributes = List.copyOf(attributes);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT)).append(' ')
                    .append(objectType).append(' ').append(objectName);
            for (AttributeChange a : attributes) {
                s.append("; ").append(a.attribute()).append(": ").append(a.before()).append(" -> ").append(a.after());
            }
            return s.toString();
        }
    }

    public CatalogDiff {
        changes = List.copyOf(changes);
    }

    public static CatalogDiff between(CatalogSnapshot before, CatalogSnapshot after) {
        Map<String, CatalogObject> a = index(before);
        Map<String, CatalogObject> b = index(after);
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, CatalogObject> e : a.entrySet()) {
            CatalogObject old = e.getValue();
            CatalogObject now = b.get(e.getKey());
            if (now == null) {
                out.add(new Change(Kind.REMOVED, old.objectType(), old.objectName(), List.of()));
                continue;
            }
            List<AttributeChange> diffs = new ArrayList<>();
            Map<String, Object> oa = old.attributes();
            Map<String, Object> na = now.attributes();
            for (String key : union(oa, na)) {
                if (!Objects.equals(oa.get(key), na.get(key))) {
                    diffs.add(new AttributeChange(key, oa.get(key), na.get(key)));
                }
            }
            if (!diffs.isEmpty()) {
                out.add(new Change(Kind.CHANGED, old.objectType(), old.objectName(), diffs));
            }
        }
        for (Map.Entry<String, CatalogObject> e : b.entrySet()) {
            if (!a.containsKey(e.getKey())) {
                out.add(new Change(Kind.ADDED, e.getValue().objectType(), e.getValue().objectName(), List.of()));
            }
        }
        out.sort(Comparator.comparing(Change::objectType).thenComparing(Change::objectName).thenComparing(Change::kind));
        return new CatalogDiff(out);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    private static Map<String, CatalogObject> index(CatalogSnapshot s) {
        Map<String, CatalogObject> m = new TreeMap<>();
        for (CatalogObject o : s.objects()) {
            m.put(o.objectType() + "\u0000" + o.objectName(), o);
        }
        return m;
    }

    private static List<String> union(Map<String, Object> a, Map<String, Object> b) {
        List<String> keys = new ArrayList<>(a.keySet());
        b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
        return keys;
    }
}
