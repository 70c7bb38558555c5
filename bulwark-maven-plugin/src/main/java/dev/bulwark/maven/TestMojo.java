package dev.bulwark.maven;

import dev.bulwark.api.RehearsalReport;
import dev.bulwark.api.RehearseOptions;
import dev.bulwark.api.RehearsedMigration;
import dev.bulwark.api.TraceIssue;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Rehearses every migration, up → down → up, on a throwaway database: on the embedded server
 * (no database needed), or on the server of {@code bulwark.url} when given. Fails on a failed
 * statement, a failed round trip or an error in the server's trace.
 */
@Mojo(name = "test", threadSafe = true)
public class TestMojo extends AbstractBulwarkMojo {
    @Parameter(property = "bulwark.sampleRows", defaultValue = "0")
    int sampleRows;

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        RehearsalReport r = load().rehearse(new RehearseOptions(sampleRows));
        for (RehearsedMigration m : r.migrations()) {
            getLog().info(m.id() + " " + m.description() + ": " + m.statements() + (m.statements() == 1 ? " statement" : " statements") + ", round trip "
                    + (m.roundTrip() == null ? "not run" : m.roundTrip()) + (m.failed() ? " — FAILED" : ""));
            for (TraceIssue t : m.issues()) {
                getLog().warn("  " + t.severity().name().toLowerCase(java.util.Locale.ROOT) + " " + t.rule() + " at " + t.position() + ": " + t.message());
            }
        }
        getLog().info("bulwark test: rehearsed " + r.migrations().size() + " migrations on PostgreSQL " + r.serverVersion()
                + " in " + r.duration().toMillis() + " ms");
        if (r.failed()) {
            throw new MojoFailureException("bulwark test: rehearsal failed:\n" + r.describeFailures());
        }
    }
}
