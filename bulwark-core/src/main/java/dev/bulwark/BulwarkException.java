package dev.bulwark;

import java.util.Objects;

/**
 * The one exception type Bulwark throws for anything a user can act on. The message is one
 * line that names the problem (file, line, object, measured value); {@link #fix()} says what to
 * do about it. Messages never contain passwords: build them from masked connection strings.
 */
public class BulwarkException extends RuntimeException {
    private final ErrorCode code;
    private final String fix;

    public BulwarkException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public BulwarkException(ErrorCode code, String message, String fix) {
        this(code, message, fix, null);
    }

    public BulwarkException(ErrorCode code, String message, String fix, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.fix = fix;
    }

    public static BulwarkException usage(String message, String fix) {
        return new BulwarkException(ErrorCode.USAGE, message, fix);
    }

    public ErrorCode code() {
        return code;
    }

    /** What the user should do, or {@code null} when the message says it all. */
    public String fix() {
        return fix;
    }

    /** Message and fix on one line, as the CLI prints it. */
    public String describe() {
        return fix == null || fix.isBlank() ? getMessage() : getMessage() + " — " + fix;
    }
}
