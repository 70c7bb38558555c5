package dev.bulwark.copy;

import dev.bulwark.BulwarkException;
import dev.bulwark.catalog.TableRef;

import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code --tables} / {@code --exclude}: glob patterns ({@code *}, {@code ?}) matched against a
 * table's {@code schema.name}, or against its bare name when the pattern has no dot outside
 * double quotes. Names match exactly as stored (case kept); a part in double quotes is literal,
 * so {@code "Order Items"} or {@code public."a.b"} name tables whose names hold spaces or dots.
 */
public final class TablePatterns {
    private final List<Compiled> include;
    private final List<Compiled> exclude;

    private record Compiled(String text, Pattern schema, Pattern name) {
        boolean matches(TableRef t) {
            return (schema == null || schema.matcher(t.schema()).matches()) && name.matcher(t.name()).matches();
        }
    }

    public TablePatterns(List<String> include, List<String> exclude) {
        this.include = include == null ? List.of() : include.stream().map(TablePatterns::compile).toList();
        this.exclude = exclude == null ? List.of() : exclude.stream().map(TablePatterns::compile).toList();
    }

    public static TablePatterns all() {
        return new TablePatterns(List.of(), List.of());
    }

    public boolean isEverything() {
        return include.isEmpty() && exclude.isEmpty();
    }

    /** Included by some {@code --tables} pattern (or there are none) and excluded by none. */
    public boolean selects(TableRef table) {
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> p.matches(table));
        return in && exclude.stream().noneMatch(p -> p.matches(table));
    }

    static Compiled compile(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw BulwarkException.usage("an empty table pattern", "write schema.table, table, or a glob such as public.order_*");
        }
        int dot = -1;
        boolean quoted = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                if (dot >= 0) {
                    throw BulwarkException.usage("table pattern " + pattern + " has more than one dot",
                            "write schema.table; quote a name that contains a dot: \"a.b\"");
                }
                dot = i;
            }
        }
        if (quoted) {
            throw BulwarkException.usage("table pattern " + pattern + " has an unclosed double quote", "close the quote");
        }
        return dot < 0 ? new Compiled(pattern, null, glob(pattern))
                : new Compiled(pattern, glob(pattern.substring(0, dot)), glob(pattern.substring(dot + 1)));
    }

    /** {@code *} any run, {@code ?} one character; inside double quotes everything is literal ({@code ""} is a quote). */
    static Pattern glob(String part) {
        StringBuilder re = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < part.length() && part.charAt(i + 1) == '"') {
                    re.append(Pattern.quote("\""));
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (!quoted && c == '*') {
                re.append(".*");
            } else if (!quoted && c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
