package dev.bulwark.audit;

import dev.bulwark.audit.AuditReport.Action;
import dev.bulwark.audit.AuditReport.BlastRadius;
import dev.bulwark.audit.AuditReport.ChainEdge;
import dev.bulwark.audit.AuditReport.ChainNode;
import dev.bulwark.audit.AuditReport.FkEdge;
import dev.bulwark.audit.AuditReport.Horizon;
import dev.bulwark.audit.AuditReport.Issue;
import dev.bulwark.audit.AuditReport.NodeStatus;
import dev.bulwark.audit.AuditReport.Reached;
import dev.bulwark.audit.AuditReport.RiskRow;
import dev.bulwark.audit.AuditReport.RollbackRow;
import dev.bulwark.audit.AuditReport.TableRisk;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The audit as GitHub-flavoured Markdown; graphs are Mermaid blocks, which GitHub draws. */
final class MarkdownAudit {
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private final StringBuilder out = new StringBuilder();

    String render(AuditReport r) {
        AuditReport.Summary s = r.summary();
        line("# Migration audit: " + r.project());
        line();
        line("_" + r.summary().migrations() + " " + r.format() + " migrations in `" + r.migrationsDir() + "` · "
                + DATE.format(r.generatedAt()) + " · " + (r.database() == null ? "static analysis, no database"
                : "live database " + r.database()) + (r.trace() != null && r.trace().server() != null
                ? " · rehearsed on PostgreSQL " + r.trace().server() : "") + "_");
        line();
        line("## Executive summary");
        line();
        line("**Overall risk: " + badge(s.overall()) + "** — " + s.headline());
        line();
        line("| Severity | Problems | | Risk | Problems |");
        line("|---|---:|---|---|---:|");
        line("| error | " + s.errors() + " | | " + badge(RiskLevel.CRITICAL) + " | " + s.critical() + " |");
        line("| warning | " + s.warnings() + " | | " + badge(RiskLevel.HIGH) + " | " + s.high() + " |");
        line("| info | " + s.infos() + " | | " + badge(RiskLevel.MEDIUM) + " | " + s.medium() + " |");
        line("| | | | " + badge(RiskLevel.LOW) + " | " + s.low() + " |");
        line();
        line(r.rollback().unavailable() != null
                ? "Rollback coverage: **" + r.rollback().unavailable() + "** (no undo migrations to count)."
                : "Rollback coverage: **" + s.rollbackPercent() + "%** (" + r.rollback().covered() + " of "
                + r.rollback().applicable() + " migrations can be rolled back).");
        line();
        if (!s.topActions().isEmpty()) {
            line("**Most urgent actions**");
            line();
            int n = 1;
            for (Action a : s.topActions()) {
                line(n++ + ". **" + esc(a.title()) + "** (" + a.horizon().label() + ") — `" + a.where() + "`");
            }
            line();
        }
        riskMatrix(r.riskMatrix());
        chain(r.chain());
        rollback(r);
        findings(r.issues());
        cascades(r);
        tables(r.tables(), r.database() != null);
        configuration(r.configuration());
        if (!r.preflight().isEmpty()) {
            line("## Preflight");
            line();
            line("| Check | Result | Value | Fix |");
            line("|---|---|---|---|");
            r.preflight().forEach(p -> line("| " + esc(p.id()) + " | " + esc(p.status()) + " | " + esc(p.value()) + " | " + esc(p.fix()) + " |"));
            line();
        }
        trace(r.trace());
        actions(r.actions());
        return out.toString();
    }

    private void riskMatrix(List<RiskRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        line("## Risk matrix");
        line();
        line("| Risk factor | Level | Impact | Probability | Problems | Fix by |");
        line("|---|---|---|---|---:|---|");
        for (RiskRow r : rows) {
            line("| " + r.category() + " | " + badge(r.level()) + " | " + r.impact() + " | " + r.probability() + " | " + r.count()
                    + " | " + r.priority().label() + " |");
        }
        line();
    }

