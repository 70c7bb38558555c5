package dev.bulwark.migration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough Python to read Alembic migrations without running them: string literals (with
 * prefixes and triple quotes), balanced calls, and call arguments split into positional and
 * keyword ones.
 */
final class PyCalls {
    /** A call {@code name(args)} found in the source: its name, raw argument text and 1-based line/column. */
    record Call(String name, String args, int line, int column, int end) {
        List<String> positional() {
            return split(args).stream().filter(a -> keyword(a) == null).toList();
        }

        Map<String, String> keywords() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String a : split(args)) {
                String k = keyword(a);
                if (k != null) {
                    out.put(k, a.substring(a.indexOf('=') + 1).trim());
                }
            }
            return out;
        }
    }

    private PyCalls() {
    }

    /** Every call of {@code prefix + name(} in {@code src}, outside strings and comments, in order. */
    static List<Call> find(String src, String prefix) {
        List<Call> out = new ArrayList<>();
        int i = 0;
        while (i < src.length()) {
            char ch = src.charAt(i);
            if (ch == '#') {
                while (i < src.length() && src.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (ch == '\'' || ch == '"') {
                i = skipString(src, i);
                continue;
            }
            if (src.startsWith(prefix, i) && (i == 0 || !Character.isJavaIdentifierPart(src.charAt(i - 1)))) {
                int j = i + prefix.length();
                int nameStart = j;
                while (j < src.length() && Character.isJavaIdentifierPart(src.charAt(j))) {
                    j++;
                }
                int k = j;
                while (k < src.length() && src.charAt(k) == ' ') {
                    k++;
                }
                if (j > nameStart && k < src.length() && src.charAt(k) == '(') {
                    int close = matching(src, k);
                    out.add(new Call(src.substring(nameStart, j), src.substring(k + 1, Math.max(k + 1, close)),
                            lineOf(src, i), columnOf(src, i), close));
                    i = j;
                    continue;
                }
            }
            i++;
        }
        return out;
    }

    static int lineOf(String src, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    static int columnOf(String src, int offset) {
        int start = src.lastIndexOf('\n', offset - 1) + 1;
        return offset - start + 1;
    }

    /** Offset of the ')' matching the '(' at {@code open}, or the end of the text. */
    static int matching(String src, int open) {
        int depth = 0;
        int i = open;
        while (i < src.length()) {
            char ch = src.charAt(i);
            if (ch == '\'' || ch == '"') {
                i = skipString(src, i);
                continue;
            }
            if (ch == '#') {
                while (i < src.length() && src.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (ch == '(' || ch == '[' || ch == '{') {
                depth++;
            } else if (ch == ')' || ch == ']' || ch == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
            i++;
        }
        return src.length();
    }

    /** Offset just after the string literal starting at {@code i}. */
    static int skipString(String src, int i) {
        char q = src.charAt(i);
        boolean triple = src.startsWith(String.valueOf(q).repeat(3), i);
        int j = i + (triple ? 3 : 1);
        while (j < src.length()) {
            char ch = src.charAt(j);
            if (ch == '\\') {
                j += 2;
                continue;
            }
            if (triple ? src.startsWith(String.valueOf(q).repeat(3), j) : ch == q) {
                return j + (triple ? 3 : 1);
            }
            if (!triple && ch == '\n') {
                return j;
            }
            j++;
        }
        return src.length();
    }

    /** Top-level comma-separated parts of an argument list. */
    static List<String> split(String args) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        int i = 0;
        while (i < args.length()) {
            char ch = args.charAt(i);
            if (ch == '\'' || ch == '"') {
                i = skipString(args, i);
                continue;
            }
            if (ch == '(' || ch == '[' || ch == '{') {
                depth++;
            } else if (ch == ')' || ch == ']' || ch == '}') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                add(out, args.substring(start, i));
                start = i + 1;
            }
            i++;
        }
        add(out, args.substring(start));
        return out;
    }

    private static void add(List<String> out, String part) {
        String p = stripComments(part).trim();
        if (!p.isEmpty()) {
            out.add(p);
        }
    }

    private static String stripComments(String s) {
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            int hash = line.indexOf('#');
            b.append(hash >= 0 && line.indexOf('\'') < 0 && line.indexOf('"') < 0 ? line.substring(0, hash) : line).append('\n');
        }
        return b.toString();
    }

    /** The keyword of {@code name=value}, or null for a positional argument. */
    static String keyword(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0 || eq + 1 < arg.length() && arg.charAt(eq + 1) == '=') {
            return null;
        }
        String k = arg.substring(0, eq).trim();
        return k.matches("[A-Za-z_][A-Za-z0-9_]*") ? k : null;
    }

    /**
     * The value of a string literal ({@code 'x'}, {@code "x"}, triple-quoted, r/u/b prefixes,
     * adjacent literals concatenated), or null when {@code expr} is not one (f-strings, names, calls).
     */
    static String string(String expr) {
        String e = expr.trim();
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean any = false;
        while (i < e.length()) {
            while (i < e.length() && Character.isWhitespace(e.charAt(i))) {
                i++;
            }
            if (i >= e.length()) {
                break;
            }
            boolean raw = false;
            while (i < e.length() && "rRuUbB".indexOf(e.charAt(i)) >= 0) {
                raw |= e.charAt(i) == 'r' || e.charAt(i) == 'R';
                i++;
            }
            if (i >= e.length() || (e.charAt(i) != '\'' && e.charAt(i) != '"')) {
                return null;
            }
            int end = skipString(e, i);
            char q = e.charAt(i);
            boolean triple = e.startsWith(String.valueOf(q).repeat(3), i);
            int open = triple ? 3 : 1;
            String body = e.substring(i + open, Math.max(i + open, end - open));
            out.append(raw ? body : unescape(body));
            any = true;
            i = end;
        }
        return any ? out.toString() : null;
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\'", "'").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** The string items of a list literal {@code ['a', "b"]}. */
    static List<String> strings(String listExpr) {
        String e = listExpr.trim();
        if (e.startsWith("[") || e.startsWith("(")) {
            e = e.substring(1, Math.max(1, e.length() - 1));
        }
        List<String> out = new ArrayList<>();
        for (String p : split(e)) {
            String s = string(p);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }
}
