package dev.bulwark.cli;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.Masking;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns exceptions into one-line messages and exit codes. Stack traces only with {@code --stacktrace}.
 * Every message goes through {@link Masking} in case a URL with a password slipped into it.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    private final BulwarkCommand root;

    ErrorHandler(BulwarkCommand root) {
        this.root = root;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        int code;
        if (ex instanceof BulwarkException be) {
            err.println(label(be.code()) + Masking.mask(be.getMessage()));
            if (be.fix() != null && !be.fix().isBlank()) {
                err.println("  fix: " + Masking.mask(be.fix()));
            }
            code = be.code().exitCode();
        } else {
            return internal(ex, err, root.stacktrace);
        }
        if (root.stacktrace) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * An exception nobody expected or an Error (OutOfMemoryError…): a bug, never a result. One line,
     * exit {@value ExitCodes#INTERNAL}, never a findings code (it must not read as "no findings"
     * nor as "findings").
     */
    static int internal(Throwable t, PrintWriter err, boolean stacktrace) {
        err.println("error: internal error (a bug in Bulwark): " + Masking.mask(String.valueOf(t))
                + (stacktrace ? "" : "; run again with --stacktrace and report it with the output"));
        if (stacktrace) {
            t.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.INTERNAL;
    }

    private static String label(ErrorCode code) {
        return switch (code) {
            case FAILED_ROLLED_BACK -> "error (rolled back): ";
            case FAILED_NOT_ROLLED_BACK -> "error (NOT rolled back): ";
            default -> "error: ";
        };
    }
}
