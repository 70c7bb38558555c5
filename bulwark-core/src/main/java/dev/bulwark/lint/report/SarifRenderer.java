package dev.bulwark.lint.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** SARIF 2.1.0, for GitHub code scanning and other viewers: one run, the rule table with helpUri, one result per finding. */
public final class SarifRenderer {
    public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    private final Path base;
    private final String version;

    public SarifRenderer(Path base, String toolVersion) {
        this.base = base;
        this.version = toolVersion;
    }

    public void render(LintResult result, PrintWriter out) {
        ObjectNode root = JsonRenderer.MAPPER.createObjectNode();
        root.put("$schema", SCHEMA);
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "bulwark");
        driver.put("version", version);
        driver.put("informationUri", "https://github.com/bulwark-migrations/bulwark");
        ArrayNode rules = driver.putArray("rules");
        List<Rule> ruleList = result.rules();
        for (Rule r : ruleList) {
            ObjectNode n = rules.addObject();
            n.put("id", r.id());
            n.put("name", r.getClass().getSimpleName().replaceFirst("Rule$", ""));
            n.putObject("shortDescription").put("text", r.summary());
            n.putObject("help").put("text", r.help());
            n.put("helpUri", r.docsUrl());
            n.putObject("defaultConfiguration").put("level", level(r.defaultSeverity()));
        }
        ArrayNode results = run.putArray("results");
        for (Finding f : result.findings()) {
            ObjectNode n = results.addObject();
            n.put("ruleId", f.ruleId());
            int index = indexOf(ruleList, f.ruleId());
            if (index >= 0) {
                n.put("ruleIndex", index);
            }
            n.put("level", level(f.severity()));
            n.putObject("message").put("text", (f.part() == Finding.Part.DOWN ? "In the down migration: " : "")
                    + f.message() + " Help: " + f.help());
            if (f.migration() != null) {
                n.putObject("properties").put("part", f.part().label());
            }
            ObjectNode loc = n.putArray("locations").addObject().putObject("physicalLocation");
            loc.putObject("artifactLocation").put("uri", Paths.show(f.file(), base));
            ObjectNode region = loc.putObject("region");
            region.put("startLine", f.line());
            region.put("startColumn", f.column());
            region.put("endColumn", f.column() + f.length());
        }
        try {
            out.println(JsonRenderer.MAPPER.writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static int indexOf(List<Rule> rules, String id) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    static String level(Severity s) {
        return switch (s) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFO -> "note";
        };
    }
}
