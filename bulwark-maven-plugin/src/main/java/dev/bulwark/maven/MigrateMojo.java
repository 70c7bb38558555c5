package dev.bulwark.maven;

import dev.bulwark.api.AppliedMigration;
import dev.bulwark.api.MigrateOptions;
import dev.bulwark.api.MigrationReport;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Applies the pending migrations to {@code bulwark.url} under Bulwark's lock timeout and retries.
 *
 * <p>Like {@code bulwark migrate}, it stops before the first pending {@code -- bulwark:phase contract}
 * migration and warns, naming the ones that wait: the application release between the expand and
 * the contract phase is yours. Once no running instance needs the old schema, run it again with
 * {@code -Dbulwark.contractPhase=true} (or {@code <contractPhase>true</contractPhase>}) to apply
 * them too, as {@code bulwark migrate --phase contract} does.
 */
@Mojo(name = "migrate", threadSafe = true)
public class MigrateMojo extends AbstractBulwarkMojo {
    /** Stop at this version (inclusive); unset: all pending. */
    @Parameter(property = "bulwark.target")
    String target;

    @Parameter(property = "bulwark.dryRun", defaultValue = "false")
    boolean dryRun;

    /**
     * Run the {@code -- bulwark:phase contract} migrations too ({@code MigrateOptions.includingContractPhase()},
     * the starter's {@code spring.bulwark.contract-phase}). Off: migrate stops at the phase barrier with a warning.
     */
    @Parameter(property = "bulwark.contractPhase", defaultValue = "false")
    boolean contractPhase;

    @Override
    void run() throws MojoExecutionException {
        MigrateOptions options = MigrateOptions.defaults().withTarget(target);
        if (contractPhase) {
            options = options.includingContractPhase();
        }
        MigrationReport r = load().migrate(dryRun ? options.asDryRun() : options);
        r.dryRunSql().forEach(getLog()::info);
        for (AppliedMigration m : r.migrations()) {
            getLog().info("applied " + m.id() + " " + m.description() + " (" + m.duration().toMillis() + " ms)");
        }
        getLog().info("bulwark migrate: " + r.migrations().size() + " applied; at version " + r.currentVersion());
        if (r.stoppedAtPhaseBarrier()) {
            getLog().warn("bulwark migrate stopped at the phase barrier before " + r.waitingAtBarrier().get(0)
                    + " (-- bulwark:phase contract); not applied: " + String.join(", ", r.waitingAtBarrier())
                    + ". Once the application no longer needs the old schema, run mvn bulwark:migrate -Dbulwark.contractPhase=true"
                    + " (or bulwark migrate --phase contract)");
        }
    }
}
