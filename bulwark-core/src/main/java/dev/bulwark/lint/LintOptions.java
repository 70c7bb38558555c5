package dev.bulwark.lint;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to lint.
 *
 * @param pgVersion       PostgreSQL major version the migrations will run on
 * @param severities      per-rule overrides; an empty Optional turns the rule off
 * @param protectedTables tables a cascade must never reach (cascade-chain)
 */
public record LintOptions(int pgVersion, Map<String, Optional<Severity>> severities, List<String> protectedTables) {
    public static final int DEFAULT_PG_VERSION = 15;
    /** Tables whose rows are records of money or audit trails: a cascade reaching them is an error. */
    public static final List<String> DEFAULT_PROTECTED = List.of("payments", "invoices", "transactions", "ledger",
            "ledger_entries", "audit_log", "audit_logs", "orders", "subscriptions");

    public LintOptions {
        severities = Map.copyOf(severities);
        protectedTables = List.copyOf(protectedTables);
    }

    public static LintOptions defaults() {
        return new LintOptions(DEFAULT_PG_VERSION, Map.of(), DEFAULT_PROTECTED);
    }

    public LintOptions withPgVersion(int v) {
        return new LintOptions(v, severities, protectedTables);
    }
}
