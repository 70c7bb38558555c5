package dev.bulwark.trace;

import java.util.Locale;

/**
 * A relation lock a statement's backend took and held.
 *
 * @param relation schema-qualified name, as {@code schema.name}
 * @param kind     table, index, sequence, view, materialized view, partitioned table…
 * @param mode     PostgreSQL's lock mode name, e.g. {@code AccessExclusiveLock}
 */
public record LockTaken(String relation, String kind, String mode) {

    /** True for the modes that block writes (SHARE and above), the ones a migration must keep short. */
    public boolean blocksWrites() {
        return switch (mode) {
            case "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock" -> true;
            default -> false;
        };
    }

    /** True for ACCESS EXCLUSIVE, which also blocks reads. */
    public boolean blocksReads() {
        return mode.equals("AccessExclusiveLock");
    }

    /** Position in PostgreSQL's lock table, weakest (ACCESS SHARE, 1) to strongest (ACCESS EXCLUSIVE, 8). */
    public int strength() {
        return switch (mode) {
            case "AccessShareLock" -> 1;
            case "RowShareLock" -> 2;
            case "RowExclusiveLock" -> 3;
            case "ShareUpdateExclusiveLock" -> 4;
            case "ShareLock" -> 5;
            case "ShareRowExclusiveLock" -> 6;
            case "ExclusiveLock" -> 7;
            case "AccessExclusiveLock" -> 8;
            default -> 0;
        };
    }

    /** {@code ACCESS EXCLUSIVE} for {@code AccessExclusiveLock}: the name used in the docs and in LOCK TABLE. */
    public String modeName() {
        String m = mode.endsWith("Lock") ? mode.substring(0, mode.length() - 4) : mode;
        return m.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    }
}
