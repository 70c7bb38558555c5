package dev.bulwark.lint.report;

import dev.bulwark.lint.AnalysisError;
import dev.bulwark.lint.rules.UnreadableStatementRule;

import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.RuleRegistry;
import dev.bulwark.lint.Severity;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code file:line:col: severity[rule] message}, the source line with the span marked, the help line. */
public final class TextRenderer {
    private final Path base;
    private final boolean color;

    public TextRenderer(Path base, boolean color) {
        this.base = base;
        this.color = color;
    }

    public void render(LintResult result, PrintWriter out) {
        Map<Path, List<String>> cache = new HashMap<>();
        for (Finding f : result.findings()) {
            String sev = f.severity().label();
            out.println(Paths.show(f.file(), base) + ":" + f.line() + ":" + f.column() + ": "
                    + paint(sev, f.severity()) + "[" + f.ruleId() + "] " + (f.part() == Finding.Part.DOWN ? "(down) " : "")
                    + f.message());
            List<String> lines = cache.computeIfAbsent(f.file(), TextRenderer::lines);
            if (f.line() >= 1 && f.line() <= lines.size()) {
                String src = lines.get(f.line() - 1).replace('\t', ' ');
                int spanLength = f.length();
                if (f.ruleId().equals("hardcoded-credentials") && f.column() >= 1 && f.column() - 1 + f.length() <= src.length()) {
                    // the span is the password itself: show where it is, never what it is
                    src = src.substring(0, f.column() - 1) + dev.bulwark.pg.Masking.MASK + src.substring(f.column() - 1 + f.length());
                    spanLength = dev.bulwark.pg.Masking.MASK.length();
                }
                src = dev.bulwark.pg.Masking.mask(src);
                out.println("   | " + src);
                int start = Math.min(Math.max(0, f.column() - 1), src.length());
                int len = Math.max(1, Math.min(spanLength, Math.max(1, src.length() - start)));
                out.println("   | " + " ".repeat(start) + paint("^".repeat(len), f.severity()));
            }
            out.println("   = help: " + f.help());
            RuleRegistry.byId(f.ruleId()).ifPresent(r -> out.println("   = docs: " + r.docsUrl()));
            out.println();
        }
        long files = result.set().migrations().size();
        if (result.findings().isEmpty()) {
            out.println("No findings in " + files + " migration" + (files == 1 ? "" : "s") + ".");
        } else {
            out.println(result.findings().size() + " finding" + (result.findings().size() == 1 ? "" : "s") + " in "
                    + files + " migration" + (files == 1 ? "" : "s") + ": " + result.count(Severity.ERROR) + " error(s), "
                    + result.count(Severity.WARNING) + " warning(s), " + result.count(Severity.INFO) + " info"
                    + (result.inDowns() > 0 ? "; " + result.inDowns() + " in downs" : "") + ".");
        }
        long unreadable = result.count(UnreadableStatementRule.ID);
        long failed = result.count(AnalysisError.ID);
        if (unreadable > 0) {
            out.println(unreadable + " statement" + (unreadable == 1 ? "" : "s") + " could not be read and "
                    + (unreadable == 1 ? "was" : "were") + " not checked (unreadable-statement).");
        }
        if (failed > 0) {
            out.println(failed + " internal error" + (failed == 1 ? "" : "s") + " in the analysis (analysis-error): "
                    + "those statements were not fully checked.");
        }
        out.flush();
    }

    private String paint(String s, Severity sev) {
        if (!color) {
            return s;
        }
        String code = switch (sev) {
            case ERROR -> "31";
            case WARNING -> "33";
            case INFO -> "36";
        };
        return "\u001b[1;" + code + "m" + s + "\u001b[0m";
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
