package dev.bulwark;

/**
 * What went wrong, as a category that maps one-to-one to a documented process exit code.
 * Only the CLI's {@code Main} turns these into {@code System.exit} calls.
 */
public enum ErrorCode {
    /** Findings were reported or a verification failed (exit 1). */
    FINDINGS(1),
    /** The command line, a configuration file or a migration file is wrong (exit 2). */
    USAGE(2),
    /** The database could not be reached, refused us, or failed a statement outside a migration (exit 3). */
    DATABASE(3),
    /** A migration failed and everything it did was rolled back: the database is as it was (exit 4). */
    FAILED_ROLLED_BACK(4),
    /** A migration failed and part of it stays applied: a human must look (exit 5). */
    FAILED_NOT_ROLLED_BACK(5),
    /** Another run holds the migration lock and did not release it in time (exit 6). */
    LOCK_NOT_ACQUIRED(6),
    /** A deploy was interrupted and its journal is unfinished: run {@code bulwark deploy --resume} (exit 7). */
    DEPLOY_UNFINISHED(7);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
