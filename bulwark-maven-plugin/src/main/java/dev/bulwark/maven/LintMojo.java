package dev.bulwark.maven;

import dev.bulwark.api.FluentConfiguration;
import dev.bulwark.api.LintFormat;
import dev.bulwark.api.LintIssue;
import dev.bulwark.api.LintReport;
import dev.bulwark.api.Severity;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.Locale;

/**
 * Lints the migrations (no database needed), writes {@code lint.sarif} and {@code TEST-bulwark-lint.xml}
 * (JUnit) into {@code target/bulwark/}, and fails the build when a finding is at or above the
 * project's {@code fail_on} level.
 */
@Mojo(name = "lint", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class LintMojo extends AbstractBulwarkMojo {
    /** error, warning or info; unset: {@code [lint] fail_on} of bulwark.toml, else error. */
    @Parameter(property = "bulwark.failOn")
    String failOn;

    @Override
    FluentConfiguration configuration() throws MojoExecutionException {
        FluentConfiguration c = super.configuration();
        if (failOn != null && !failOn.isBlank()) {
            try {
                c.lintFailOn(Severity.valueOf(failOn.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new MojoExecutionException("bulwark failOn '" + failOn + "' is unknown: use error, warning or info");
            }
        }
        return c;
    }

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        LintReport report = load().lint();
        write("lint.sarif", report.render(LintFormat.SARIF));
        write("TEST-bulwark-lint.xml", report.render(LintFormat.JUNIT));
        for (LintIssue i : report.issues()) {
            String line = i.describe() + (i.help() == null ? "" : " (" + i.help() + ")");
            if (i.severity().atLeast(report.failOn())) {
                getLog().error(line);
            } else {
                getLog().warn(line);
            }
        }
        getLog().info("bulwark lint: " + report.migrations() + " migrations, " + report.count(Severity.ERROR) + " errors, "
                + report.count(Severity.WARNING) + " warnings, " + report.count(Severity.INFO) + " infos; reports in " + outputDirectory);
        if (report.failed()) {
            throw new MojoFailureException("bulwark lint: " + report.issues().stream().filter(i -> i.severity().atLeast(report.failOn())).count()
                    + " finding(s) at " + report.failOn().name().toLowerCase(Locale.ROOT) + " or above (fail_on); see above or " + outputDirectory.toPath().resolve("lint.sarif"));
        }
    }
}
