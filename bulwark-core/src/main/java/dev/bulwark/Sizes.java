package dev.bulwark;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes in options and messages: {@code 64MB} in, {@code 64.0 MB} out (powers of 1024). */
public final class Sizes {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB"};
    private static final Pattern SIZE = Pattern.compile("(?i)^\\s*(\\d+)\\s*(b|kb|mb|gb|tb)\\s*$");

    private Sizes() {
    }

    /** A short human form: {@code 512 B}, {@code 1.5 kB}, {@code 64.0 MB}, up to TB. */
    public static String human(long b) {
        double v = b;
        int u = 0;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return (u == 0 ? String.valueOf(b) : String.format(Locale.ROOT, "%.1f", v)) + " " + UNITS[u];
    }

    /** A number with its unit ({@code 64MB}, {@code 512 kB}, {@code 1gb}; B to TB, any case) in bytes, or -1 when the text is not one. */
    public static long parse(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text);
        if (m == null || !m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            return -1;
        }
        return n << shift;
    }
}
