package dev.bulwark.execute;

import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The migration lock: a session-level advisory lock on a dedicated connection, taken by spinning
 * on {@code pg_try_advisory_lock}. Never a transaction-level lock (it would deadlock with
 * {@code CREATE INDEX CONCURRENTLY}, which waits for every older transaction), and never a
 * blocking {@code pg_advisory_lock} (a waiting run could not say who it waits for). The server
 * releases it when the holder's connection dies, so a killed run never leaves it behind.
 */
public final class AdvisoryLock implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(250);

    private final Connection connection;
    private final long key;
    private boolean held;

    private AdvisoryLock(Connection connection, long key) {
        this.connection = connection;
        this.key = key;
    }

    /** The lock key for a history table: stable across versions, distinct per table. */
    public static long keyFor(String qualifiedHistoryTable) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("bulwark:" + qualifiedHistoryTable).getBytes(StandardCharsets.UTF_8));
            long k = 0;
            for (int i = 0; i < 8; i++) {
                k = (k << 8) | (d[i] & 0xff);
            }
            return k;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Takes the lock, waiting up to {@code wait}. {@code onWait} is told who holds it, once, and
     * again whenever the holder changes.
     *
     * @throws BulwarkException LOCK_NOT_ACQUIRED when the wait runs out
     */
    public static AdvisoryLock acquire(Connection connection, long key, Duration wait, Consumer<LockHolder> onWait) {
        AdvisoryLock lock = new AdvisoryLock(connection, key);
        long deadline = System.nanoTime() + wait.toNanos();
        Integer lastPid = null;
        LockHolder lastHolder = null;
        try {
            while (true) {
                if (lock.tryLock()) {
                    return lock;
                }
                Optional<LockHolder> holder = holder(connection, key);
                if (holder.isPresent() && !Integer.valueOf(holder.get().pid()).equals(lastPid)) {
                    lastPid = holder.get().pid();
                    lastHolder = holder.get();
                    onWait.accept(holder.get());
                }
                if (System.nanoTime() >= deadline) {
                    throw new BulwarkException(ErrorCode.LOCK_NOT_ACQUIRED,
                            "another Bulwark run holds the migration lock"
                                    + (lastHolder != null ? ": " + lastHolder.describe() : "")
                                    + "; waited " + Durations.human(wait),
                            "wait for it to finish, or raise --lock-wait; if that session is stuck, end it with"
                                    + " SELECT pg_terminate_backend(" + (lastHolder != null ? lastHolder.pid() : "<pid>") + ")");
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot take the migration lock: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException(ErrorCode.LOCK_NOT_ACQUIRED, "interrupted while waiting for the migration lock", null, e);
        }
    }

    private boolean tryLock() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                held = rs.getBoolean(1);
                return held;
            }
        }
    }

    /** Who holds the lock right now, if anyone. A bigint key shows in pg_locks as classid (high half), objid (low half), objsubid 1. */
    public static Optional<LockHolder> holder(Connection connection, long key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT a.pid, a.usename, a.application_name, host(a.client_addr), a.backend_start, a.state, a.query "
                        + "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
                        + "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                        + "AND l.classid = ?::bigint::oid AND l.objid = ?::bigint::oid AND l.database = "
                        + "(SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())")) {
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xffffffffL);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LockHolder(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(), null, null));
            }
        }
    }

    @Override
    public void close() {
        if (!held) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.execute();
            held = false;
        } catch (SQLException e) {
            // the connection is going away; the server releases a session lock with it
        }
    }
}
