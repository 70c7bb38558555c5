package dev.bulwark.trace;

import dev.bulwark.sql.Statement;

import java.util.List;

/**
 * What one statement did on the server.
 *
 * @param transactional ran inside the migration's transaction, where locks can be read after it
 * @param traced        false when PostgreSQL gives no way to see what it held (autocommit statements
 *                      release their locks on return); {@code note} says what was seen instead
 * @param locks         relation locks newly held on relations that existed before the migration
 * @param held          every relation lock held once the statement is done, taken by it or earlier in its
 *                      transaction: what other sessions wait for while it runs
 * @param rewritten     relations whose storage was rewritten ({@code relfilenode} changed), existing ones only
 * @param scans         existing tables read sequentially
 * @param error         the server's message when the statement failed, else null
 */
public record StatementTrace(Statement statement, int index, boolean transactional, boolean traced, long durationMs,
                             List<LockTaken> locks, List<LockTaken> held, List<String> rewritten, List<ScanObserved> scans,
                             String note, String error) {
    public StatementTrace {
        locks = List.copyOf(locks);
        held = List.copyOf(held);
        rewritten = List.copyOf(rewritten);
        scans = List.copyOf(scans);
    }

    public boolean failed() {
        return error != null;
    }

    /** True when the statement itself took ACCESS EXCLUSIVE on an existing relation. */
    public boolean holdsAccessExclusive() {
        return locks.stream().anyMatch(LockTaken::blocksReads);
    }
}
