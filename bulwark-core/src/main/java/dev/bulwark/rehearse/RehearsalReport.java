package dev.bulwark.rehearse;

import dev.bulwark.catalog.LiveSizes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.catalog.CatalogDiff;
import dev.bulwark.rehearse.RehearsalResult.MigrationRehearsal;
import dev.bulwark.rehearse.RehearsalResult.RoundTrip;
import dev.bulwark.trace.LockTaken;
import dev.bulwark.trace.ScanObserved;
import dev.bulwark.trace.StatementTrace;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a {@link RehearsalResult} as text, JSON, Markdown or JUnit XML. */
public final class RehearsalReport {
    private RehearsalReport() {
    }

    public enum Format { TEXT, JSON, MARKDOWN, JUNIT }

    public static String render(RehearsalResult r, Format f) {
        return switch (f) {
            case TEXT -> text(r);
            case JSON -> json(r);
            case MARKDOWN -> markdown(r);
            case JUNIT -> junit(r);
        };
    }

    // ------------------------------------------------------------------ text

    static String text(RehearsalResult r) {
        StringBuilder b = new StringBuilder();
        List<MigrationRehearsal> skipped = r.migrations().stream().filter(m -> m.skipped() != null).toList();
        for (MigrationRehearsal m : r.migrations()) {
            if (m.skipped() != null) {
                continue;
            }
            b.append('\n').append(m.id()).append(' ').append(m.description()).append("  (").append(m.file()).append(")\n");
            for (StatementTrace t : m.up()) {
                b.append("  ").append(t.statement().line()).append(": ").append(shorten(t.statement().sql(), 70)).append('\n');
                if (t.failed()) {
                    b.append("      FAILED: ").append(t.error()).append('\n');
                    continue;
                }
                String facts = facts(t, r.live());
                if (!facts.isEmpty()) {
                    b.append("      ").append(facts).append('\n');
                }
            }
            for (StaticCheck sc : m.staticChecks()) {
                b.append("  lint [").append(sc.rule()).append("] ").append(sc.verdict().label()).append(": ").append(sc.evidence()).append('\n');
            }
            for (TraceFinding f : m.findings()) {
                b.append("  ").append(f.severityLabel()).append(" [").append(f.rule()).append("] ").append(f.position()).append(": ")
                        .append(f.message()).append("\n      help: ").append(f.help()).append('\n');
            }
            RoundTrip rt = m.roundTrip();
            if (rt != null) {
                b.append("  round trip: ").append(rt.outcome().isFailure() ? "FAILED — " : "").append(rt.outcome().meaning())
                        .append(rt.detail() != null ? ": " + rt.detail() : "").append('\n');
            }
        }
        if (!skipped.isEmpty()) {
            b.append('\n').append(skipped.size()).append(" later migration").append(skipped.size() == 1 ? " was" : "s were")
                    .append(" not rehearsed (").append(skipped.get(0).id()).append(skipped.size() > 1 ? " to " + skipped.get(skipped.size() - 1).id() : "")
                    .append("): ").append(skipped.get(0).skipped().replace("not rehearsed: ", "")).append(".\n");
        }
        if (!r.layout().isEmpty()) {
            b.append('\n').append(r.layout().size()).append(" layout problem").append(r.layout().size() == 1 ? "" : "s")
                    .append(" (not rehearsed; migrate refuses the folder until they are fixed):\n");
            for (dev.bulwark.migration.LayoutProblem p : r.layout()) {
                b.append("  error [").append(p.rule()).append("] ").append(p.file()).append(": ").append(p.file().getFileName())
                        .append(' ').append(p.reason()).append("\n      help: ").append(p.fix()).append('\n');
            }
        }
        long failed = r.migrations().stream().filter(MigrationRehearsal::failed).count();
        if (r.live().target() != null) {
            b.append("\nSizes are those of ").append(r.live().target()).append(" (read only).\n");
        }
        b.append('\n').append(r.migrations().size()).append(" migrations, ").append(r.statements()).append(" statements rehearsed on PostgreSQL ")
                .append(r.serverVersion()).append(" in ").append(r.durationMs()).append(" ms: ")
                .append(failed == 0 ? "all passed" : failed + " failed")
                .append(r.layout().isEmpty() ? "" : "; " + r.layout().size() + " layout problem" + (r.layout().size() == 1 ? "" : "s"))
                .append(".\n");
        return b.toString();
    }

