package dev.bulwark.backup;

import dev.bulwark.history.HistoryEntry;
import dev.bulwark.history.HistoryTable;
import dev.bulwark.migration.MigrationVersion;

import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;

/**
 * The migration version a database is at, from {@code bulwark_history} alone: a backup names it
 * even when the migrations folder is not at hand (a cron job on a database host).
 */
public final class CurrentVersion {
    private CurrentVersion() {
    }

    /** The highest version whose latest history row is a successful up or baseline, or null. */
    public static String read(Connection c, String historySchema) {
        Map<String, HistoryEntry> last = new HashMap<>();
        for (HistoryEntry e : new HistoryTable(historySchema).read(c)) {
            if (e.kind() != HistoryEntry.Kind.REPEATABLE) {
                last.put(e.version(), e);
            }
        }
        String best = null;
        for (HistoryEntry e : last.values()) {
            if (e.kind() == HistoryEntry.Kind.DOWN || e.status() != HistoryEntry.Status.SUCCESS) {
                continue;
            }
            try {
                if (best == null || MigrationVersion.of(e.version()).compareTo(MigrationVersion.of(best)) > 0) {
                    best = e.version();
                }
            } catch (RuntimeException notAVersion) {
                // a foreign row without a sortable version: ignore it
            }
        }
        return best;
    }
}
