package dev.bulwark.migration;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way PostgreSQL accepts them for {@code lock_timeout} and
 * {@code statement_timeout} ({@code 500ms}, {@code 5s}, {@code 10min}, {@code 1.5h}, {@code 2d};
 * a bare number is milliseconds), so that a value can be copied between a migration file,
 * {@code bulwark.toml} and {@code SET} without translation.
 */
public final class PgDurations {
    /** What to tell a user whose value did not parse. */
    public static final String EXPECTED = "a number with unit us, ms, s, min, h or d (e.g. 500ms, 5s, 10min); "
            + "a bare number means milliseconds and 0 means no limit";

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|min|h|d)?");

    private PgDurations() {
    }

    /**
     * Parses a duration; units are case-sensitive as in PostgreSQL ({@code 5S} is rejected there too).
     *
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        BigDecimal nanosPerUnit = BigDecimal.valueOf(switch (unit) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalStateException(unit);
        });
        try {
            return Duration.ofNanos(amount.multiply(nanosPerUnit).setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration PostgreSQL can hold");
        }
    }

    /** The largest lock_timeout or statement_timeout PostgreSQL accepts: INT_MAX milliseconds, about 24.8 days. */
    public static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    /** What to tell a user whose timeout is out of range. */
    public static final String TIMEOUT_RANGE = "at most 2147483647ms (24d 20h 31min 23.647s), or 0 for no limit";

    /**
     * Parses a value for {@code lock_timeout} or {@code statement_timeout}: a duration PostgreSQL
     * accepts for them, so an out-of-range value fails here and not on the server.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration or out of range
     */
    public static Duration parseTimeout(String text) {
        Duration d = parse(text);
        if (d.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("'" + text + "' is out of PostgreSQL's range for a timeout");
        }
        return d;
    }

    /** The shortest exact PostgreSQL spelling of a duration ({@code 2s}, {@code 1500ms}, {@code 0}). */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] units = {"d", "h", "min", "s", "ms", "us"};
        for (int i = 0; i < sizes.length; i++) {
            if (nanos % sizes[i] == 0) {
                return nanos / sizes[i] + units[i];
            }
        }
        // PostgreSQL has no unit below microseconds; round up so a timeout never gets shorter
        return (nanos / 1_000L + 1) + "us";
    }
}
