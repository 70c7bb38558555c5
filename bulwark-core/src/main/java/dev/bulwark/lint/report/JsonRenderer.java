package dev.bulwark.lint.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.RuleRegistry;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** One JSON document: the findings and a summary, for scripts. */
public final class JsonRenderer {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path base;

    public JsonRenderer(Path base) {
        this.base = base;
    }

    public void render(LintResult result, PrintWriter out) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode findings = root.putArray("findings");
        for (Finding f : result.findings()) {
            ObjectNode n = findings.addObject();
            n.put("rule", f.ruleId());
            n.put("severity", f.severity().label());
            n.put("file", Paths.show(f.file(), base));
            n.put("line", f.line());
            n.put("column", f.column());
            n.put("length", f.length());
            n.put("message", f.message());
            n.put("help", f.help());
            if (f.migration() != null) {
                n.put("migration", f.migration());
                n.put("part", f.part().label());
            }
            RuleRegistry.byId(f.ruleId()).ifPresent(r -> n.put("docs", r.docsUrl()));
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("migrations", result.set().migrations().size());
        summary.put("format", result.set().format().id());
        for (var s : dev.bulwark.lint.Severity.values()) {
            summary.put(s.label(), result.count(s));
        }
        summary.put("inDowns", result.inDowns());
        summary.put("unreadable", result.count(dev.bulwark.lint.rules.UnreadableStatementRule.ID));
        summary.put("analysisErrors", result.count(dev.bulwark.lint.AnalysisError.ID));
        try {
            out.println(MAPPER.writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}
