package dev.bulwark.pg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides passwords in any text before it reaches a message, a log or a report. Every message built
 * from a connection string goes through {@link #mask(String)}; it errs on the side of hiding too
 * much (the rest of a token after {@code user:}) rather than leaking a character.
 */
public final class Masking {
    /** What a password is replaced with. */
    public static final String MASK = "***";

    /**
     * {@code scheme://user:password@host}: the password runs to the last {@code @} of the token,
     * because an unencoded {@code @} inside it is a common mistake that must not leak its tail.
     */
    private static final Pattern URI_USERINFO = Pattern.compile(
            "(?<prefix>\\b[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s:/?#@'\"<>]*):(?<password>[^\\s'\"<>]*)@");

    private static final String KEY = "(?<key>\\b(?:pg|ssl)?(?:password|passwd|pwd)\\b[\"']?)";

    /** {@code ?password=secret&…} in a URL query: the value runs to the next {@code &}, which a value cannot hold unencoded. */
    private static final Pattern QUERY_PARAMETER = Pattern.compile("(?i)(?<=[?&;])" + KEY + "(?<sep>=)(?<value>[^&\\s]*)");

    /**
     * {@code password=secret}, {@code PGPASSWORD=secret}, {@code sslpassword=…} in libpq conninfo
     * strings ({@code password='s e c'}), environment dumps and properties files, and
     * {@code "password": "secret"} in JSON. An unquoted value runs to whitespace: hiding a
     * trailing comma or brace costs less than showing half a password.
     */
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)(?<![?&;])" + KEY + "(?<sep>[ \\t]*[=:][ \\t]*)"
                    + "(?<value>'(?:[^'\\\\]|\\\\.)*'?|\"(?:[^\"\\\\]|\\\\.)*\"?|\\S*)");

    /** SQL: {@code CREATE/ALTER ROLE … PASSWORD 'secret'} (also {@code ENCRYPTED PASSWORD}, {@code E'…'}, {@code $$…$$}). */
    private static final Pattern SQL_PASSWORD = Pattern.compile(
            "(?i)(?<key>\\bpassword\\s+)(?<value>[eE]?'(?:[^']|'')*'?|\\$(?<tag>[A-Za-z_]*)\\$.*?\\$\\k<tag>\\$)",
            Pattern.DOTALL);

    /** Shortest secret masked wherever it appears; a shorter one is masked only where a pattern finds it. */
    static final int MIN_LITERAL = 4;

    /** The secrets known to this process (passwords it connects with, backup keys), longest first. */
    private static volatile List<String> secrets = List.of();

    private Masking() {
    }

    /**
     * Remembers a secret this process holds (a password it was given in a URL, PGPASSWORD, the
     * password file or the configuration; a backup key) so that {@link #mask(String)} hides it
     * wherever it appears, also where no pattern would recognize it: a statement's text, a
     * parser error, an exception's message. Secrets shorter than {@value #MIN_LITERAL} characters
     * are masked only by the patterns.
     */
    public static void remember(String secret) {
        if (secret == null || secret.length() < MIN_LITERAL || secret.equals(MASK)) {
            return;
        }
        synchronized (Masking.class) {
            if (secrets.contains(secret)) {
                return;
            }
            List<String> next = new ArrayList<>(secrets);
            next.add(secret);
            next.sort(Comparator.comparingInt(String::length).reversed());
            secrets = List.copyOf(next);
        }
    }

    /** The text with every password replaced by {@value #MASK}; null stays null. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        for (String secret : secrets) {
            if (text.contains(secret)) {
                text = text.replace(secret, MASK);
            }
            String encoded = java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8);
            if (!encoded.equals(secret) && text.contains(encoded)) {
                text = text.replace(encoded, MASK); // as it appears in a URL
            }
        }
        String result = replace(URI_USERINFO, text, m -> m.group("prefix") + ":" + MASK + "@");
        result = replace(QUERY_PARAMETER, result, m -> m.group("key") + m.group("sep") + MASK);
        result = replace(SQL_PASSWORD, result, m -> m.group("key") + "'" + MASK + "'");
        return replace(KEY_VALUE, result, m -> {
            String value = m.group("value");
            if (value.isEmpty() || value.equals(MASK) || value.equals("'" + MASK + "'") || value.equals("\"" + MASK + "\"")) {
                return m.group();
            }
            char quote = value.charAt(0);
            String masked = quote == '\'' || quote == '"' ? quote + MASK + quote : MASK;
            return m.group("key") + m.group("sep") + masked;
        });
    }

    private static String replace(Pattern pattern, String text, java.util.function.Function<Matcher, String> replacement) {
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(matcher)));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
