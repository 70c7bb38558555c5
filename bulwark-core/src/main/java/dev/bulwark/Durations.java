package dev.bulwark;

import dev.bulwark.migration.PgDurations;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations in settings and messages. Parsing and the setting form are PostgreSQL's own syntax
 * ({@link PgDurations}); this adds messages naming the setting, and a short human form.
 */
public final class Durations {
    private Durations() {
    }

    /**
     * Parses a duration; a bare number is milliseconds, as in PostgreSQL.
     *
     * @param what names the setting in the error message ("execution.lock_timeout")
     */
    public static Duration parse(String text, String what) {
        try {
            return PgDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw BulwarkException.usage(what + ": " + e.getMessage(), "write " + PgDurations.EXPECTED);
        }
    }

    /**
     * Parses a value for lock_timeout or statement_timeout; out of PostgreSQL's range (over INT_MAX
     * milliseconds) is a usage error, before anything connects.
     */
    public static Duration parseTimeout(String text, String what) {
        Duration d = parse(text, what);
        if (d.compareTo(PgDurations.MAX_TIMEOUT) > 0) {
            throw BulwarkException.usage(what + ": '" + text + "' is out of PostgreSQL's range for a timeout",
                    "write " + PgDurations.TIMEOUT_RANGE);
        }
        return d;
    }

    /** The PostgreSQL setting value for a duration: {@code 2s}, {@code 300ms}, or {@code 0} for none. */
    public static String toSetting(Duration d) {
        return d == null ? "0" : PgDurations.format(d);
    }

    /** Short human form: 1.2s, 250ms, 3min 5s. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + "ms";
        if (ms < 60_000) return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.format(Locale.ROOT, "%.1f", ms / 1000.0)) + "s";
        long s = ms / 1000;
        return (s / 60) + "min" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
    }
}
