package dev.bulwark.plan;

import dev.bulwark.history.HistoryEntry;
import dev.bulwark.history.HistoryEntry.Kind;
import dev.bulwark.history.HistoryEntry.Status;
import dev.bulwark.history.HistoryTable;
import dev.bulwark.history.ToolHistory;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationKind;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationVersion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconciles resolved files with recorded history into one state per migration. Pure: no I/O,
 * so every rule here is unit-tested.
 */
public final class Reconciler {
    private Reconciler() {
    }

    /**
     * @param foreign   what the owning tool's history table says, keyed by {@link ToolHistory#key}; may be empty
     * @param tool      the owning tool's history (for its keys and name), or null
     */
    public static List<MigrationStatus> reconcile(MigrationSet set, List<HistoryEntry> history,
                                                  Map<String, ToolHistory.ToolState> foreign, ToolHistory tool) {
        // the latest row per id decides; baselines cover every version up to theirs
        Map<Object, HistoryEntry> latest = new LinkedHashMap<>();
        MigrationVersion baseline = null;
        HistoryEntry baselineRow = null;
        for (HistoryEntry e : history) {
            latest.put(key(e.kind() == Kind.REPEATABLE, e.version()), e);
            if (e.kind() == Kind.BASELINE && e.status() == Status.SUCCESS) {
                MigrationVersion v = MigrationVersion.of(e.version());
                if (baseline == null || v.compareTo(baseline) > 0) {
                    baseline = v;
                    baselineRow = e;
                }
            }
        }

        List<MigrationStatus> out = new ArrayList<>();
        Map<Object, Migration> files = new HashMap<>();
        MigrationVersion highestApplied = null;
        List<Object[]> pendingVersioned = new ArrayList<>();
        for (Migration m : set.migrations()) {
            boolean repeatable = m.kind() == MigrationKind.REPEATABLE;
            Object k = key(repeatable, m.id());
            files.put(k, m);
            HistoryEntry row = latest.get(k);
            MigrationStatus s;
            if (row != null && row.kind() != Kind.BASELINE) {
                s = fromRow(m, row);
            } else if (baseline != null && !repeatable && m.version().compareTo(baseline) <= 0) {
                s = new MigrationStatus(m.id(), m.description(), MigrationState.BASELINE, m, baselineRow, HistoryTable.NAME,
                        "covered by the baseline at " + baseline);
            } else if (tool != null && foreign.containsKey(tool.key(m))) {
                ToolHistory.ToolState ts = foreign.get(tool.key(m));
                s = ts == ToolHistory.ToolState.OUTDATED ? new MigrationStatus(m.id(), m.description(), MigrationState.OUTDATED, m, null,
                        tool.table(), "changed since it last ran: migrate runs it again")
                        : new MigrationStatus(m.id(), m.description(),
                        ts == ToolHistory.ToolState.APPLIED ? MigrationState.APPLIED : MigrationState.FAILED, m, null, tool.table(),
                        ts == ToolHistory.ToolState.APPLIED ? null
                                : tool.table() + " records a failure; repair the database, then clear it with the tool's own command"
                                + " (flyway repair, migrate force <version>, prisma migrate resolve --applied|--rolled-back <name>)");
            } else {
                s = new MigrationStatus(m.id(), m.description(), MigrationState.PENDING, m, null, null, null);
            }
            if (!repeatable && s.state().isApplied() && (highestApplied == null || m.version().compareTo(highestApplied) > 0)) {
                highestApplied = m.version();
            }
            if (!repeatable && s.state() == MigrationState.PENDING) {
                pendingVersioned.add(new Object[]{out.size(), m});
            }
            out.add(s);
        }
        for (Object[] p : pendingVersioned) {
            Migration m = (Migration) p[1];
            if (highestApplied != null && m.version().compareTo(highestApplied) < 0) {
                out.set((Integer) p[0], new MigrationStatus(m.id(), m.description(), MigrationState.OUT_OF_ORDER, m, null, null,
                        "sorts before " + highestApplied + ", which is already applied"));
            }
        }
        // recorded as applied, but no file any more
        for (Map.Entry<Object, HistoryEntry> e : latest.entrySet()) {
            HistoryEntry row = e.getValue();
            if (files.containsKey(e.getKey()) || row.kind() == Kind.BASELINE || row.kind() == Kind.DOWN
                    || row.status() == Status.REPAIRED) {
                continue;
            }
            out.add(new MigrationStatus(row.version(), row.description(), MigrationState.MISSING, null, row, HistoryTable.NAME,
                    "recorded " + row.status().dbValue() + " but no file has this version"));
        }
        out.sort(Comparator.comparing((MigrationStatus s) -> s.migration() != null && s.migration().kind() == MigrationKind.REPEATABLE)
                .thenComparing(s -> s.migration() == null && s.last() != null && s.last().kind() == Kind.REPEATABLE
                        ? null : MigrationVersion.of(s.id()), Comparator.nullsLast(Comparator.naturalOrder())));
        return out;
    }

    private static MigrationStatus fromRow(Migration m, HistoryEntry row) {
        String table = HistoryTable.NAME;
        if (row.kind() == Kind.DOWN) {
            if (row.status() == Status.SUCCESS || row.status() == Status.REPAIRED) {
                return new MigrationStatus(m.id(), m.description(), MigrationState.PENDING, m, row, table, "rolled back");
            }
            return new MigrationStatus(m.id(), m.description(), MigrationState.FAILED, m, row, table,
                    "its down failed part way" + resumeHint(row, m));
        }
        switch (row.status()) {
            case SUCCESS -> {
                if (!m.up().sha256().equals(row.upSha256())) {
                    MigrationState st = m.kind() == MigrationKind.REPEATABLE ? MigrationState.OUTDATED : MigrationState.EDITED;
                    return new MigrationStatus(m.id(), m.description(), st, m, row, table,
                            st == MigrationState.OUTDATED ? "changed since it last ran: migrate runs it again"
                                    : "the file's SHA-256 differs from the one recorded when it was applied");
                }
                return new MigrationStatus(m.id(), m.description(), MigrationState.APPLIED, m, row, table, null);
            }
            case REPAIRED -> {
                if (row.resumeFrom() != null && row.resumeFrom() > 0) {
                    return new MigrationStatus(m.id(), m.description(), MigrationState.PENDING, m, row, table,
                            "marked repaired: migrate resumes at statement " + (row.resumeFrom() + 1)
                                    + (row.statements() != null ? " of " + row.statements() : "") + ", the statements before it stay applied");
                }
                return new MigrationStatus(m.id(), m.description(), MigrationState.PENDING, m, row, table,
                        "marked repaired: migrate runs it again from the start");
            }
            default -> {
                return new MigrationStatus(m.id(), m.description(), MigrationState.FAILED, m, row, table,
                        (row.status() == Status.RUNNING || row.status() == Status.INTERRUPTED ? "interrupted" : "failed") + resumeHint(row, m));
            }
        }
    }

    private static String resumeHint(HistoryEntry row, Migration m) {
        if (row.resumeFrom() == null) {
            return "";
        }
        return " at statement " + (row.resumeFrom() + 1) + (row.statements() != null ? " of " + row.statements() : "")
                + ": migrate resumes there";
    }

    /** Versions compare by value ({@code 1_2} is {@code 1.2}); repeatables by description. */
    private static Object key(boolean repeatable, String id) {
        return repeatable ? "R:" + id : MigrationVersion.of(id);
    }
}
