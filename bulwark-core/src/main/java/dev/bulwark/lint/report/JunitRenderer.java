package dev.bulwark.lint.report;

import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.Migration;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** JUnit XML: a testcase per migration, failing with its findings at or above the fail-on level; plus one for the directory. */
public final class JunitRenderer {
    private final Path base;
    private final Severity failOn;

    public JunitRenderer(Path base, Severity failOn) {
        this.base = base;
        this.failOn = failOn;
    }

    public void render(LintResult result, PrintWriter out) {
        List<Migration> migrations = result.set().migrations();
        long failures = migrations.stream().filter(m -> failing(result, m.id()).size() > 0).count()
                + (failing(result, null).isEmpty() ? 0 : 1);
        out.println("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        out.println("<testsuites name=\"bulwark lint\" tests=\"" + (migrations.size() + 1) + "\" failures=\"" + failures + "\">");
        out.println("  <testsuite name=\"" + esc(Paths.show(result.set().directory(), base)) + "\" tests=\""
                + (migrations.size() + 1) + "\" failures=\"" + failures + "\">");
        for (Migration m : migrations) {
            testcase(out, Paths.show(m.location(), base), failing(result, m.id()), all(result, m.id()));
        }
        testcase(out, "migration set", failing(result, null), all(result, null));
        out.println("  </testsuite>");
        out.println("</testsuites>");
        out.flush();
    }

    private void testcase(PrintWriter out, String name, List<Finding> failing, List<Finding> all) {
        out.print("    <testcase classname=\"bulwark.lint\" name=\"" + esc(name) + "\"");
        if (all.isEmpty()) {
            out.println("/>");
            return;
        }
        out.println(">");
        StringBuilder text = new StringBuilder();
        for (Finding f : all) {
            text.append(Paths.show(f.file(), base)).append(':').append(f.line()).append(':').append(f.column()).append(": ")
                    .append(f.severity().label()).append('[').append(f.ruleId()).append("] ").append(f.message())
                    .append("\n  help: ").append(f.help()).append('\n');
        }
        if (!failing.isEmpty()) {
            out.println("      <failure message=\"" + esc(failing.size() + " finding(s) at or above " + failOn.label())
                    + "\" type=\"" + esc(failing.get(0).ruleId()) + "\">" + esc(text.toString()) + "</failure>");
        } else {
            out.println("      <system-out>" + esc(text.toString()) + "</system-out>");
        }
        out.println("    </testcase>");
    }

    private List<Finding> all(LintResult r, String migration) {
        return r.findings().stream().filter(f -> java.util.Objects.equals(f.migration(), migration)).toList();
    }

    private List<Finding> failing(LintResult r, String migration) {
        return all(r, migration).stream().filter(f -> f.severity().atLeast(failOn)).toList();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
