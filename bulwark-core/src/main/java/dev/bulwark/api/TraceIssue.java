package dev.bulwark.api;

/**
 * A finding drawn from the server's trace of a rehearsed migration (a rewrite under an exclusive
 * lock, a scan, a lock on another table).
 *
 * @param position the statement ("statement 2, line 5")
 */
public record TraceIssue(String rule, Severity severity, String position, String message, String help) {
}
