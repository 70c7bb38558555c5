package dev.bulwark.embedded;

import java.util.Objects;

/**
 * What the embedded server throws for anything a user can act on: a one-line message and what to
 * do about it. This module depends on nothing of Bulwark's, so bulwark-core turns it into its
 * {@code BulwarkException} (same message and fix; {@link Kind#USAGE} and {@link Kind#DATABASE}
 * map to the error codes of the same names).
 */
public final class EmbeddedException extends RuntimeException {
    /** Whose move it is: the user's setup ({@code USAGE}) or the server and its files ({@code DATABASE}). */
    public enum Kind { USAGE, DATABASE }

    private final Kind kind;
    private final String fix;

    public EmbeddedException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public EmbeddedException(Kind kind, String message, String fix) {
        this(kind, message, fix, null);
    }

    public EmbeddedException(Kind kind, String message, String fix, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.fix = fix;
    }

    public Kind kind() {
        return kind;
    }

    /** What the user should do, or {@code null} when the message says it all. */
    public String fix() {
        return fix;
    }

    /** Message and fix on one line. */
    public String describe() {
        return fix == null || fix.isBlank() ? getMessage() : getMessage() + " — " + fix;
    }
}
