package dev.bulwark.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small layered drawing of a directed graph as inline SVG, left to right: each node sits in the
 * column of its longest path from a source (back edges of cycles are ignored for layering), and
 * is ordered in its column by the mean position of its predecessors, which keeps chains straight
 * and most edges uncrossed for the graphs an audit draws (tens of nodes). No script, no fonts to
 * fetch: it renders wherever the HTML is opened.
 */
final class SvgGraph {
    /** @param style a CSS class of the node's box: ok, head, broken, missing, critical, high, medium, low */
    record Node(String id, String label, String sublabel, String style) {
    }

    /** @param style a CSS class: chain, cascade, restrict */
    record Edge(String from, String to, String label, String style) {
    }

    private static final int NODE_H = 44;
    private static final int V_GAP = 22;
    private static final int H_GAP = 56;
    private static final int PAD = 16;
    private static final double CHAR_W = 7.4;

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();
    /** Columns per band: a long chain is drawn in bands, read like lines of text, instead of one unreadable strip. */
    private int wrap = Integer.MAX_VALUE;

    SvgGraph wrapAt(int columns) {
        this.wrap = Math.max(2, columns);
        return this;
    }

    void node(String id, String label, String sublabel, String style) {
        // long descriptions would widen the whole column; the tables below the graph carry the full text
        String sub = sublabel != null && sublabel.length() > 26 ? sublabel.substring(0, 25) + "…" : sublabel;
        nodes.putIfAbsent(id, new Node(id, label, sub, style));
    }

    void edge(String from, String to, String label, String style) {
        edges.add(new Edge(from, to, label, style));
    }

