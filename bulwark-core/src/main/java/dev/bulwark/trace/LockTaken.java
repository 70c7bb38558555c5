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

    /** {@code ACCESS EXCLUSIVE} for {@code AccessExclusiveLock}: the name used in the docs and in LOCK TABLE. */
    public String modeName() {
        String m = mode.endsWith("Lock") ? mode.substring(0, mode.length() - 4) : mode;
        return m.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    }
}