    private void chain(AuditReport.MigrationChain c) {
        line("## Migration chain");
        line();
        line("Roots: " + codes(c.roots()) + " · heads: " + codes(c.heads())
                + (c.branchPoints().isEmpty() ? "" : " · branches at " + codes(c.branchPoints()))
                + (c.merges().isEmpty() ? "" : " · merges: " + codes(c.merges())) + ".");
        line();
        line("```mermaid");
        line("flowchart LR");
        Map<String, String> ids = new HashMap<>();
        int n = 0;
        for (ChainNode node : c.nodes()) {
            String id = "m" + n++;
            ids.put(node.id(), id);
            String label = node.label() + (node.head() ? " (head)" : "") + (node.status() != NodeStatus.OK ? " — " + node.status().label() : "");
            line("  " + id + "[\"" + mermaid(label) + "\"]");
        }
        for (ChainEdge e : c.edges()) {
            line("  " + ids.get(e.parent()) + " --> " + ids.get(e.child()));
        }
        line("  classDef broken fill:#fde2e1,stroke:#c62828,color:#7f1d1d;");
        line("  classDef head fill:#e3f2fd,stroke:#1565c0;");
        for (ChainNode node : c.nodes()) {
            if (node.status() != NodeStatus.OK) {
                line("  class " + ids.get(node.id()) + " broken;");
            } else if (node.head()) {
                line("  class " + ids.get(node.id()) + " head;");
            }
        }
        line("```");
        line();
        if (c.problems().isEmpty()) {
            line("The chain is sound: one root, one head, no broken file.");
        } else {
            c.problems().forEach(p -> line("- ⚠️ " + esc(p)));
        }
        line();
    }

    private void rollback(AuditReport r) {
        line("## Rollback coverage");
        line();
        line(r.rollback().unavailable() != null
                ? "**" + r.rollback().unavailable() + "**: undo migrations (U files) are a Flyway Teams feature, and this"
                + " project has none. The way back from a bad migration is a forward fix or a restore from backup."
                : "**" + r.rollback().percent() + "%** of the migrations that change something can be rolled back ("
                + r.rollback().covered() + " of " + r.rollback().applicable() + ").");
        line();
        boolean rehearsed = r.rollback().rows().stream().anyMatch(x -> x.rehearsed() != null);
        line("| Migration | Down | Risk | Notes |" + (rehearsed ? " Rehearsed |" : ""));
        line("|---|---|---|---|" + (rehearsed ? "---|" : ""));
        for (RollbackRow row : r.rollback().rows()) {
            line("| `" + row.migration() + "` | " + statusIcon(row) + " " + row.status().label() + " | " + badge(row.risk()) + " | "
                    + esc(row.detail()) + " |" + (rehearsed ? " " + esc(row.rehearsed() == null ? "" : row.rehearsed()) + " |" : ""));
        }
        line();
    }

    private static String statusIcon(RollbackRow row) {
        return switch (row.status()) {
            case COMPLETE -> "✅";
            case DATA_LOSING, PARTIAL -> "⚠️";
            case NOT_APPLICABLE -> "➖";
            default -> "❌";
        };
    }

    private void findings(List<Issue> issues) {
        line("## Findings by severity");
        line();
        if (issues.isEmpty()) {
            line("No problems found.");
            line();
            return;
        }
        for (RiskLevel level : RiskLevel.values()) {
            List<Issue> at = issues.stream().filter(i -> i.risk() == level).toList();
            if (at.isEmpty()) {
                continue;
            }
            line("### " + badge(level) + " (" + at.size() + ")");
            line();
            for (Issue i : at) {
                line("#### " + i.id() + " · `" + i.rule() + "` · `" + i.where() + "`");
                line();
                line("**" + i.severity().label() + "** · " + i.category() + (i.migration() == null ? "" : " · migration `" + i.migration() + "`"));
                line();
                line("**Why it is dangerous:** " + esc(i.message()));
                line();
                if (i.statement() != null) {
                    line("```sql");
                    line(i.statement());
                    line("```");
                    line();
                }
                line("**Safe rewrite:**");
                line();
                fence(i.fix(), i.fixKind());
            }
        }
    }

