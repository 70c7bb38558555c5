package dev.bulwark.pg;

/** Temporary until the pg branch lands. */
public final class SqlStates {
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    public static final String DEADLOCK_DETECTED = "40P01";

    private SqlStates() {
    }
}