    /** "ACCESS EXCLUSIVE on public.orders; rewrites public.orders; scans public.orders" */
    static String facts(StatementTrace t) {
        return facts(t, LiveSizes.NONE);
    }

    /** With live sizes: "SHARE on public.orders (38 GB, ~210M rows): writes blocked for the whole statement". */
    static String facts(StatementTrace t, LiveSizes live) {
        StringBuilder b = new StringBuilder();
        if (!t.traced()) {
            b.append(t.note());
        }
        // per table, the strongest mode: that is what other sessions wait for (all locks are in the JSON)
        java.util.Map<String, LockTaken> strongest = new java.util.TreeMap<>();
        for (LockTaken l : t.locks()) {
            if (!"index".equals(l.kind())) {
                strongest.merge(l.relation(), l, (a, c) -> a.strength() >= c.strength() ? a : c);
            }
        }
        if (!strongest.isEmpty()) {
            append(b, "locks " + strongest.values().stream().map(l -> {
                LiveSizes.Size size = live.of(l.relation());
                return l.modeName() + " on " + l.relation() + (size == null ? "" : " (" + size.describe() + ")"
                        + (l.blocksReads() ? ": reads and writes blocked" : l.blocksWrites() ? ": writes blocked" : "")
                        + (size != null && l.blocksWrites() ? " for the whole statement" : ""));
            }).collect(Collectors.joining(", ")));
        }
        if (!t.rewritten().isEmpty()) {
            append(b, "rewrites " + String.join(", ", t.rewritten()));
        }
        if (!t.scans().isEmpty()) {
            append(b, "scans " + t.scans().stream().map(ScanObserved::table).collect(Collectors.joining(", ")));
        }
        return b.toString();
    }

    private static void append(StringBuilder b, String s) {
        if (b.length() > 0) {
            b.append("; ");
        }
        b.append(s);
    }

    private static String shorten(String sql, int max) {
        String s = sql.replaceAll("\\s+", " ").trim();
        return s.length() > max ? s.substring(0, max - 3) + "..." : s;
    }

    // ------------------------------------------------------------------ json

