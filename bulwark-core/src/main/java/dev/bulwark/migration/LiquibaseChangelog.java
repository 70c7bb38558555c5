package dev.bulwark.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A Liquibase XML or YAML changelog and what it includes ({@code include}, {@code includeAll},
 * formatted SQL among them), cut into changesets. Each change becomes the PostgreSQL statements
 * Liquibase 4.33 generates for it ({@link LiquibaseChanges}), so lint, test and audit see what
 * Liquibase would run.
 *
 * <p>XML is parsed with the JDK's DOM parser with secure processing on and no DTD or external
 * entity (a changelog is untrusted input); YAML with Jackson.
 *
 * <p>A changeset made only of {@code sql} and {@code sqlFile} changes gets Liquibase's exact
 * {@code 9:} checksum; for the other change types Liquibase checksums a serialization of the change
 * object, which Bulwark does not reproduce: those rows get MD5SUM NULL, which Liquibase accepts as
 * valid and fills in on its next update ({@code ChangeSet.isCheckSumValid} returns true for a NULL
 * stored checksum; {@code StandardChangeLogHistoryService.upgradeChecksums} writes it).
 */
final class LiquibaseChangelog {
    private final Path root;
    private final Consumer<LayoutProblem> problems;
    private final List<Migration> out = new ArrayList<>();
    private final java.util.Set<Path> visiting = new java.util.HashSet<>();

    /** A changelog element, from XML or YAML alike: name, scalar attributes, nested elements, text. */
    record El(String name, Map<String, String> attrs, List<El> children, String text) {
        String attr(String n) {
            return attrs.get(n);
        }

        List<El> all(String n) {
            return children.stream().filter(c -> c.name.equals(n)).toList();
        }
    }

    LiquibaseChangelog(Path root, Consumer<LayoutProblem> problems) {
        this.root = root;
        this.problems = problems;
    }

    void read(Path master, Consumer<Migration> sink) {
        readFile(master);
        out.forEach(sink);
    }

    private String filename(Path file) {
        return root.relativize(file.normalize()).toString().replace(java.io.File.separatorChar, '/');
    }

