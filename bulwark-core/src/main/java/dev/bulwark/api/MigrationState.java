package dev.bulwark.api;

/** Where one migration stands, reconciling the files with the database's history. */
public enum MigrationState {
    /** applied and unchanged since */
    APPLIED,
    /** covered by a baseline: the database had it before Bulwark managed it */
    BASELINE,
    /** not applied yet */
    PENDING,
    /** not applied, but sorts before applied migrations */
    OUT_OF_ORDER,
    /** a repeatable migration whose file changed since it last ran */
    OUTDATED,
    /** failed or was interrupted with part of it applied */
    FAILED,
    /** another run is applying it right now */
    RUNNING,
    /** applied, but its file changed since */
    EDITED,
    /** recorded as applied, but its file is gone */
    MISSING;

    public boolean isApplied() {
        return this == APPLIED || this == BASELINE || this == EDITED || this == MISSING;
    }

    /** Failed, edited after apply or missing: something a human must look at. */
    public boolean isProblem() {
        return this == FAILED || this == EDITED || this == MISSING;
    }
}
