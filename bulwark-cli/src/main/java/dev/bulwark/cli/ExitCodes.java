package dev.bulwark.cli;

import dev.bulwark.ErrorCode;

/** Documented exit codes (README, {@code bulwark --help}). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FINDINGS = ErrorCode.FINDINGS.exitCode();
    public static final int USAGE = ErrorCode.USAGE.exitCode();
    public static final int DATABASE = ErrorCode.DATABASE.exitCode();
    public static final int FAILED_ROLLED_BACK = ErrorCode.FAILED_ROLLED_BACK.exitCode();
    public static final int FAILED_NOT_ROLLED_BACK = ErrorCode.FAILED_NOT_ROLLED_BACK.exitCode();
    public static final int LOCK_NOT_ACQUIRED = ErrorCode.LOCK_NOT_ACQUIRED.exitCode();
    public static final int DEPLOY_UNFINISHED = ErrorCode.DEPLOY_UNFINISHED.exitCode();
    /** An unexpected exception or an Error such as OutOfMemoryError: a bug (EX_SOFTWARE of sysexits.h). */
    public static final int INTERNAL = 70;

    static final String HELP = "%nExit codes:%n"
            + "  0  success%n"
            + "  1  findings reported or verification failed%n"
            + "  2  usage: bad option, configuration or migration file%n"
            + "  3  connection or database error%n"
            + "  4  a migration failed and was rolled back: the database is as it was%n"
            + "  5  a migration failed and was NOT rolled back: a human must look%n"
            + "  6  the migration lock is held by another run%n"
            + "  7  a deploy is unfinished (interrupted, or running now): run 'bulwark deploy --resume'%n"
            + "  70 internal error (a bug, or out of memory): rerun with --stacktrace and report it%n";

    private ExitCodes() {
    }
}