    private void readFile(Path file) {
        file = file.normalize();
        if (!visiting.add(file)) {
            problems.accept(LayoutProblem.layout(file, "is included twice (or includes itself)", "include each changelog once"));
            return;
        }
        if (!Files.isRegularFile(file)) {
            problems.accept(LayoutProblem.layout(file, "is included but does not exist", "fix the include's path"));
            return;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".sql")) {
            SourceFile sf = SourceFile.read(file);
            if (LiquibaseSql.isFormattedSql(sf.text())) {
                for (LiquibaseSql.ChangeSet c : LiquibaseSql.parse(sf, filename(file), problems)) {
                    Migration m = LiquibaseReader.formatted(sf, c, out.size() + 1, problems);
                    if (m != null) {
                        out.add(m);
                    }
                }
            } else {
                // Liquibase reads an included plain .sql file as one changeset raw::includeAll
                LiquibaseSql.ChangeSet c = new LiquibaseSql.ChangeSet("raw", "includeAll", filename(file), 1, 1,
                        sf.lineCount() + 1, sf.text(), "", 0, Map.of("splitstatements", "true"), null, List.of());
                out.add(LiquibaseReader.formatted(sf, c, out.size() + 1, problems));
            }
            return;
        }
        El doc;
        try {
            doc = name.endsWith(".xml") ? xml(file) : name.endsWith(".yaml") || name.endsWith(".yml") ? yaml(file) : null;
        } catch (Exception e) {
            problems.accept(LayoutProblem.layout(file, "cannot be read as a Liquibase changelog: " + Sources.oneLine(e.getMessage()),
                    "fix the file so that Liquibase itself can parse it"));
            return;
        }
        if (doc == null) {
            problems.accept(LayoutProblem.layout(file, "is not a changelog Bulwark reads (XML, YAML or formatted SQL)",
                    "write it as XML, YAML or formatted SQL, or apply it with Liquibase"));
            return;
        }
        for (El e : doc.children()) {
            switch (e.name()) {
                case "include" -> {
                    String f = e.attr("file");
                    if (f == null) {
                        problems.accept(LayoutProblem.layout(file, "has an include without a file", "add file=\"…\""));
                        continue;
                    }
                    readFile(resolve(file, f, e.attr("relativeToChangelogFile")));
                }
                case "includeAll" -> {
                    String p = e.attr("path");
                    if (p == null) {
                        problems.accept(LayoutProblem.layout(file, "has an includeAll without a path", "add path=\"…\""));
                        continue;
                    }
                    Path folder = resolve(file, p, e.attr("relativeToChangelogFile"));
                    List<Path> found = new ArrayList<>();
                    try (java.util.stream.Stream<Path> walk = Files.walk(folder)) {
                        walk.filter(Files::isRegularFile).filter(x -> x.getFileName().toString().matches("(?i).*\\.(xml|ya?ml|sql)$"))
                                .forEach(found::add);
                    } catch (java.io.IOException | java.io.UncheckedIOException ex) {
                        problems.accept(LayoutProblem.layout(folder, "is named by includeAll but cannot be listed", "fix the path"));
                        continue;
                    }
                    found.sort((a, b) -> filename(a).compareTo(filename(b)));
                    found.forEach(this::readFile);
                }
                case "changeSet" -> changeSet(file, e);
                case "property", "preConditions", "comment", "logicalFilePath", "objectQuotingStrategy" -> {
                    if (e.name().equals("preConditions")) {
                        problems.accept(LayoutProblem.layout(file, "has changelog preconditions, which Bulwark does not evaluate",
                                "check them by hand and remove them, or apply this changelog with Liquibase"));
                    }
                }
                default -> problems.accept(LayoutProblem.layout(file, "has a <" + e.name() + "> Bulwark does not understand",
                        "apply this changelog with Liquibase"));
            }
        }
    }

    private Path resolve(Path from, String path, String relative) {
        return "true".equalsIgnoreCase(relative) ? from.getParent().resolve(path).normalize() : root.resolve(path).normalize();
    }

    private void changeSet(Path file, El cs) {
        String id = cs.attr("id");
        String author = cs.attr("author");
        if (id == null || author == null) {
            problems.accept(LayoutProblem.layout(file, "has a changeSet without id or author", "give every changeSet an id and an author"));
            return;
        }
        String who = "changeSet " + author + ":" + id;
        if ("true".equalsIgnoreCase(cs.attr("ignore")) || !LiquibaseReader.forPostgres(cs.attr("dbms"))) {
            return;
        }
        if ("true".equalsIgnoreCase(cs.attr("runAlways"))) {
            problems.accept(LayoutProblem.layout(file, who + " has runAlways=\"true\"; Bulwark applies each changeset once",
                    "remove runAlways, or apply this changelog with Liquibase"));
        }
        List<String> sql = new ArrayList<>();
        List<String> checksums = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        boolean exact = true;
        String comments = null;
        String rollback = cs.attr("rollback") != null ? cs.attr("rollback").strip() + "\n" : null;
        for (El c : cs.children()) {
            switch (c.name()) {
                case "comment" -> comments = c.text() == null ? null : c.text().strip();
                case "preConditions" -> problems.accept(LayoutProblem.layout(file, who + " has preconditions, which Bulwark does"
                                + " not evaluate: it would run the changeset whatever they say",
                        "check them by hand and remove them, or apply this changelog with Liquibase"));
                case "validCheckSum", "tagDatabase" -> {
                }
                case "rollback" -> rollback = rollback(file, c);
                default -> {
                    LiquibaseChanges.Result r = LiquibaseChanges.translate(c, file, root);
                    if (r == null) {
                        problems.accept(LayoutProblem.layout(file, who + ": change type " + c.name() + " not understood;"
                                        + " Bulwark cannot lint it",
                                "write it as <sql>, or apply this changelog with Liquibase"));
                        exact = false;
                        continue;
                    }
                    if (r.problem() != null) {
                        problems.accept(LayoutProblem.layout(file, who + ": " + r.problem(), "fix the change so Liquibase can run it"));
                        continue;
                    }
                    sql.addAll(r.statements());
                    descriptions.add(description(c));
                    if (r.checksum() != null) {
                        checksums.add(r.checksum());
                    } else {
                        exact = false;
                    }
                }
            }
        }
        String text = String.join(";\n", sql) + (sql.isEmpty() ? "" : ";\n");
        SourceFile sf = SourceFile.read(file);
        MigrationOptions options = MigrationOptions.DEFAULT.withTransactional(!"false".equalsIgnoreCase(cs.attr("runInTransaction")));
        Map<String, String> data = new HashMap<>();
        data.put(LiquibaseReader.ID, id);
        data.put(LiquibaseReader.AUTHOR, author);
        String logical = cs.attr("logicalFilePath");
        String fn = logical != null ? logical : filename(file);
        data.put(LiquibaseReader.FILENAME, fn);
        if (exact) {
            data.put(LiquibaseReader.MD5SUM, LiquibaseChecksum.ofChangeSet(checksums));
        }
        data.put(LiquibaseReader.DESCRIPTION, descriptions.isEmpty() ? "empty" : String.join("; ", descriptions));
        if (comments != null) data.put(LiquibaseReader.COMMENTS, comments);
        String context = cs.attr("contextFilter") != null ? cs.attr("contextFilter") : cs.attr("context");
        if (context != null && !context.isEmpty()) data.put(LiquibaseReader.CONTEXTS, context);
        if (cs.attr("labels") != null && !cs.attr("labels").isEmpty()) data.put(LiquibaseReader.LABELS, cs.attr("labels"));
        int line = lineOf(sf, "id=\"" + id + "\"", "id: " + id);
        Script up = new Script(text, file, line);
        Script down = rollback == null ? null : new Script(rollback, file, line);
        out.add(new Migration(MigrationVersion.of(String.valueOf(out.size() + 1)), id, MigrationKind.VERSIONED,
                MigrationFormat.LIQUIBASE, file, up, down, options, sf.text(), LiquibaseReader.key(fn, id, author), data));
    }

    private String rollback(Path file, El r) {
        List<String> sql = new ArrayList<>();
        if (r.text() != null && !r.text().isBlank()) {
            sql.add(r.text().strip().replaceAll(";\\s*$", ""));
        }
        for (El c : r.children()) {
            LiquibaseChanges.Result res = LiquibaseChanges.translate(c, file, root);
            if (res == null || res.problem() != null) {
                return null;
            }
            sql.addAll(res.statements());
        }
        return sql.isEmpty() ? "" : String.join(";\n", sql) + ";\n";
    }

    /** Liquibase's description of a change: its name and its *Name and path parameters, sorted. */
    private static String description(El c) {
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<String, String> a : c.attrs().entrySet()) {
            String k = a.getKey().toLowerCase(Locale.ROOT);
            if ((k.endsWith("name") && !k.contains("schema") && !k.contains("catalog")) || k.equals("path")) {
                names.add(a.getKey() + "=" + a.getValue());
            }
        }
        return names.isEmpty() ? c.name() : c.name() + " " + String.join(", ", names);
    }

    private static int lineOf(SourceFile f, String... needles) {
        for (int n = 1; n <= f.lineCount(); n++) {
            for (String needle : needles) {
                if (f.line(n).contains(needle)) {
                    return n;
                }
            }
        }
        return 1;
    }

    // ------------------------------------------------------------------ parsing

    static El xml(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(true);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        Document d = b.parse(new ByteArrayInputStream(Files.readAllBytes(file)));
        Element root = d.getDocumentElement();
        if (!local(root).equals("databaseChangeLog")) {
            throw new IllegalArgumentException("the root element is <" + local(root) + ">, not <databaseChangeLog>");
        }
        return el(root);
    }

    private static String local(Node n) {
        return n.getLocalName() != null ? n.getLocalName() : n.getNodeName();
    }

    private static El el(Element e) {
        Map<String, String> attrs = new LinkedHashMap<>();
        NamedNodeMap as = e.getAttributes();
        for (int i = 0; i < as.getLength(); i++) {
            Node a = as.item(i);
            String n = local(a);
            if (!a.getNodeName().startsWith("xmlns") && !"http://www.w3.org/2001/XMLSchema-instance".equals(a.getNamespaceURI())) {
                attrs.put(n, a.getNodeValue());
            }
        }
        List<El> children = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        NodeList ns = e.getChildNodes();
        for (int i = 0; i < ns.getLength(); i++) {
            Node n = ns.item(i);
            if (n instanceof Element c) {
                children.add(el(c));
            } else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                text.append(n.getNodeValue());
            }
        }
        return new El(local(e), attrs, children, text.isEmpty() ? null : text.toString());
    }

    static El yaml(Path file) throws Exception {
        JsonNode doc = new YAMLMapper().readTree(Files.readAllBytes(file));
        if (doc == null || !doc.has("databaseChangeLog")) {
            throw new IllegalArgumentException("it has no databaseChangeLog key");
        }
        return fromYaml("databaseChangeLog", doc.get("databaseChangeLog"));
    }

    /** A YAML value as an element: scalars are attributes, maps and lists of one-key maps are children. */
    private static El fromYaml(String name, JsonNode v) {
        Map<String, String> attrs = new LinkedHashMap<>();
        List<El> children = new ArrayList<>();
        String text = null;
        if (v.isArray()) {
            for (JsonNode item : v) {
                addYamlItem(item, children);
            }
        } else if (v.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode x = f.getValue();
                if (x.isValueNode()) {
                    attrs.put(f.getKey(), x.asText());
                } else if (x.isArray() && (f.getKey().equals("changes") || f.getKey().equals("columns"))) {
                    for (JsonNode item : x) {
                        addYamlItem(item, children);
                    }
                } else if (x.isArray() && f.getKey().equals("rollback")) {
                    El r = new El("rollback", new LinkedHashMap<>(), new ArrayList<>(), null);
                    for (JsonNode item : x) {
                        addYamlItem(item, r.children());
                    }
                    children.add(r);
                } else {
                    children.add(fromYaml(f.getKey(), x));
                }
            }
        } else if (v.isValueNode()) {
            text = v.asText();
        }
        // sql: {sql: "…"} and comment: "…" carry text, as XML's <sql>…</sql> does
        if (name.equals("sql") && attrs.containsKey("sql")) {
            text = attrs.remove("sql");
        }
        if (name.equals("changeSet") && attrs.containsKey("comment")) {
            children.add(0, new El("comment", Map.of(), List.of(), attrs.remove("comment")));
        }
        if (name.equals("rollback") && v.isValueNode()) {
            return new El(name, attrs, children, text);
        }
        return new El(name, attrs, children, text);
    }

    private static void addYamlItem(JsonNode item, List<El> into) {
        if (item.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = item.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                into.add(fromYaml(f.getKey(), f.getValue()));
            }
        }
    }
}
