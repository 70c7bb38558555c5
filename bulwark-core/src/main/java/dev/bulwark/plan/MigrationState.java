package dev.bulwark.plan;

/** Where one migration stands, reconciling the files with the history tables. */
public enum MigrationState {
    /** applied and unchanged since */
    APPLIED("applied"),
    /** covered by a baseline: the database had it before Bulwark managed it */
    BASELINE("baseline"),
    /** not applied yet */
    PENDING("pending"),
    /** not applied, but sorts before applied migrations: someone merged it late */
    OUT_OF_ORDER("out of order"),
    /** a repeatable migration whose file changed since it last ran */
    OUTDATED("outdated"),
    /** failed or was interrupted with part of it applied */
    FAILED("failed"),
    /** another run is applying it right now (it holds the migration lock) */
    RUNNING("running"),
    /** applied, but the file's SHA-256 differs from the one recorded */
    EDITED("edited after apply"),
    /** recorded as applied, but its file is gone */
    MISSING("file missing");

    private final String label;

    MigrationState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean isApplied() {
        return this == APPLIED || this == BASELINE || this == EDITED || this == MISSING;
    }
}
