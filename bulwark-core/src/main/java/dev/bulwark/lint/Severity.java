package dev.bulwark.lint;

import dev.bulwark.BulwarkException;

import java.util.Locale;

/** How bad a finding is; ordered, so {@code --fail-on warning} means warning or worse. */
public enum Severity {
    INFO, WARNING, ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /** Parses {@code error|warning|info}; {@code what} names the setting in the message. */
    public static Severity parse(String text, String what) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw BulwarkException.usage(what + ": unknown severity '" + text + "'", "use error, warning or info");
        }
    }
}