    private void cascades(AuditReport r) {
        line("## Cascade chains and blast radius");
        line();
        List<FkEdge> edges = r.cascades().edges();
        if (edges.isEmpty()) {
            line("No foreign keys.");
            line();
            return;
        }
        line("Arrows point from the parent to the child whose rows a parent delete affects; **red** edges are ON DELETE CASCADE.");
        line();
        line("```mermaid");
        line("flowchart LR");
        Map<String, String> ids = new HashMap<>();
        int n = 0;
        for (FkEdge e : edges) {
            for (String t : List.of(e.parent(), e.child())) {
                if (!ids.containsKey(t)) {
                    ids.put(t, "t" + n++);
                    line("  " + ids.get(t) + "[\"" + mermaid(t) + "\"]");
                }
            }
        }
        int k = 0;
        StringBuilder red = new StringBuilder();
        for (FkEdge e : edges) {
            if (e.cascades()) {
                line("  " + ids.get(e.parent()) + " ==>|CASCADE| " + ids.get(e.child()));
                red.append(red.length() == 0 ? "" : ",").append(k);
            } else {
                line("  " + ids.get(e.parent()) + " -.->|" + e.onDelete() + "| " + ids.get(e.child()));
            }
            k++;
        }
        if (red.length() > 0) {
            line("  linkStyle " + red + " stroke:#c62828,stroke-width:3px;");
        }
        line("```");
        line();
        if (r.cascades().roots().isEmpty()) {
            line("No delete cascades: deleting a row never silently deletes rows of another table.");
            line();
            return;
        }
        boolean live = r.database() != null;
        line("| Deleting one row of | Also deletes | Depth | " + (live ? "Est. rows | " : "") + "Critical data reached | Risk |");
        line("|---|---|---:|" + (live ? "---:|" : "") + "---|---|");
        for (BlastRadius b : r.cascades().roots()) {
            String reached = b.reached().stream().map(x -> x.table() + (x.deletes() ? "" : " (set null)") + " (" + x.depth() + ")")
                    .collect(Collectors.joining(", "));
            line("| **" + b.root() + "** | " + reached + " | " + b.depth() + " | " + (live ? (b.estimatedRows() == null ? "?" : rows(b.estimatedRows())) + " | " : "")
                    + (b.criticalReached().isEmpty() ? "—" : String.join(", ", b.criticalReached())) + (b.cycle() ? " · cycle" : "")
                    + " | " + badge(b.risk()) + " |");
        }
        line();
        for (BlastRadius b : r.cascades().roots()) {
            if (b.depth() >= 2 || !b.criticalReached().isEmpty()) {
                line("- `" + b.root() + "`: " + paths(b));
            }
        }
        line();
    }

    /** {@code users → channels → scheduled_posts; users → payments} — one path per leaf. */
    static String paths(BlastRadius b) {
        Map<String, Reached> by = new HashMap<>();
        b.reached().forEach(x -> by.put(x.table(), x));
        List<String> out = new java.util.ArrayList<>();
        for (Reached x : b.reached()) {
            boolean leaf = b.reached().stream().noneMatch(y -> y.parent().equals(x.table()));
            if (!leaf) {
                continue;
            }
            List<String> names = new java.util.ArrayList<>();
            Reached cur = x;
            while (cur != null) {
                names.add(0, cur.table());
                cur = by.get(cur.parent());
            }
            names.add(0, b.root());
            out.add(String.join(" → ", names));
        }
        return String.join("; ", out);
    }

    private void tables(List<TableRisk> tables, boolean live) {
        line("## Data criticality");
        line();
        if (tables.isEmpty()) {
            line("No tables.");
            line();
            return;
        }
        line("| Table | Data | Criticality | Size | Rows | Deleted by cascades from | Findings | Risk |");
        line("|---|---|---|---:|---:|---|---:|---|");
        for (TableRisk t : tables) {
            line("| `" + t.table() + "` | " + t.kind() + " | " + t.criticality().label() + " | " + (t.bytes() == null ? "—" : bytes(t.bytes()))
                    + " | " + (t.rows() == null ? "—" : rows(t.rows())) + " | " + (t.inboundCascades().isEmpty() ? "—" : String.join(", ", t.inboundCascades()))
                    + " | " + t.findings() + " | " + badge(t.risk()) + " |");
        }
        line();
        if (!live) {
            line("_Sizes and rows come from the live database: run with `--url` to fill them in._");
            line();
        }
    }

