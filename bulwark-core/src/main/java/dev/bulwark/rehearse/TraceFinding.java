package dev.bulwark.rehearse;

import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.analysis.StatementEffect;
import dev.bulwark.trace.LockTaken;
import dev.bulwark.trace.StatementTrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A finding drawn from what the server really did (the traced depth of docs/architecture.md), not from the text.
 *
 * @param rule stable kebab-case id
 */
public record TraceFinding(String rule, Severity severity, String position, String message, String help) {

    public enum Severity { ERROR, WARNING, INFO }

    public static final String REWRITE_UNDER_LOCK = "rewrite-under-lock";
    public static final String STATEMENTS_AFTER_ACCESS_EXCLUSIVE = "statements-after-access-exclusive";
    public static final String SCAN_UNDER_LOCK = "scan-under-lock";
    public static final String LOCKS_OTHER_TABLE = "locks-other-table";

    private static final Set<String> SCAN_BLOCKING = Set.of("AccessExclusiveLock", "ShareRowExclusiveLock", "ShareLock");

    /** The trace rules over one migration's statements, in order; {@code transactional} steps share their locks until commit. */
    static List<TraceFinding> of(List<StatementTrace> traces) {
        List<TraceFinding> out = new ArrayList<>();
        StatementTrace firstExclusive = null;
        int after = 0;
        for (StatementTrace t : traces) {
            if (t.failed()) {
                break;
            }
            Statement s = t.statement();
            StatementEffect effect = StatementAnalysis.analyze(s, StatementAnalysis.DEFAULT_PG_MAJOR);
            // TRUNCATE gives the table new, empty storage: no rewrite of rows to wait for
            boolean truncate = effect.recognized() instanceof Recognized.Truncate;
            List<String> rewrittenUnderLock = truncate ? List.of() : t.rewritten().stream()
                    .filter(rel -> t.held().stream().anyMatch(l -> l.relation().equals(rel.replace(" (index)", "")) && l.blocksReads()))
                    .toList();
            if (!rewrittenUnderLock.isEmpty()) {
                out.add(new TraceFinding(REWRITE_UNDER_LOCK, Severity.ERROR, s.position(),
                        "rewrites " + String.join(", ", rewrittenUnderLock)
                                + " while holding ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite",
                        "expand/contract: add a new column, backfill it in batches, swap; or confirm the table is small"));
            }
            for (var scan : t.scans()) {
                if (rewrittenUnderLock.contains(scan.table())) {
                    continue; // the rewrite is the bigger story, reported above
                }
                // the locks held while it scans: its own and those taken earlier in the transaction
                List<LockTaken> held = t.held().stream()
                        .filter(l -> l.relation().equals(scan.table()) && SCAN_BLOCKING.contains(l.mode())).toList();
                if (!held.isEmpty()) {
                    LockTaken strongest = held.stream().max(java.util.Comparator.comparingInt(LockTaken::strength)).orElseThrow();
                    out.add(new TraceFinding(SCAN_UNDER_LOCK, Severity.WARNING, s.position(),
                            "scans " + scan.table() + " while holding " + strongest.modeName() + ": "
                                    + (strongest.blocksReads() ? "reads and writes" : "writes") + " wait for the whole scan",
                            scanHelp(effect)));
                }
            }
            String target = effect.target() == null ? null : bareName(effect.target());
            if (target != null) {
                List<LockTaken> others = t.locks().stream()
                        .filter(l -> l.blocksWrites() && "table".equals(l.kind()))
                        .filter(l -> !bareName(l.relation()).equals(target)).toList();
                if (!others.isEmpty()) {
                    out.add(new TraceFinding(LOCKS_OTHER_TABLE, Severity.INFO, s.position(),
                            "also locks " + others.stream().map(l -> l.relation() + " (" + l.modeName() + ")")
                                    .collect(Collectors.joining(", ")) + ", not only " + target,
                            "expect writes to those tables to wait too; keep such statements short and alone"));
                }
            }
            if (firstExclusive != null && t.transactional()) {
                after++;
            }
            if (firstExclusive == null && t.transactional() && t.holdsAccessExclusive()) {
                firstExclusive = t;
            }
            if (!t.transactional()) {
                // a commit happened: the transaction's locks are gone
                if (firstExclusive != null && after > 0) {
                    out.add(afterExclusive(firstExclusive, after));
                }
                firstExclusive = null;
                after = 0;
            }
        }
        if (firstExclusive != null && after > 0) {
            out.add(afterExclusive(firstExclusive, after));
        }
        return out;
    }

    private static TraceFinding afterExclusive(StatementTrace first, int after) {
        String rel = first.locks().stream().filter(LockTaken::blocksReads).map(LockTaken::relation).findFirst().orElse("?");
        return new TraceFinding(STATEMENTS_AFTER_ACCESS_EXCLUSIVE, Severity.WARNING, first.statement().position(),
                after + " more statement" + (after == 1 ? " runs" : "s run") + " after ACCESS EXCLUSIVE on " + rel
                        + " is taken here; it is held, blocking reads and writes, until the transaction commits",
                "move this statement last in its migration, or into a migration of its own");
    }

    /** The safe form for the statement that scanned under a lock. */
    private static String scanHelp(StatementEffect e) {
        if (e.recognized() instanceof Recognized.CreateIndex) {
            return "CREATE INDEX CONCURRENTLY, in a migration of its own (Bulwark runs it outside the transaction)";
        }
        if (e.recognized() instanceof Recognized.AlterTable at) {
            if (at.actions().stream().anyMatch(a -> a instanceof Recognized.SetNotNull)) {
                return "first ADD CHECK (col IS NOT NULL) NOT VALID, then VALIDATE it in another migration; SET NOT NULL then skips the scan";
            }
            if (e.objects().stream().anyMatch(o -> o.kind() == StatementEffect.ObjectKind.CONSTRAINT)) {
                return "add the constraint NOT VALID, then VALIDATE CONSTRAINT in another migration (it only takes SHARE UPDATE EXCLUSIVE)";
            }
        }
        return "split the work so the scan runs without a lock that blocks writes";
    }

    private static String bareName(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? qualified : qualified.substring(dot + 1);
    }

    public String severityLabel() {
        return severity.name().toLowerCase(Locale.ROOT);
    }
}
