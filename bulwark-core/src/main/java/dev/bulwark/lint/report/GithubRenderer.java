package dev.bulwark.lint.report;

import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintResult;

import java.io.PrintWriter;
import java.nio.file.Path;

/** GitHub Actions workflow commands: {@code ::error file=…,line=…,col=…,title=…::message}. */
public final class GithubRenderer {
    private final Path base;

    public GithubRenderer(Path base) {
        this.base = base;
    }

    public void render(LintResult result, PrintWriter out) {
        for (Finding f : result.findings()) {
            String level = switch (f.severity()) {
                case ERROR -> "error";
                case WARNING -> "warning";
                case INFO -> "notice";
            };
            out.println("::" + level + " file=" + prop(Paths.show(f.file(), base)) + ",line=" + f.line() + ",col=" + f.column()
                    + ",endColumn=" + (f.column() + f.length()) + ",title=" + prop("bulwark " + f.ruleId() + (f.part() == Finding.Part.DOWN ? " (down)" : "")) + "::"
                    + data(f.message() + "\nhelp: " + f.help()));
        }
        out.flush();
    }

    private static String data(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String prop(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }
}