    private void configuration(AuditReport.Configuration c) {
        line("## Configuration");
        line();
        line("| Setting | State | Detail |");
        line("|---|---|---|");
        c.settings().forEach(s -> line("| " + s.name() + " | " + (s.status() == AuditReport.SettingStatus.OK ? "✅ ok" : "⚠️ unsafe") + " | "
                + esc(s.detail()) + " |"));
        line();
        if (!c.credentials().isEmpty()) {
            line("**Credentials in committed files** (values masked):");
            line();
            line("| File | Key | Value | Fix |");
            line("|---|---|---|---|");
            c.credentials().forEach(x -> line("| `" + x.file() + ":" + x.line() + "` | `" + x.key() + "` | `" + x.masked() + "` | " + esc(x.fix()) + " |"));
            line();
        }
        for (AuditReport.Setting s : c.settings()) {
            if (s.fix() != null && s.status() == AuditReport.SettingStatus.WARN && !s.name().equals("credentials")) {
                line("Fix for " + s.name() + ":");
                line();
                fence(s.fix(), s.fixKind());
            }
        }
    }

    private void trace(AuditReport.Trace t) {
        if (t == null) {
            return;
        }
        line("## Rehearsal trace");
        line();
        if (t.server() == null) {
            line(esc(t.note()));
            line();
            return;
        }
        line("Rehearsed on PostgreSQL " + t.server() + " in " + t.durationMs() + " ms." + (t.note() == null ? "" : " " + esc(t.note())));
        line();
        line("| Migration | Locks that block writes | Rewrites | Trace findings | Round trip |");
        line("|---|---|---|---|---|");
        for (AuditReport.TracedMigration m : t.migrations()) {
            String locks = m.statements().stream().flatMap(s -> s.locks().stream()).distinct().collect(Collectors.joining(", "));
            String rewrites = m.statements().stream().flatMap(s -> s.rewrites().stream()).distinct().collect(Collectors.joining(", "));
            line("| `" + m.id() + "` | " + (locks.isEmpty() ? "—" : esc(locks)) + " | " + (rewrites.isEmpty() ? "—" : esc(rewrites))
                    + " | " + (m.findings().isEmpty() ? "—" : esc(String.join("; ", m.findings()))) + " | "
                    + (m.roundTrip().startsWith("FAILED") ? "❌ " : "✅ ") + esc(m.roundTrip()) + " |");
        }
        line();
    }

    private void actions(List<Action> actions) {
        line("## Action plan");
        line();
        if (actions.isEmpty()) {
            line("Nothing to do.");
            line();
            return;
        }
        int n = 1;
        for (Horizon h : Horizon.values()) {
            List<Action> at = actions.stream().filter(a -> a.horizon() == h).toList();
            if (at.isEmpty()) {
                continue;
            }
            line("### " + capitalize(h.label()));
            line();
            for (Action a : at) {
                line(n++ + ". **" + esc(a.title()) + "** " + badge(a.risk()) + " — `" + a.where() + "` (fixes " + String.join(", ", a.issues()) + ")");
                line();
                fenceIndented(a.fix(), a.fixKind());
            }
        }
    }

    private void fence(String text, String kind) {
        if (kind.equals("text")) {
            line(esc(text));
            line();
            return;
        }
        line("```" + kind);
        line(text);
        line("```");
        line();
    }

    private void fenceIndented(String text, String kind) {
        if (kind.equals("text")) {
            line("   " + esc(text).replace("\n", "\n   "));
            line();
            return;
        }
        line("   ```" + kind);
        for (String l : text.split("\n")) {
            line("   " + l);
        }
        line("   ```");
        line();
    }

    static String badge(RiskLevel r) {
        return switch (r) {
            case CRITICAL -> "🔴 CRITICAL";
            case HIGH -> "🟠 HIGH";
            case MEDIUM -> "🟡 MEDIUM";
            case LOW -> "🟢 LOW";
        };
    }

    static String rows(double rows) {
        if (rows >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", rows / 1_000_000);
        }
        if (rows >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", rows / 1_000);
        }
        return rows == Math.rint(rows) ? String.valueOf((long) rows) : String.format(Locale.ROOT, "%.1f", rows);
    }

    static String bytes(long b) {
        return dev.bulwark.Sizes.human(b);
    }

    private static String codes(List<String> ids) {
        return ids.isEmpty() ? "none" : ids.stream().map(i -> "`" + i + "`").collect(Collectors.joining(", "));
    }

    private static String mermaid(String s) {
        return s.replace("\"", "#quot;");
    }

    /** Table cells: pipes would end the cell, newlines the row. */
    private static String esc(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    private void line() {
        out.append('\n');
    }
}
