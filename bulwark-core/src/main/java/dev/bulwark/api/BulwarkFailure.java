package dev.bulwark.api;

/**
 * An operation or a configuration that could not succeed: the message names the problem (with
 * passwords masked) and {@link #fix()} what to do about it. The database is as it was, or as
 * the last migration that completed left it.
 */
public class BulwarkFailure extends RuntimeException {
    /** What kind of failure: decides, for instance, whether retrying can help. */
    public enum Kind {
        /** an invalid configuration or option: fix the call */
        CONFIGURATION,
        /** the migrations cannot be read or are inconsistent with the database's history */
        MIGRATIONS,
        /** the database refused or failed a statement, or could not be reached */
        DATABASE,
        /** a lock was not granted within the lock timeout and the retry budget */
        LOCK,
        /** anything else */
        OTHER
    }

    private final Kind kind;
    private final String fix;

    public BulwarkFailure(Kind kind, String message, String fix) {
        this(kind, message, fix, null);
    }

    public BulwarkFailure(Kind kind, String message, String fix, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.fix = fix;
    }

    public Kind kind() {
        return kind;
    }

    /** What to do about it, or null. */
    public String fix() {
        return fix;
    }

    /** The message and, when known, the fix, on one line each. */
    public String describe() {
        return fix == null ? getMessage() : getMessage() + "\n  fix: " + fix;
    }
}
