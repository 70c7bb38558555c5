package dev.bulwark.lint.recognize;

import dev.bulwark.sql.Token;

/**
 * An object name as the model keys it: lower-cased unless quoted, {@code public.} dropped.
 *
 * @param name  the name
 * @param token where it starts, for finding positions
 */
public record Name(String name, Token token) {
    @Override
    public String toString() {
        return name;
    }
}
