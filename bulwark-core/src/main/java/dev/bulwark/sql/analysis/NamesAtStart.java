package dev.bulwark.sql.analysis;

import dev.bulwark.sql.analysis.StatementEffect.Action;
import dev.bulwark.sql.analysis.StatementEffect.ObjectChange;
import dev.bulwark.sql.analysis.StatementEffect.ObjectKind;
import dev.bulwark.sql.analysis.StatementEffect.Rename;
import dev.bulwark.sql.analysis.StatementEffect.RowChange;

import java.util.HashMap;
import java.util.Map;

/**
 * Follows the renames of a run of statements (a deploy's migrations, a rollback's downs) so that
 * what a later statement destroys can be named as it was called when the run started. A deploy
 * copies everything its statements destroy before the first of them runs: for {@code RENAME
 * COLUMN a TO b} followed by {@code DROP COLUMN b}, the values to copy are in {@code a}. A table
 * or column created under a name after a rename freed it is a new object and keeps its name (its
 * snapshot copies whatever held that name at the start, as it did before renames were followed).
 * {@code ALTER TABLE … SET SCHEMA} and {@code ALTER SCHEMA … RENAME TO} are renames of tables here (the model keys a
 * table by schema and name). Feed the statements
 * in the order they run: {@link #atStart} for a statement's row changes, then {@link #after}.
 */
public final class NamesAtStart {
    /** a renamed table's name now → its name at the start */
    private final Map<String, String> tables = new HashMap<>();
    /** {@link #key} of a renamed column now → its name at the start */
    private final Map<String, String> columns = new HashMap<>();

    /** {@code change} under the names its table and columns had at the start of the run. */
    public RowChange atStart(RowChange change) {
        return new RowChange(change.kind(), tables.getOrDefault(change.table(), change.table()),
                change.columns().stream().map(c -> columns.getOrDefault(key(change.table(), c), c)).toList(), change.existing());
    }

    /** Takes in the tables and columns {@code effect} renames, and the names it takes anew. */
    public void after(StatementEffect effect) {
        for (ObjectChange o : effect.objects()) {
            if (o.action() == Action.CREATE && (o.kind() == ObjectKind.TABLE || o.kind() == ObjectKind.PARTITION)) {
                tables.remove(o.name());
                columns.keySet().removeIf(k -> k.startsWith(o.name() + '\0'));
            } else if (o.action() == Action.CREATE && o.kind() == ObjectKind.COLUMN) {
                int dot = o.name().lastIndexOf('.');
                columns.remove(key(o.name().substring(0, dot), o.name().substring(dot + 1)));
            }
        }
        for (Rename r : effect.renames()) {
            if (r.kind() == ObjectKind.TABLE) {
                String origin = tables.getOrDefault(r.from(), r.from());
                tables.remove(r.from());
                tables.put(r.to(), origin);
                Map<String, String> moved = new HashMap<>();
                columns.entrySet().removeIf(e -> {
                    if (e.getKey().startsWith(r.from() + '\0')) {
                        moved.put(r.to() + e.getKey().substring(r.from().length()), e.getValue());
                        return true;
                    }
                    return false;
                });
                columns.putAll(moved);
            } else if (r.kind() == ObjectKind.COLUMN) {
                String origin = columns.getOrDefault(key(r.table(), r.from()), r.from());
                columns.remove(key(r.table(), r.from()));
                columns.put(key(r.table(), r.to()), origin);
            }
        }
    }

    private static String key(String table, String column) {
        return table + '\0' + column;
    }
}
