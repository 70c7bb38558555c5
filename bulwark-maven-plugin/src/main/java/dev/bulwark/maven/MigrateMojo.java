package dev.bulwark.maven;

import dev.bulwark.api.AppliedMigration;
import dev.bulwark.api.MigrateOptions;
import dev.bulwark.api.MigrationReport;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Applies the pending migrations to {@code bulwark.url} under Bulwark's lock timeout and retries. */
@Mojo(name = "migrate", threadSafe = true)
public class MigrateMojo extends AbstractBulwarkMojo {
    /** Stop at this version (inclusive); unset: all pending. */
    @Parameter(property = "bulwark.target")
    String target;

    @Parameter(property = "bulwark.dryRun", defaultValue = "false")
    boolean dryRun;

    @Override
    void run() throws MojoExecutionException {
        MigrateOptions options = MigrateOptions.defaults().withTarget(target);
        MigrationReport r = load().migrate(dryRun ? options.asDryRun() : options);
        r.dryRunSql().forEach(getLog()::info);
        for (AppliedMigration m : r.migrations()) {
            getLog().info("applied " + m.id() + " " + m.description() + " (" + m.duration().toMillis() + " ms)");
        }
        getLog().info("bulwark migrate: " + r.migrations().size() + " applied; at version " + r.currentVersion());
        if (r.stoppedAtPhaseBarrier()) {
            getLog().warn("bulwark migrate stopped at the phase barrier before " + r.waitingAtBarrier().get(0)
                    + " (-- bulwark:phase contract); not applied: " + String.join(", ", r.waitingAtBarrier())
                    + ". Once the application no longer needs the old schema, run bulwark migrate --phase contract");
        }
    }
}
