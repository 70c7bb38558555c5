package dev.bulwark.rehearse;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.Locks;
import dev.bulwark.trace.LockTaken;
import dev.bulwark.trace.StatementTrace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A static lint finding that predicts a lock or a rewrite, held against the trace of the same
 * statement: confirmed (the server did it), not observed (it did not), or not traceable (the
 * statement ran outside a transaction, where its locks cannot be read).
 */
public record StaticCheck(String rule, String position, String message, Verdict verdict, String evidence) {

    public enum Verdict {
        CONFIRMED("confirmed by trace"), NOT_OBSERVED("not observed"), NOT_TRACEABLE("not traceable");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    static final Set<String> NEW_STORAGE_RULES = Set.of("column-type-rewrite", "volatile-default", "rewrite-table", "refresh-matview",
            "truncate");

    /**
     * @param findings the migration's static findings
     * @param analyzed its statements as lint analyzed them (index = position in the up script)
     * @param traces   its traced statements
     */
    static List<StaticCheck> of(List<Finding> findings, List<Analyzed> analyzed, List<StatementTrace> traces) {
        Map<Integer, StatementTrace> byIndex = new HashMap<>();
        traces.forEach(t -> byIndex.put(t.index(), t));
        List<StaticCheck> out = new ArrayList<>();
        for (Finding f : findings) {
            if (!Locks.LOCK_RULES.contains(f.ruleId())) {
                continue;
            }
            Analyzed a = statementAt(analyzed, f.line());
            String position = f.file().getFileName() + ":" + f.line() + ":" + f.column();
            StatementTrace t = a == null ? null : byIndex.get(a.index());
            if (t == null || t.failed()) {
                continue; // not reached: the rehearsal reports why
            }
            if (!t.traced()) {
                out.add(new StaticCheck(f.ruleId(), position, f.message(), Verdict.NOT_TRACEABLE, t.note()));
                continue;
            }
            List<String> missing = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            for (Locks.Lock l : a.effect().locks()) {
                if (!l.mode().blocks()) {
                    continue;
                }
                LockTaken got = strongest(t, l.table());
                // held at least as strongly while it runs (maybe since an earlier statement of the transaction)
                if (got != null && got.strength() >= new LockTaken("", "table", serverMode(l.mode())).strength()) {
                    seen.add(got.modeName() + " on " + got.relation());
                } else {
                    missing.add(l.mode().sql() + " on " + l.table() + (got == null ? " (no lock)" : " (took " + got.modeName() + ")"));
                }
            }
            if (NEW_STORAGE_RULES.contains(f.ruleId())) {
                boolean rewrote = t.rewritten().stream().anyMatch(r -> !r.endsWith("(index)"));
                if (rewrote) {
                    seen.add("rewrote " + String.join(", ", t.rewritten()));
                } else if (f.ruleId().equals("column-type-rewrite") || f.ruleId().equals("volatile-default")
                        || f.ruleId().equals("rewrite-table")) {
                    missing.add("a rewrite (relfilenode unchanged)");
                }
            }
            out.add(missing.isEmpty()
                    ? new StaticCheck(f.ruleId(), position, f.message(), Verdict.CONFIRMED, String.join("; ", seen))
                    : new StaticCheck(f.ruleId(), position, f.message(), Verdict.NOT_OBSERVED, "expected " + String.join("; ", missing)));
        }
        return out;
    }

    private static String serverMode(Locks.Mode m) {
        return switch (m) {
            case ROW_EXCLUSIVE -> "RowExclusiveLock";
            case SHARE_UPDATE_EXCLUSIVE -> "ShareUpdateExclusiveLock";
            case SHARE -> "ShareLock";
            case SHARE_ROW_EXCLUSIVE -> "ShareRowExclusiveLock";
            case EXCLUSIVE -> "ExclusiveLock";
            case ACCESS_EXCLUSIVE -> "AccessExclusiveLock";
        };
    }

    private static Analyzed statementAt(List<Analyzed> analyzed, int line) {
        Analyzed best = null;
        for (Analyzed a : analyzed) {
            if (a.statement().line() <= line && (best == null || a.statement().line() >= best.statement().line())) {
                best = a;
            }
        }
        return best;
    }

    private static LockTaken strongest(StatementTrace t, String table) {
        LockTaken best = null;
        for (LockTaken l : t.held()) {
            String bare = l.relation().substring(l.relation().indexOf('.') + 1);
            if (bare.equals(table) && !"index".equals(l.kind()) && (best == null || l.strength() > best.strength())) {
                best = l;
            }
        }
        return best;
    }

    public String verdictLabel() {
        return verdict.label().toLowerCase(Locale.ROOT);
    }
}
