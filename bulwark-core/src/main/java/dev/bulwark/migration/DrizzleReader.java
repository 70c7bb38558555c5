package dev.bulwark.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.BulwarkException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drizzle Kit's layout: {@code NNNN_name.sql} files, statements separated by
 * {@code --> statement-breakpoint} lines (left in the SQL: they are comments), and
 * {@code meta/_journal.json}, whose entries {@code {idx, version, when, tag, breakpoints}} are the
 * source of truth for which files are migrations and in which order: Drizzle's migrator reads
 * the journal, never the directory.
 */
public final class DrizzleReader implements MigrationReader {
    /** The journal entry's {@code when} (Drizzle's {@code folderMillis}, recorded as {@code created_at}). */
    public static final String WHEN = "drizzle.when";
    /** The journal entry's {@code breakpoints} flag, "true" or "false". */
    public static final String BREAKPOINTS = "drizzle.breakpoints";

    static final String JOURNAL = "meta/_journal.json";
    static final Pattern TAG_PREFIX = Pattern.compile("^(\\d+)_(.*)$");
    private static final Set<String> POSTGRES = Set.of("postgresql", "pg", "postgres");
    /** Made on first use: creating an ObjectMapper loads some 350 classes, which every lint paid at start-up. */
    static ObjectMapper json() {
        return Json.MAPPER;
    }

    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** One entry of the journal, as far as Bulwark needs it. */
    record Entry(int idx, String tag, Long when, boolean breakpoints) {
    }

    @Override
    public MigrationFormat format() {
        return MigrationFormat.DRIZZLE;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        return Files.isRegularFile(dir.resolve(JOURNAL)) ? Optional.of(JOURNAL) : Optional.empty();
    }

    @Override
    public List<Migration> read(Path dir) {
        Sources.requireDirectory(dir);
        Path journal = dir.resolve(JOURNAL);
        List<Entry> entries = entries(journal);
        Set<String> tags = new HashSet<>();
        List<Migration> out = new ArrayList<>();
        for (Entry e : entries) {
            tags.add(e.tag());
            Path p = dir.resolve(e.tag() + ".sql");
            if (!Files.isRegularFile(p)) {
                throw BulwarkException.usage(
                        journal + " lists '" + e.tag() + "' (idx " + e.idx() + "), but " + p + " does not exist",
                        "restore the file, or remove the migration with drizzle-kit drop");
            }
            SourceFile file = SourceFile.read(p);
            MigrationOptions options = Directives.options(file, 1, file.lineCount() + 1,
                    MigrationOptions.DEFAULT, format());
            Map<String, String> toolData = new HashMap<>();
            toolData.put(BREAKPOINTS, Boolean.toString(e.breakpoints()));
            if (e.when() != null) {
                toolData.put(WHEN, e.when().toString());
            }
            Matcher m = TAG_PREFIX.matcher(e.tag());
            String name = m.matches() ? m.group(2) : e.tag();
            out.add(new Migration(MigrationVersion.of(version(e)), Sources.description(name), MigrationKind.VERSIONED,
                    format(), p, file.wholeScript(), null, options, file.text(), e.tag(), toolData));
        }
        for (Path p : Sources.list(dir)) {
            String fileName = Sources.name(p);
            if (Sources.isSqlFile(p) && !tags.contains(fileName.substring(0, fileName.length() - ".sql".length()))) {
                throw BulwarkException.usage(
                        p + " is not listed in " + journal + ", so Drizzle would never apply it",
                        "create migrations with drizzle-kit generate (or generate --custom), which records them in"
                                + " the journal; or move the file out of the directory");
            }
        }
        return Sources.checkUnique(out);
    }

    /** The idx zero-padded as the file name writes it (0003_x: "0003"); four digits, Drizzle's default, otherwise. */
    private static String version(Entry e) {
        Matcher m = TAG_PREFIX.matcher(e.tag());
        if (m.matches() && m.group(1).length() <= 9 && Integer.parseInt(m.group(1)) == e.idx()) {
            return m.group(1);
        }
        return String.format("%04d", e.idx());
    }

    /** The journal's entries, validated: a journal Drizzle itself would misread is refused here. */
    static List<Entry> entries(Path journal) {
        if (!Files.isRegularFile(journal)) {
            throw BulwarkException.usage(
                    "no " + JOURNAL + " in " + journal.getParent().getParent() + ": Drizzle lists its migrations there",
                    "run drizzle-kit generate (it writes the journal), or pass the --migration-format of the layout you use");
        }
        JsonNode root = tree(journal);
        JsonNode dialect = root.get("dialect");
        if (dialect != null && dialect.isTextual() && !POSTGRES.contains(dialect.asText())) {
            throw BulwarkException.usage(
                    journal + " says dialect \"" + dialect.asText() + "\"; Bulwark migrates PostgreSQL only",
                    "name the migrations folder of a PostgreSQL Drizzle project (PATH for lint and audit, --dir for the other commands, or [migrations] dir in bulwark.toml)");
        }
        JsonNode list = root.get("entries");
        if (list == null || !list.isArray()) {
            throw BulwarkException.usage(journal + " has no \"entries\" list",
                    "restore the journal from version control, or regenerate it with drizzle-kit");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> tags = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String where = journal + ": entry " + i;
            JsonNode idx = n.get("idx");
            JsonNode tag = n.get("tag");
            if (idx == null || !idx.canConvertToInt() || !idx.isIntegralNumber()) {
                throw BulwarkException.usage(where + " has no integer \"idx\"",
                        "restore the journal from version control, or regenerate it with drizzle-kit");
            }
            if (tag == null || !tag.isTextual() || tag.asText().isBlank()) {
                throw BulwarkException.usage(where + " has no \"tag\" (the migration's file name without .sql)",
                        "restore the journal from version control, or regenerate it with drizzle-kit");
            }
            Integer earlier = tags.putIfAbsent(tag.asText(), i);
            if (earlier != null) {
                throw BulwarkException.usage(where + " repeats tag '" + tag.asText() + "' of entry " + earlier,
                        "remove the repeated entry");
            }
            if (!entries.isEmpty() && idx.asInt() <= entries.get(entries.size() - 1).idx()) {
                // Drizzle applies entries in list order; an idx out of that order would make the
                // order Bulwark shows differ from the order Drizzle runs
                throw BulwarkException.usage(where + " has idx " + idx.asInt() + ", not above the idx "
                                + entries.get(entries.size() - 1).idx() + " of the entry before it",
                        "keep the entries in idx order, as drizzle-kit writes them");
            }
            JsonNode when = n.get("when");
            JsonNode breakpoints = n.get("breakpoints");
            entries.add(new Entry(idx.asInt(), tag.asText(),
                    when != null && when.isIntegralNumber() ? when.asLong() : null,
                    breakpoints == null || breakpoints.asBoolean(true)));
        }
        return entries;
    }

    static ObjectNode tree(Path journal) {
        SourceFile file = SourceFile.read(journal);
        try {
            JsonNode root = json().readTree(file.text());
            if (root instanceof ObjectNode o) {
                return o;
            }
            throw BulwarkException.usage(journal + " is not a JSON object",
                    "restore the journal from version control, or regenerate it with drizzle-kit");
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? ""
                    : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            throw BulwarkException.usage(journal + at + ": not valid JSON: " + Sources.oneLine(e.getOriginalMessage()),
                    "fix the JSON, or restore the journal from version control");
        }
    }
}