    static String json(RehearsalResult r) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("scratchDatabase", r.scratchDatabase());
        root.put("serverVersion", r.serverVersion());
        root.put("durationMs", r.durationMs());
        root.put("failed", r.failed());
        ArrayNode layout = root.putArray("layoutProblems");
        for (dev.bulwark.migration.LayoutProblem p : r.layout()) {
            layout.addObject().put("rule", p.rule()).put("file", p.file().toString()).put("reason", p.reason()).put("fix", p.fix());
        }
        ArrayNode ms = root.putArray("migrations");
        for (MigrationRehearsal m : r.migrations()) {
            ObjectNode n = ms.addObject();
            n.put("id", m.id());
            n.put("description", m.description());
            n.put("file", m.file());
            n.put("failed", m.failed());
            if (m.skipped() != null) {
                n.put("skipped", m.skipped());
            }
            ArrayNode st = n.putArray("statements");
            for (StatementTrace t : m.up()) {
                ObjectNode s = st.addObject();
                s.put("position", t.statement().position());
                s.put("sql", t.statement().sql());
                s.put("transactional", t.transactional());
                s.put("traced", t.traced());
                s.put("durationMs", t.durationMs());
                ArrayNode locks = s.putArray("locks");
                for (LockTaken l : t.locks()) {
                    locks.addObject().put("relation", l.relation()).put("kind", l.kind()).put("mode", l.modeName());
                }
                ArrayNode rw = s.putArray("rewritten");
                t.rewritten().forEach(rw::add);
                ArrayNode scans = s.putArray("scans");
                for (ScanObserved sc : t.scans()) {
                    scans.addObject().put("table", sc.table()).put("seqScans", sc.seqScans()).put("tuplesRead", sc.tuplesRead());
                }
                if (t.note() != null) s.put("note", t.note());
                if (t.error() != null) s.put("error", t.error());
            }
            ArrayNode fs = n.putArray("findings");
            for (TraceFinding f : m.findings()) {
                fs.addObject().put("rule", f.rule()).put("severity", f.severityLabel()).put("position", f.position())
                        .put("message", f.message()).put("help", f.help());
            }
            ArrayNode sc = n.putArray("staticFindings");
            for (StaticCheck c : m.staticChecks()) {
                sc.addObject().put("rule", c.rule()).put("position", c.position()).put("message", c.message())
                        .put("verdict", c.verdict().name().toLowerCase(Locale.ROOT)).put("evidence", c.evidence());
            }
            if (m.upDiff() != null) {
                ArrayNode d = n.putArray("catalogChanges");
                m.upDiff().changes().forEach(c -> d.add(c.toString()));
            }
            if (m.roundTrip() != null) {
                ObjectNode rt = n.putObject("roundTrip");
                rt.put("outcome", m.roundTrip().outcome().name().toLowerCase(Locale.ROOT));
                rt.put("passed", !m.roundTrip().outcome().isFailure());
                if (m.roundTrip().detail() != null) rt.put("detail", m.roundTrip().detail());
                diff(rt, "notReversed", m.roundTrip().notReversed());
                diff(rt, "reapplyDiffers", m.roundTrip().reapplyDiffers());
            }
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void diff(ObjectNode n, String name, CatalogDiff d) {
        if (d != null) {
            ArrayNode a = n.putArray(name);
            d.changes().forEach(c -> a.add(c.toString()));
        }
    }

    // ------------------------------------------------------------------ markdown

    static String markdown(RehearsalResult r) {
        StringBuilder b = new StringBuilder("# Migration rehearsal\n\n");
        long failed = r.migrations().stream().filter(MigrationRehearsal::failed).count();
        b.append(failed == 0 ? "**All " + r.migrations().size() + " migrations passed**" : "**" + failed + " of " + r.migrations().size()
                + " migrations failed**").append(" on PostgreSQL ").append(r.serverVersion()).append(" (")
                .append(r.statements()).append(" statements, ").append(r.durationMs()).append(" ms).\n\n");
        b.append("| migration | statements | locks, rewrites, scans | round trip | findings |\n|---|---|---|---|---|\n");
        for (MigrationRehearsal m : r.migrations()) {
            String facts = m.up().stream().map(RehearsalReport::facts).filter(s -> !s.isEmpty()).distinct().collect(Collectors.joining("<br>"));
            String rt = m.skipped() != null ? "skipped" : m.failure() != null ? "❌ up failed at `" + m.failure().statement().position() + "`: "
                    + cell(m.failure().error()) : m.roundTrip() == null ? "" : mark(m.roundTrip().outcome())
                    + m.roundTrip().outcome().meaning() + (m.roundTrip().detail() != null && m.roundTrip().outcome().isFailure()
                    ? ": " + cell(m.roundTrip().detail()) : "");
            String fs = java.util.stream.Stream.concat(
                    m.findings().stream().map(f -> "`" + f.rule() + "` " + cell(f.message())),
                    m.staticChecks().stream().map(c -> "lint `" + c.rule() + "`: " + c.verdict().label()))
                    .collect(Collectors.joining("<br>"));
            b.append("| ").append(m.id()).append(' ').append(cell(m.description())).append(" | ").append(m.up().size()).append(" | ")
                    .append(cell(facts)).append(" | ").append(rt).append(" | ").append(fs).append(" |\n");
        }
        for (dev.bulwark.migration.LayoutProblem p : r.layout()) {
            b.append("| ").append(cell(p.file().getFileName().toString())).append(" | 0 |  | ❌ not rehearsed | `").append(p.rule())
                    .append("` ").append(cell(p.reason() + " — " + p.fix())).append(" |\n");
        }
        return b.toString();
    }

    private static String mark(RoundTrip.Outcome o) {
        return o.isFailure() ? "❌ " : o == RoundTrip.Outcome.NO_DOWN ? "⚠️ " : "✅ ";
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    // ------------------------------------------------------------------ junit

    /** A testcase per migration and per round trip, so CI shows the rehearsal as tests. */
    static String junit(RehearsalResult r) {
        StringBuilder cases = new StringBuilder();
        int tests = 0;
        int failures = 0;
        int skipped = 0;
        for (MigrationRehearsal m : r.migrations()) {
            String name = m.id() + " " + m.description();
            tests++;
            cases.append("    <testcase classname=\"bulwark.rehearsal\" name=\"").append(xml(name + ": apply")).append("\" file=\"")
                    .append(xml(m.file())).append("\">\n");
            if (m.skipped() != null) {
                skipped++;
                cases.append("      <skipped message=\"").append(xml(m.skipped())).append("\"/>\n");
            } else if (m.failure() != null || m.findings().stream().anyMatch(f -> f.severity() == TraceFinding.Severity.ERROR)) {
                failures++;
                String msg = m.failure() != null ? m.failure().statement().position() + ": " + m.failure().error()
                        : m.findings().stream().filter(f -> f.severity() == TraceFinding.Severity.ERROR)
                        .map(f -> f.position() + ": " + f.message()).collect(Collectors.joining("; "));
                cases.append("      <failure message=\"").append(xml(msg)).append("\">").append(xml(text(single(r, m)))).append("</failure>\n");
            }
            cases.append("    </testcase>\n");
            if (m.roundTrip() != null) {
                tests++;
                cases.append("    <testcase classname=\"bulwark.rehearsal\" name=\"").append(xml(name + ": round trip")).append("\">\n");
                if (m.roundTrip().outcome().isFailure()) {
                    failures++;
                    cases.append("      <failure message=\"").append(xml(m.roundTrip().outcome().meaning()
                            + (m.roundTrip().detail() != null ? ": " + m.roundTrip().detail() : ""))).append("\"/>\n");
                } else if (m.roundTrip().outcome() == RoundTrip.Outcome.NO_DOWN) {
                    skipped++;
                    cases.append("      <skipped message=\"").append(xml(m.roundTrip().detail())).append("\"/>\n");
                }
                cases.append("    </testcase>\n");
            }
        }
        for (dev.bulwark.migration.LayoutProblem p : r.layout()) {
            tests++;
            failures++;
            cases.append("    <testcase classname=\"bulwark.rehearsal\" name=\"").append(xml(p.file().getFileName() + ": layout"))
                    .append("\" file=\"").append(xml(p.file().toString())).append("\">\n      <failure message=\"")
                    .append(xml(p.file().getFileName() + " " + p.reason() + " (" + p.fix() + ")")).append("\"/>\n    </testcase>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"bulwark rehearsal\" tests=\"" + tests
                + "\" failures=\"" + failures + "\" errors=\"0\" skipped=\"" + skipped + "\" time=\""
                + String.format(Locale.ROOT, "%.3f", r.durationMs() / 1000.0) + "\">\n" + cases + "  </testsuite>\n</testsuites>\n";
    }

    private static RehearsalResult single(RehearsalResult r, MigrationRehearsal m) {
        return new RehearsalResult(r.scratchDatabase(), r.serverVersion(), List.of(m), r.durationMs(), r.live(), List.of());
    }

    private static String xml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\n' -> b.append("&#10;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
