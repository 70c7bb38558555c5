package dev.bulwark.lint;

import dev.bulwark.plan.MigrationStatus;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to lint.
 *
 * @param pgVersion       PostgreSQL major version the migrations will run on
 * @param severities      per-rule overrides; an empty Optional turns the rule off
 * @param protectedTables tables a cascade must never reach (cascade-chain)
 * @param history         the state of each migration on a target database (from {@code --url}),
 *                        empty when lint runs without one; out-of-order and edited-after-apply need it
 * @param subscribedTables the tables the target database receives through a logical replication
 *                         subscription (from {@code --url}, as the schema model names them), empty
 *                         when it subscribes to nothing or lint runs without one; breaks-subscription needs it
 */
public record LintOptions(int pgVersion, Map<String, Optional<Severity>> severities, List<String> protectedTables,
                          List<MigrationStatus> history, java.util.Set<String> subscribedTables) {
    public static final int DEFAULT_PG_VERSION = 15;
    /** Tables whose rows are records of money or audit trails: a cascade reaching them is reported as such. */
    public static final List<String> DEFAULT_PROTECTED = List.of("payments", "invoices", "transactions", "ledger",
            "ledger_entries", "audit_log", "audit_logs", "orders", "subscriptions");

    public LintOptions {
        severities = Map.copyOf(severities);
        protectedTables = List.copyOf(protectedTables);
        history = List.copyOf(history);
        subscribedTables = java.util.Set.copyOf(subscribedTables);
    }

    public LintOptions(int pgVersion, Map<String, Optional<Severity>> severities, List<String> protectedTables,
                       List<MigrationStatus> history) {
        this(pgVersion, severities, protectedTables, history, java.util.Set.of());
    }

    public LintOptions(int pgVersion, Map<String, Optional<Severity>> severities, List<String> protectedTables) {
        this(pgVersion, severities, protectedTables, List.of());
    }

    public static LintOptions defaults() {
        return new LintOptions(DEFAULT_PG_VERSION, Map.of(), DEFAULT_PROTECTED);
    }

    public LintOptions withPgVersion(int v) {
        return new LintOptions(v, severities, protectedTables, history, subscribedTables);
    }

    public LintOptions withHistory(List<MigrationStatus> statuses) {
        return new LintOptions(pgVersion, severities, protectedTables, statuses, subscribedTables);
    }

    public LintOptions withSubscribedTables(java.util.Set<String> tables) {
        return new LintOptions(pgVersion, severities, protectedTables, history, tables);
    }
}
