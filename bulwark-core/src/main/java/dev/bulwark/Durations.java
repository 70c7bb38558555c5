package dev.bulwark;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written the way PostgreSQL settings are: {@code 500ms}, {@code 2s}, {@code 5min}, {@code 1h}, {@code 0}. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|min|m|h|d)?");

    private Durations() {
    }

    /**
     * Parses a duration; a bare number is milliseconds, as in PostgreSQL.
     *
     * @param what names the setting in the error message ("execution.lock_timeout")
     */
    public static Duration parse(String text, String what) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            throw BulwarkException.usage(what + " must be a duration like 500ms, 2s, 5min or 1h, was '" + text + "'",
                    "write a number followed by ms, s, min or h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "min", "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalStateException(unit);
        };
    }

    /** The PostgreSQL setting value for a duration: {@code 2000ms}, or {@code 0} for none. */
    public static String toSetting(Duration d) {
        return d == null || d.isZero() ? "0" : d.toMillis() + "ms";
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
