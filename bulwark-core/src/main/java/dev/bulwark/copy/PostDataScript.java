package dev.bulwark.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pg_dump's plain-text output cut into its table-of-contents entries, so each can be run at the
 * right moment: a table's indexes and keys as soon as its data is in, foreign keys last.
 * Every entry starts with a header comment {@code -- Name: …; Type: …; Schema: …; Owner: …}.
 *
 * @param preamble the session settings before the first entry (search_path and friends); run
 *                 them on every connection that runs entries, since entries rely on them
 */
public record PostDataScript(String preamble, List<Entry> entries) {
    private static final Pattern HEADER = Pattern.compile(
            "^--\\n-- (?:Data for )?Name: (.*); Type: (.*?); Schema: (.*?); Owner: (.*)\\n--\\n", Pattern.MULTILINE);

    public PostDataScript {
        entries = List.copyOf(entries);
    }

    /**
     * @param name   pg_dump's tag: the object's name, or {@code table constraint} for constraints
     * @param type   {@code INDEX}, {@code CONSTRAINT}, {@code FK CONSTRAINT}, {@code TRIGGER}, {@code INDEX ATTACH}…
     * @param schema the schema, or {@code -}
     * @param sql    the statements, as pg_dump wrote them
     */
    public record Entry(String name, String type, String schema, String sql) {
    }

    public static PostDataScript parse(String script) {
        String text = script.replace("\r\n", "\n");
        Matcher m = HEADER.matcher(text);
        List<Entry> entries = new ArrayList<>();
        String preamble = null;
        int lastEnd = -1;
        String[] last = null;
        while (m.find()) {
            if (last == null) {
                preamble = settings(text.substring(0, m.start()));
            } else {
                entries.add(new Entry(last[0], last[1], last[2], body(text.substring(lastEnd, m.start()))));
            }
            last = new String[]{m.group(1), m.group(2), m.group(3)};
            lastEnd = m.end();
        }
        if (last == null) {
            return new PostDataScript(settings(text), List.of());
        }
        entries.add(new Entry(last[0], last[1], last[2], body(text.substring(lastEnd))));
        return new PostDataScript(preamble, entries);
    }

    /** The SET / set_config lines of the preamble (comments dropped). */
    private static String settings(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("SET ") || line.startsWith("SELECT pg_catalog.set_config(")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** An entry's statements without the trailing dump-complete comment. */
    private static String body(String text) {
        int end = text.indexOf("\n--\n-- PostgreSQL database dump complete");
        String b = end >= 0 ? text.substring(0, end) : text;
        return b.strip();
    }
}
