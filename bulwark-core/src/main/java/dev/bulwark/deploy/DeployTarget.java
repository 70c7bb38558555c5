package dev.bulwark.deploy;

import dev.bulwark.BulwarkConfig;
import dev.bulwark.execute.MigrateResult;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.plan.MigrationStatus;

import java.util.List;

/**
 * The operations {@link Preflight} and {@link Deployer} need from the database they deploy to.
 * The facade ({@code dev.bulwark.Bulwark}) implements it, so deploy depends on this contract and
 * never on the facade: the dependency runs one way, facade to operations.
 */
public interface DeployTarget {
    BulwarkConfig config();

    /** The target's connection settings (they hold the password: never print them, use {@link #targetDescription}). */
    ConnectionSpec target();

    /** The target, password masked, for messages. */
    String targetDescription();

    boolean isEmbedded();

    MigrationSet migrations();

    List<MigrationStatus> status();

    MigrateResult migrate(String to, boolean dryRun, boolean allowOutOfOrder);

    MigrateResult rollback(Integer steps, String to, boolean dryRun);

    /** Whether migrate runs {@code -- bulwark:phase contract} migrations (else it stops before the first pending one). */
    default boolean contractPhaseAllowed() {
        return false;
    }

    /**
     * The pending migrations migrate would run now: all of {@code pending}, or those before the
     * first contract-phase migration when the contract phase is not allowed.
     */
    default List<dev.bulwark.migration.Migration> beforeBarrier(List<dev.bulwark.migration.Migration> pending) {
        int barrier = contractPhaseAllowed() ? -1 : dev.bulwark.execute.PhaseBarrier.indexIn(pending);
        return barrier < 0 ? pending : pending.subList(0, barrier);
    }

    /** Cancels the statement running now: its transaction rolls back and releases its locks. */
    void cancel();

    /** Closes the sessions on the target; the next operation opens new ones. */
    void releaseConnections();
}
