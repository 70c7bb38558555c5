package dev.bulwark.copy;

import dev.bulwark.catalog.TableRef;
import dev.bulwark.pg.Identifiers;

/**
 * One piece of a table to copy in one transaction: the whole table, or the rows whose integer
 * primary key lies in {@code [low, high)} (an open end is null).
 *
 * @param level the table's foreign-key level: 0 references nothing copied, n references level n-1 at most
 * @param index piece number within the table, {@code 0..pieces-1}
 */
public record CopyUnit(TableRef table, int level, String keyColumn, Long low, Long high, int index, int pieces) {
    public static CopyUnit whole(TableRef table, int level) {
        return new CopyUnit(table, level, null, null, null, 0, 1);
    }

    public boolean isRange() {
        return keyColumn != null;
    }

    /** The key this unit is recorded under in the state table: stable across runs. */
    public String stateKey() {
        return "data " + table.sql() + (isRange() ? " " + (index + 1) + "/" + pieces : "");
    }

    /** {@code WHERE "id" >= 100 AND "id" < 200}, or empty for a whole table. */
    public String where() {
        if (!isRange()) {
            return "";
        }
        String k = Identifiers.quote(keyColumn);
        if (low == null && high == null) {
            return "";
        }
        if (low == null) {
            return " WHERE " + k + " < " + high;
        }
        if (high == null) {
            return " WHERE " + k + " >= " + low;
        }
        return " WHERE " + k + " >= " + low + " AND " + k + " < " + high;
    }

    @Override
    public String toString() {
        if (!isRange()) {
            return table.toString();
        }
        return table + " " + keyColumn + " " + (low == null ? "(min)" : low) + ".." + (high == null ? "(max)" : high - 1);
    }
}