    String render(String title) {
        Map<String, Integer> layer = layers();
        int layers = layer.values().stream().mapToInt(i -> i).max().orElse(0) + 1;
        List<List<String>> columns = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            columns.add(new ArrayList<>());
        }
        nodes.keySet().forEach(id -> columns.get(layer.get(id)).add(id));
        Map<String, Double> rank = new HashMap<>();
        for (int c = 0; c < layers; c++) {
            List<String> col = columns.get(c);
            for (int i = 0; i < col.size(); i++) {
                String id = col.get(i);
                double sum = 0;
                int n = 0;
                for (Edge e : edges) {
                    if (e.to().equals(id) && rank.containsKey(e.from()) && layer.get(e.from()) < c) {
                        sum += rank.get(e.from());
                        n++;
                    }
                }
                rank.put(id, n == 0 ? i + 1000 : sum / n);
            }
            col.sort((a, b) -> Double.compare(rank.get(a), rank.get(b)));
            for (int i = 0; i < col.size(); i++) {
                rank.put(col.get(i), (double) i);
            }
        }
        int[] colWidth = new int[layers];
        for (int c = 0; c < layers; c++) {
            for (String id : columns.get(c)) {
                colWidth[c] = Math.max(colWidth[c], width(nodes.get(id)));
            }
        }
        // bands of equal length: 7 columns with wrap 6 become 4 + 3, not 6 + 1
        int bandCount = (layers + Math.min(wrap, layers) - 1) / Math.min(wrap, layers);
        int bandCols = (layers + bandCount - 1) / bandCount;
        int bands = (layers + bandCols - 1) / bandCols;
        int[] slotWidth = new int[bandCols];
        for (int c = 0; c < layers; c++) {
            slotWidth[c % bandCols] = Math.max(slotWidth[c % bandCols], colWidth[c]);
        }
        int[] bandRows = new int[bands];
        for (int c = 0; c < layers; c++) {
            bandRows[c / bandCols] = Math.max(bandRows[c / bandCols], columns.get(c).size());
        }
        Map<String, int[]> box = new HashMap<>(); // x, y, w
        int bandTop = PAD;
        for (int band = 0; band < bands; band++) {
            int bandHeight = bandRows[band] * NODE_H + (bandRows[band] - 1) * V_GAP;
            int x = PAD;
            for (int slot = 0; slot < bandCols; slot++) {
                int c = band * bandCols + slot;
                if (c >= layers) {
                    break;
                }
                List<String> col = columns.get(c);
                int colHeight = col.size() * NODE_H + (col.size() - 1) * V_GAP;
                int y = bandTop + (bandHeight - colHeight) / 2;
                for (String id : col) {
                    box.put(id, new int[]{x, y, colWidth[c]});
                    y += NODE_H + V_GAP;
                }
                x += slotWidth[slot] + H_GAP;
            }
            bandTop += bandHeight + (band + 1 < bands ? V_GAP * 3 : 0);
        }
        int height = bandTop + PAD;
        int x = PAD;
        for (int w : slotWidth) {
            x += w + H_GAP;
        }
        int width = x - H_GAP + PAD;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" width=\"").append(width).append("\" style=\"max-width:100%;height:auto\">");
        s.append("<title>").append(esc(title)).append("</title>");
        s.append("<defs>");
        for (String style : List.of("chain", "cascade", "restrict")) {
            s.append("<marker id=\"arrow-").append(style).append("\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\"")
                    .append(" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head-")
                    .append(style).append("\"/></marker>");
        }
        s.append("</defs>");
        for (Edge e : edges) {
            int[] a = box.get(e.from());
            int[] b = box.get(e.to());
            if (a == null || b == null) {
                continue;
            }
            double x1 = a[0] + a[2];
            double y1 = a[1] + NODE_H / 2.0;
            double x2 = b[0];
            double y2 = b[1] + NODE_H / 2.0;
            String d;
            if (b[1] > a[1] + NODE_H && x2 <= x1) { // into the next band: down from the bottom, into the top
                double ax = a[0] + a[2] / 2.0;
                double bx = b[0] + b[2] / 2.0;
                d = String.format(Locale.ROOT, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", ax, a[1] + (double) NODE_H,
                        ax, a[1] + NODE_H + 60.0, bx, b[1] - 60.0, bx, b[1] - 2.0);
            } else if (x2 <= x1) { // a back edge (cycle): loop under the boxes
                double low = Math.max(a[1], b[1]) + NODE_H + V_GAP / 2.0;
                d = String.format(Locale.ROOT, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", a[0] + a[2] / 2.0, a[1] + (double) NODE_H,
                        a[0] + a[2] / 2.0, low + 30, b[0] + b[2] / 2.0, low + 30, b[0] + b[2] / 2.0, b[1] + (double) NODE_H);
            } else {
                double mid = (x1 + x2) / 2;
                d = String.format(Locale.ROOT, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x1, y1, mid, y1, mid, y2, x2 - 2, y2);
            }
            s.append("<path class=\"edge ").append(e.style()).append("\" d=\"").append(d).append("\" marker-end=\"url(#arrow-")
                    .append(e.style()).append(")\"/>");
            if (e.label() != null && !e.label().isEmpty() && x2 > x1) {
                // on the curve, nearer the child: edges fanning out of one parent then get labels apart
                double t = 0.68;
                double mid = (x1 + x2) / 2;
                double u = 1 - t;
                double lx = u * u * u * x1 + 3 * u * u * t * mid + 3 * u * t * t * mid + t * t * t * x2;
                double ly = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2;
                int lw = (int) (e.label().length() * 6.2) + 10;
                s.append(String.format(Locale.ROOT, "<rect class=\"edge-label-bg\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"16\" rx=\"3\"/>",
                        lx - lw / 2.0, ly - 8, lw));
                s.append(String.format(Locale.ROOT, "<text class=\"edge-label %s\" x=\"%.1f\" y=\"%.1f\">", e.style(), lx, ly + 4))
                        .append(esc(e.label())).append("</text>");
            }
        }
        for (Node n : nodes.values()) {
            int[] b = box.get(n.id());
            s.append("<g class=\"node ").append(n.style()).append("\">");
            s.append("<rect x=\"").append(b[0]).append("\" y=\"").append(b[1]).append("\" width=\"").append(b[2])
                    .append("\" height=\"").append(NODE_H).append("\" rx=\"8\"/>");
            boolean two = n.sublabel() != null && !n.sublabel().isEmpty();
            s.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%.1f\" y=\"%d\">", b[0] + b[2] / 2.0, b[1] + (two ? 19 : 27)))
                    .append(esc(n.label())).append("</text>");
            if (two) {
                s.append(String.format(Locale.ROOT, "<text class=\"sublabel\" x=\"%.1f\" y=\"%d\">", b[0] + b[2] / 2.0, b[1] + 35))
                        .append(esc(n.sublabel())).append("</text>");
            }
            s.append("</g>");
        }
        s.append("</svg>");
        return s.toString();
    }

    private static int width(Node n) {
        int chars = Math.max(n.label().length(), n.sublabel() == null ? 0 : (int) (n.sublabel().length() * 0.85));
        return Math.max(90, (int) (chars * CHAR_W) + 28);
    }

    /** Longest path from a source, ignoring edges that close a cycle (found by depth-first search). */
    private Map<String, Integer> layers() {
        Map<String, List<String>> out = new HashMap<>();
        for (Edge e : edges) {
            if (nodes.containsKey(e.from()) && nodes.containsKey(e.to()) && !e.from().equals(e.to())) {
                out.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e.to());
            }
        }
        Set<String> done = new HashSet<>();
        Set<String> onStack = new HashSet<>();
        List<String[]> forward = new ArrayList<>();
        for (String id : nodes.keySet()) {
            dfs(id, out, done, onStack, forward);
        }
        Map<String, Integer> layer = new HashMap<>();
        nodes.keySet().forEach(id -> layer.put(id, 0));
        // relax forward edges until stable: at most |V| rounds on a DAG
        for (int round = 0; round < nodes.size(); round++) {
            boolean changed = false;
            for (String[] e : forward) {
                if (layer.get(e[1]) < layer.get(e[0]) + 1) {
                    layer.put(e[1], layer.get(e[0]) + 1);
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return layer;
    }

    private static void dfs(String id, Map<String, List<String>> out, Set<String> done, Set<String> onStack, List<String[]> forward) {
        if (done.contains(id)) {
            return;
        }
        onStack.add(id);
        for (String next : out.getOrDefault(id, List.of())) {
            if (onStack.contains(next)) {
                continue; // back edge
            }
            forward.add(new String[]{id, next});
            dfs(next, out, done, onStack, forward);
        }
        onStack.remove(id);
        done.add(id);
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
