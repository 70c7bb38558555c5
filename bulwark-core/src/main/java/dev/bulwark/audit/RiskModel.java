package dev.bulwark.audit;

/**
 * How the audit weighs each kind of problem: a category for the risk matrix, the impact if it
 * happens and how likely it is to happen, each 1–3 (see {@link RiskLevel#of}).
 * <ul>
 *   <li>Impact 3: data is lost for good, a deploy cannot run at all, or a secret is exposed.
 *       2: an outage while a lock is held, or no way back after a bad deploy. 1: hygiene.</li>
 *   <li>Probability 3: it happens on every run (an empty Alembic file breaks every command; the
 *       password is already in git). 2: it happens in normal operation (a user is deleted, the
 *       table has rows, a long transaction is running). 1: only in an unusual situation.</li>
 * </ul>
 */
final class RiskModel {
    record Rating(String category, int impact, int probability, String impactLabel) {
        RiskLevel level() {
            return RiskLevel.of(impact, probability);
        }

        String probabilityLabel() {
            return switch (probability) {
                case 3 -> "certain";
                case 2 -> "likely";
                default -> "possible";
            };
        }
    }

    static final String CASCADES = "Cascade deletes";
    static final String CHAIN = "Broken migration chain";
    static final String DEPLOY = "Migrations that fail";
    static final String LOCKS = "Blocking DDL";
    static final String DATA_LOSS = "Data loss in migrations";
    static final String ROLLBACK = "Missing or lossy rollbacks";
    static final String SECRETS = "Credentials in committed files";
    static final String CONFIG = "Unsafe migration settings";
    static final String KEYS = "Foreign keys";
    static final String HYGIENE = "Type hygiene";
    static final String SUPPRESSIONS = "Suppressions";
    static final String COMPLEX = "Complex migrations";

    private RiskModel() {
    }

    /**
     * @param criticalChild the rule is about a foreign key or table whose rows are critical
     * @param alembicFile   an Alembic file that breaks every alembic command (not a merely empty SQL file)
     */
    static Rating rate(String rule, boolean criticalChild, boolean alembicFile) {
        return switch (rule) {
            case "cascade-delete" -> new Rating(CASCADES, criticalChild ? 3 : 2, 2, "data loss");
            case "cascade-chain" -> new Rating(CASCADES, criticalChild ? 3 : 2, 2, "data loss");
            case "drop-cascade" -> new Rating(CASCADES, 3, 2, "data loss");
            case "empty-migration" -> alembicFile ? new Rating(CHAIN, 3, 3, "every alembic command fails")
                    : new Rating(CHAIN, 1, 2, "confusing history");
            case "multiple-heads", "missing-parent", "duplicate-version", "version-too-long" ->
                    new Rating(CHAIN, 3, 3, "deploys fail");
            case "add-required-column", "concurrently-in-transaction", "dialect-mismatch" ->
                    new Rating(DEPLOY, 3, 2, "deploy fails");
            case "unique-may-fail" -> new Rating(DEPLOY, 2, 1, "deploy fails");
            case "transaction-control" -> new Rating(DEPLOY, 2, 2, "half-applied migration");
            case "truncate" -> new Rating(DATA_LOSS, 3, 2, "data loss");
            case "drop-table", "drop-column" -> new Rating(DATA_LOSS, criticalChild ? 3 : 2, 2, "data loss");
            case "unbounded-dml" -> new Rating(LOCKS, 2, 2, "every row locked, long transaction");
            case "missing-down", "no-rollback-path" -> new Rating(ROLLBACK, 2, criticalChild ? 2 : 1, "no way back");
            case "irreversible-down" -> new Rating(ROLLBACK, 3, 1, "rollback destroys data");
            case "data-losing-down" -> new Rating(ROLLBACK, 3, 1, "rollback destroys data");
            case "hardcoded-credentials" -> new Rating(SECRETS, 3, 3, "credential leak");
            case "single-transaction" -> new Rating(CONFIG, 2, 2, "locks held across migrations");
            case "no-migration-lock" -> new Rating(CONFIG, 2, 1, "migration applied twice");
            case "large-migration" -> new Rating(COMPLEX, 1, 2, "migration failure, hard review");
            case "missing-lock-timeout" -> new Rating(LOCKS, 2, 2, "outage (lock queue)");
            case "fk-without-index" -> new Rating(KEYS, 2, 2, "slow deletes, long locks");
            case "update-cascade" -> new Rating(KEYS, 1, 2, "row locks on key change");
            case "prefer-jsonb", "prefer-timestamptz", "prefer-bigint", "prefer-identity", "prefer-text" ->
                    new Rating(HYGIENE, 1, 1, "overflow and time-zone bugs later");
            case "unused-suppression" -> new Rating(SUPPRESSIONS, 1, 1, "stale ignore");
            case "suppression-without-reason" -> new Rating(SUPPRESSIONS, 1, 2, "hidden finding");
            case "validate-in-same-transaction", "statements-after-access-exclusive", "several-hot-tables",
                 "exclusion-constraint", "require-concurrent-reindex", "detach-partition", "refresh-matview",
                 "require-concurrent-index-drop" -> new Rating(LOCKS, 2, 1, "outage (lock held)");
            case "trigger-on-existing", "enum-change" -> new Rating(LOCKS, 1, 2, "short outage");
            // require-concurrent-index, constraint-not-valid, unique-without-index, set-not-null, volatile-default,
            // column-type-rewrite, rewrite-table, partitioned-index, rename and anything new: writes blocked while it runs
            default -> new Rating(LOCKS, 2, 2, "outage (writes blocked)");
        };
    }
}
