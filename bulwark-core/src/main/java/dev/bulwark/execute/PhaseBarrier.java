package dev.bulwark.execute;

import dev.bulwark.migration.Migration;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;

import java.util.List;

/**
 * Where migrate stopped on its own: before the first pending {@code -- bulwark:phase contract}
 * migration, because the contract phase runs only when asked ({@code --phase contract}). The one
 * place that decides where the barrier stands: migrate, deploy and status all ask it.
 *
 * @param id          the contract migration's id
 * @param description its description
 * @param waitingIds  the ids of the pending migrations from it on, itself first, that did not run
 */
public record PhaseBarrier(String id, String description, List<String> waitingIds) {
    public PhaseBarrier {
        waitingIds = List.copyOf(waitingIds);
    }

    /** How many pending migrations did not run, the contract migration included. */
    public int waiting() {
        return waitingIds.size();
    }

    /** One line for the user: where it stopped, why, and how to go on. */
    public String message() {
        return "Stopped at the phase barrier before " + id + " " + description + " (-- bulwark:phase contract; "
                + waiting() + " migration" + (waiting() == 1 ? "" : "s") + " waiting): release the application that no longer"
                + " needs the old schema, then run again with --phase contract";
    }

    /** The index of the first contract-phase migration in {@code pending} (in the order migrate runs them), or -1. */
    public static int indexIn(List<Migration> pending) {
        for (int i = 0; i < pending.size(); i++) {
            if (pending.get(i).options().contract()) {
                return i;
            }
        }
        return -1;
    }

    /** Where migrate stops on {@code pending} (in the order it runs them) without --phase contract, or null when nowhere. */
    public static PhaseBarrier in(List<Migration> pending) {
        int i = indexIn(pending);
        if (i < 0) {
            return null;
        }
        Migration m = pending.get(i);
        return new PhaseBarrier(m.id(), m.description(), pending.subList(i, pending.size()).stream().map(Migration::id).toList());
    }

    /** Where the barrier stands in a status listing: among the migrations migrate may still run ({@link #mayRun}). */
    public static PhaseBarrier inStatus(List<MigrationStatus> states) {
        return in(states.stream().filter(PhaseBarrier::mayRun).map(MigrationStatus::migration).toList());
    }

    /** A migration migrate may still run: pending, outdated (repeatable), failed (to resume) or out of order. */
    public static boolean mayRun(MigrationStatus s) {
        return s.migration() != null && (s.state() == MigrationState.PENDING || s.state() == MigrationState.OUTDATED
                || s.state() == MigrationState.FAILED || s.state() == MigrationState.OUT_OF_ORDER);
    }
}
