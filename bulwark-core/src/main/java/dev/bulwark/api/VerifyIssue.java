package dev.bulwark.api;

/**
 * One integrity problem {@link Bulwark#verify} found.
 *
 * @param check   the check's id ({@code invalid-index}, {@code fk-orphans} …)
 * @param object  the object ({@code public.orders.orders_pkey})
 * @param fix     what to do, or null
 * @param count   offending rows, or null
 */
public record VerifyIssue(String check, String object, String message, String fix, Long count) {
}
