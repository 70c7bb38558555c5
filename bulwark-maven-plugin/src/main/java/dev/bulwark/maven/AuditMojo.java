package dev.bulwark.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;

/** Writes the migration set's audit, one self-contained HTML page, to {@code target/bulwark/audit.html}. */
@Mojo(name = "audit", threadSafe = true)
public class AuditMojo extends AbstractBulwarkMojo {
    @Override
    void run() throws MojoExecutionException {
        getLog().info("bulwark audit: wrote " + write("audit.html", load().auditHtml()));
    }
}
