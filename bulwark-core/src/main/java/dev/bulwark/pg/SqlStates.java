package dev.bulwark.pg;

import java.sql.SQLException;

/**
 * SQLSTATE codes Bulwark acts on, named as in PostgreSQL's {@code errcodes.txt}, so code reads
 * {@code LOCK_NOT_AVAILABLE} instead of {@code "55P03"}.
 */
public final class SqlStates {
    // Class 08 — connection exception (08001/08004 are also what pgjdbc reports for its own failures)
    public static final String CONNECTION_EXCEPTION = "08000";
    public static final String CONNECTION_DOES_NOT_EXIST = "08003";
    public static final String CONNECTION_FAILURE = "08006";
    public static final String SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION = "08001";
    public static final String SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION = "08004";
    // Class 23 — integrity constraint violation
    public static final String NOT_NULL_VIOLATION = "23502";
    public static final String FOREIGN_KEY_VIOLATION = "23503";
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String CHECK_VIOLATION = "23514";
    public static final String EXCLUSION_VIOLATION = "23P01";
    // Class 25 — invalid transaction state
    public static final String ACTIVE_SQL_TRANSACTION = "25001";
    public static final String NO_ACTIVE_SQL_TRANSACTION = "25P01";
    public static final String IN_FAILED_SQL_TRANSACTION = "25P02";
    public static final String READ_ONLY_SQL_TRANSACTION = "25006";
    // Class 28 — invalid authorization specification
    public static final String INVALID_AUTHORIZATION = "28000";
    public static final String INVALID_PASSWORD = "28P01";
    // Class 3D — invalid catalog name
    public static final String INVALID_CATALOG_NAME = "3D000";
    // Class 3F — invalid schema name
    public static final String INVALID_SCHEMA_NAME = "3F000";
    // Class 40 — transaction rollback
    public static final String SERIALIZATION_FAILURE = "40001";
    public static final String DEADLOCK_DETECTED = "40P01";
    // Class 42 — syntax error or access rule violation
    public static final String SYNTAX_ERROR = "42601";
    public static final String INSUFFICIENT_PRIVILEGE = "42501";
    public static final String UNDEFINED_COLUMN = "42703";
    public static final String UNDEFINED_FUNCTION = "42883";
    public static final String UNDEFINED_TABLE = "42P01";
    public static final String UNDEFINED_OBJECT = "42704";
    public static final String DUPLICATE_COLUMN = "42701";
    public static final String DUPLICATE_DATABASE = "42P04";
    public static final String DUPLICATE_OBJECT = "42710";
    public static final String DUPLICATE_SCHEMA = "42P06";
    public static final String DUPLICATE_TABLE = "42P07";
    // Class 53 — insufficient resources
    public static final String TOO_MANY_CONNECTIONS = "53300";
    // Class 55 — object not in prerequisite state
    public static final String OBJECT_IN_USE = "55006";
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    // Class 57 — operator intervention
    public static final String QUERY_CANCELED = "57014";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String CRASH_SHUTDOWN = "57P02";
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String IDLE_SESSION_TIMEOUT = "57P05";

    private SqlStates() {
    }

    /** The first SQLSTATE in {@code error}'s cause chain, or null. */
    public static String of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** Whether {@code error} or one of its causes carries {@code sqlState}. */
    public static boolean is(Throwable error, String sqlState) {
        return sqlState.equals(of(error));
    }
}
