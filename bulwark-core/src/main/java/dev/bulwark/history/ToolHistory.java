package dev.bulwark.history;

import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * The history table of the tool that owns a migration folder (Flyway, golang-migrate, dbmate,
 * Prisma, Drizzle). Bulwark writes it exactly as that tool would, in the same transaction as the
 * migration when there is one, so that running the other tool afterwards sees the right state:
 * nothing pending that was applied, nothing applied that was rolled back, a failure flagged the
 * way that tool flags it (Flyway {@code success=false}, golang-migrate {@code dirty}, Prisma an
 * unfinished row).
 */
public interface ToolHistory {

    /**
     * Every table a migration tool keeps its history in (Alembic's too, which {@code deploy --exec}
     * runs): applying or reverting a migration changes their rows by design, so a deploy's data
     * comparison does not count that as an unexpected change. One list, so that a new format's
     * table cannot be forgotten there.
     */
    Set<String> TABLES = Set.of(FlywayHistory.TABLE, GolangMigrateHistory.TABLE /* dbmate's too */, PrismaHistory.TABLE,
            DrizzleHistory.TABLE, DieselHistory.TABLE, GooseHistory.TABLE, LiquibaseHistory.TABLE, LiquibaseHistory.LOCK_TABLE,
            "alembic_version");

    /** Table name for messages. */
    String table();

    void ensure(Connection c) throws SQLException;

    /** What the tool records for the migrations it knows, keyed by {@link #key(Migration)}; empty if the table is missing. */
    Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException;

    /** The key a migration has in {@link #read}. */
    default String key(Migration m) {
        return m.toolName();
    }

    /** Called before the first statement runs (golang-migrate marks the version dirty, Prisma inserts an unfinished row). */
    default void started(Connection c, Migration m) throws SQLException {
    }

    void succeeded(Connection c, Migration m, long durationMs) throws SQLException;

    /** Called, outside any transaction, when a migration failed and part of it stays applied. */
    void failed(Connection c, Migration m, long durationMs, String error) throws SQLException;

    /**
     * A baseline covers {@code m}: the database already has it. Recorded as the tool records a
     * migration it applied, so the tool run afterwards does not run it again.
     */
    default void adopted(Connection c, Migration m) throws SQLException {
        started(c, m);
        succeeded(c, m, 0);
    }

    /** The down ran: the migration is no longer applied. {@code previous} is the migration now current, or null. */
    void rolledBack(Connection c, Migration m, Migration previous) throws SQLException;

    /**
     * Takes the tool's own lock on its history for a run that changes the database (Liquibase's
     * {@code DATABASECHANGELOGLOCK}), or refuses while another holds it. Most tools have none.
     */
    default Held lock(Connection c) throws SQLException {
        return () -> {
        };
    }

    /** A tool's lock, released by {@link #close}. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** What the other tool thinks of one migration. */
    enum ToolState {
        APPLIED,
        FAILED,
        /** a repeatable migration applied, whose file changed since: the tool runs it again */
        OUTDATED
    }

    static ToolHistory forFormat(MigrationFormat format, String schema) {
        return switch (format) {
            case FLYWAY -> new FlywayHistory(schema);
            case GOLANG_MIGRATE -> new GolangMigrateHistory(schema);
            case DBMATE -> new DbmateHistory(schema);
            case PRISMA -> new PrismaHistory(schema);
            case DRIZZLE -> new DrizzleHistory();
            case BULWARK, ALEMBIC -> null;
            case DIESEL -> new DieselHistory(schema);
            case GOOSE -> new GooseHistory(schema);
            case LIQUIBASE -> new LiquibaseHistory(schema);
        };
    }
}
