package dev.bulwark.maven;

import dev.bulwark.api.VerifyIssue;
import dev.bulwark.api.VerifyReport;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;

/** Checks the schema and data integrity of {@code bulwark.url}; fails on any finding. */
@Mojo(name = "verify", threadSafe = true)
public class VerifyMojo extends AbstractBulwarkMojo {
    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        VerifyReport r = load().verify();
        for (VerifyIssue i : r.issues()) {
            getLog().error(i.check() + " " + i.object() + ": " + i.message() + (i.fix() == null ? "" : " (" + i.fix() + ")"));
        }
        getLog().info("bulwark verify: " + r.tables() + " tables on " + r.database() + ", " + r.issues().size() + " findings");
        if (!r.clean()) {
            throw new MojoFailureException("bulwark verify: " + r.issues().size() + " integrity finding(s) on " + r.database());
        }
    }
}
