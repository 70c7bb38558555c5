package dev.bulwark.verify;

import dev.bulwark.catalog.CascadeReach;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.catalog.ForeignKeyEdge;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.fingerprint.DataComparison;
import dev.bulwark.fingerprint.DataComparison.ChunkChange;
import dev.bulwark.fingerprint.DataComparison.TableComparison;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a {@link VerifyResult} as text, Markdown or JSON: one model, three views. */
public final class VerifyReport {
    private VerifyReport() {
    }

    public enum Format { TEXT, JSON, MARKDOWN }

    public static String render(VerifyResult r, Format format) {
        return switch (format) {
            case TEXT -> text(r);
            case MARKDOWN -> markdown(r);
            case JSON -> CatalogJson.write(json(r)) + "\n";
        };
    }

    private static Map<String, Object> json(VerifyResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("database", r.database());
        m.put("clean", r.clean());
        m.put("tables", r.tables());
        m.put("findings", r.findings().stream().map(f -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("check", f.check().id());
            x.put("category", f.check().category().name().toLowerCase(Locale.ROOT));
            x.put("object", f.object());
            x.put("message", f.message());
            x.put("fix", f.fix());
            x.put("count", f.count());
            x.put("sample", f.sample());
            return x;
        }).toList());
        m.put("invariants", r.invariants());
        m.put("comparison", r.comparison() == null ? null : Map.of("verdict", r.comparison().verdict().label(),
                "takenAt", r.comparison().takenAt().toString(), "tables", r.comparison().tables()));
        m.put("cascades", r.cascades().stream().filter(VerifyReport::interesting).map(c -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("table", c.root().toString());
            x.put("deletes", c.deleted().stream().map(d -> {
                Map<String, Object> y = new LinkedHashMap<>();
                y.put("table", d.table().toString());
                y.put("depth", d.depth());
                y.put("path", d.path().stream().map(ForeignKeyEdge::describe).toList());
                y.put("estimatedRows", d.estimatedRows());
                y.put("indexed", d.allIndexed());
                return y;
            }).toList());
            x.put("setsNull", c.nulled().stream().map(ForeignKeyEdge::describe).toList());
            x.put("restrictedBy", c.restricted().stream().map(ForeignKeyEdge::describe).toList());
            return x;
        }).toList());
        m.put("cycles", r.cycles().stream().map(c -> c.stream().map(TableRef::toString).toList()).toList());
        return m;
    }

    private static String title(Check.Category category) {
        return switch (category) {
            case SCHEMA -> "Schema integrity";
            case DATA -> "Data integrity";
            case INVARIANT -> "Invariants";
            case COMPARISON -> "Data compared with snapshot";
        };
    }

    private static boolean interesting(CascadeReach c) {
        return !c.deleted().isEmpty() || !c.nulled().isEmpty();
    }

    static String text(VerifyResult r) {
        StringBuilder out = new StringBuilder();
        out.append("Verified ").append(r.database()).append(" (").append(r.tables()).append(r.tables() == 1 ? " table" : " tables")
                .append(", read-only)\n");
        for (Check.Category category : List.of(Check.Category.SCHEMA, Check.Category.DATA, Check.Category.INVARIANT,
                Check.Category.COMPARISON)) {
            List<Finding> fs = r.findings().stream().filter(f -> f.check().category() == category).toList();
            if (category == Check.Category.INVARIANT && r.invariants().isEmpty()) {
                continue;
            }
            if (category == Check.Category.COMPARISON && r.comparison() == null) {
                continue;
            }
            out.append('\n').append(title(category)).append(": ").append(fs.isEmpty() ? "ok" : fs.size()
                    + (fs.size() == 1 ? " finding" : " findings"));
            if (category == Check.Category.INVARIANT) {
                long passed = r.invariants().stream().filter(InvariantResult::passed).count();
                out.append(" (").append(passed).append(" of ").append(r.invariants().size()).append(" queries passed)");
            }
            out.append('\n');
            for (Finding f : fs) {
                out.append("  ").append(f.check().id()).append("  ").append(f.object()).append('\n');
                out.append("    ").append(f.message()).append('\n');
                if (!f.sample().isEmpty()) {
                    out.append("    ").append(category == Check.Category.INVARIANT ? "first rows: " : "e.g. ")
                            .append(String.join(" | ", f.sample())).append('\n');
                }
                if (f.fix() != null) {
                    out.append("    fix: ").append(f.fix()).append('\n');
                }
            }
        }
        if (r.comparison() != null) {
            comparisonText(r.comparison(), out);
        }
        List<CascadeReach> cascades = r.cascades().stream().filter(VerifyReport::interesting).toList();
        if (!cascades.isEmpty()) {
            out.append("\nDeleting one row reaches (ON DELETE chains):\n");
            for (CascadeReach c : cascades) {
                out.append("  ").append(c.root()).append('\n');
                for (CascadeReach.Reached d : c.deleted()) {
                    out.append("    deletes ").append(d.table()).append("  depth ").append(d.depth())
                            .append(d.estimatedRows() == null ? "" : String.format(Locale.ROOT, ", ~%.1f rows", d.estimatedRows()))
                            .append(d.allIndexed() ? ", indexed" : ", NOT indexed (each delete scans)")
                            .append("  via ").append(d.path().stream().map(ForeignKeyEdge::name).map(TableRef::display)
                                    .collect(Collectors.joining(" > "))).append('\n');
                }
                for (ForeignKeyEdge e : c.nulled()) {
                    out.append("    ").append(e.onDelete().sql().toLowerCase(Locale.ROOT)).append(" in ").append(e.from())
                            .append(" via ").append(TableRef.display(e.name())).append(e.indexed() ? "" : ", NOT indexed").append('\n');
                }
            }
        }
        if (!r.cycles().isEmpty()) {
            out.append("\nForeign-key cycles: ").append(r.cycles().stream().map(c -> c.stream().map(TableRef::toString)
                    .collect(Collectors.joining(" <-> "))).collect(Collectors.joining("; "))).append('\n');
        }
        out.append('\n').append(r.clean() ? "OK: no findings."
                : "FAILED: " + r.findings().size() + (r.findings().size() == 1 ? " finding." : " findings.")).append('\n');
        return out.toString();
    }

    private static void comparisonText(DataComparison c, StringBuilder out) {
        out.append("  compared with the snapshot of ").append(c.takenAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(": ").append(c.verdict().label()).append('\n');
        for (TableComparison t : c.tables()) {
            if (t.status() == TableComparison.Status.IDENTICAL) {
                continue;
            }
            out.append("  ").append(t.table()).append(": ").append(t.status().label()).append(", ")
                    .append(t.rowsBefore()).append(" -> ").append(t.rowsAfter()).append(" rows");
            if (t.expectedBy() != null) {
                out.append(" (declared by ").append(t.expectedBy()).append(')');
            }
            out.append('\n');
            for (ChunkChange ch : t.chunks()) {
                out.append("    ").append(ch.describe(keyName(t))).append('\n');
            }
            if (t.note() != null) {
                out.append("    note: ").append(t.note()).append('\n');
            }
        }
        long identical = c.tables().stream().filter(t -> t.status() == TableComparison.Status.IDENTICAL).count();
        out.append("  ").append(identical).append(identical == 1 ? " table" : " tables").append(" identical\n");
    }

    private static String keyName(TableComparison t) {
        return t.keyColumn() == null ? null : TableRef.display(t.keyColumn());
    }

    static String markdown(VerifyResult r) {
        StringBuilder out = new StringBuilder();
        out.append("## Bulwark verify: ").append(r.clean() ? "passed" : "FAILED").append("\n\n");
        out.append("Database `").append(r.database()).append("`, ").append(r.tables()).append(" tables, read-only.\n\n");
        if (r.findings().isEmpty()) {
            out.append("No findings.\n");
        } else {
            out.append("| check | object | problem | fix |\n|---|---|---|---|\n");
            for (Finding f : r.findings()) {
                String problem = f.message() + (f.sample().isEmpty() ? "" : " (e.g. " + String.join(", ", f.sample()) + ")");
                out.append("| `").append(f.check().id()).append("` | ").append(cell(f.object())).append(" | ")
                        .append(cell(problem)).append(" | ").append(f.fix() == null ? "" : "`" + cell(f.fix()).replace("`", "'") + "`")
                        .append(" |\n");
            }
        }
        if (!r.invariants().isEmpty()) {
            out.append("\n### Invariants\n\n| query | result |\n|---|---|\n");
            for (InvariantResult i : r.invariants()) {
                out.append("| ").append(cell(i.name())).append(" | ").append(i.passed() ? "passed" : i.error() != null
                        ? "error: " + cell(i.error()) : "returned " + cell(String.join("; ", i.rows()))).append(" |\n");
            }
        }
        if (r.comparison() != null) {
            DataComparison c = r.comparison();
            out.append("\n### Data compared with the snapshot of ").append(c.takenAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(": **")
                    .append(c.verdict().label()).append("**\n\n| table | status | rows before | rows now | changed ranges | declared by |\n|---|---|---:|---:|---|---|\n");
            for (TableComparison t : c.tables()) {
                List<String> ranges = new ArrayList<>();
                t.chunks().forEach(ch -> ranges.add(ch.describe(keyName(t))));
                out.append("| ").append(cell(t.table().toString())).append(" | ").append(t.status().label()).append(" | ")
                        .append(t.rowsBefore()).append(" | ").append(t.rowsAfter()).append(" | ").append(cell(String.join("; ", ranges)))
                        .append(" | ").append(t.expectedBy() == null ? "" : cell(t.expectedBy())).append(" |\n");
            }
        }
        List<CascadeReach> cascades = r.cascades().stream().filter(VerifyReport::interesting).toList();
        if (!cascades.isEmpty()) {
            out.append("\n### Cascades\n\n| deleting a row of | deletes | sets NULL/DEFAULT in |\n|---|---|---|\n");
            for (CascadeReach c : cascades) {
                out.append("| ").append(cell(c.root().toString())).append(" | ")
                        .append(cell(c.deleted().stream().map(d -> d.table() + " (depth " + d.depth()
                                + (d.allIndexed() ? "" : ", not indexed") + ")").collect(Collectors.joining(", "))))
                        .append(" | ").append(cell(c.nulled().stream().map(e -> e.from().toString()).collect(Collectors.joining(", "))))
                        .append(" |\n");
            }
        }
        return out.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
