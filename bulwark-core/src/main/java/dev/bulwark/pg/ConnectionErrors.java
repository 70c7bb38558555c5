package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Turns a failed connection attempt into a one-line message that names the problem and what to
 * check. Built from the spec's parts, never from the URL text, and masked again on the way out
 * in case a server or driver message quotes something it should not.
 */
final class ConnectionErrors {
    private ConnectionErrors() {
    }

    static BulwarkException translate(ConnectionSpec spec, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String user = spec.user() == null ? System.getProperty("user.name") : spec.user();
        String where = spec.hostAndPort();
        String target = spec.target();
        String serverMessage = firstLine(e.getMessage());
        String message;
        String fix;
        switch (state) {
            case SqlStates.INVALID_PASSWORD -> {
                message = "password authentication failed for user " + user + " at " + target;
                fix = "check the password (PGPASSWORD, ~/.pgpass or the URL)";
            }
            case SqlStates.INVALID_AUTHORIZATION -> {
                message = "the server at " + where + " refused user " + user + " for database "
                        + database(spec, user) + ": " + serverMessage;
                fix = "check the user name, and that the server's pg_hba.conf allows this user, database and client address";
            }
            case SqlStates.INVALID_CATALOG_NAME -> {
                message = "database \"" + database(spec, user) + "\" does not exist on " + where;
                fix = "create it, or fix the database name in the URL (or PGDATABASE)";
            }
            case SqlStates.TOO_MANY_CONNECTIONS -> {
                message = "the server at " + where + " has no free connection slots: " + serverMessage;
                fix = "close idle sessions or raise max_connections, then retry";
            }
            case SqlStates.CANNOT_CONNECT_NOW -> {
                message = "the server at " + where + " is not accepting connections yet: " + serverMessage;
                fix = "retry when it has finished starting or recovering";
            }
            default -> {
                Throwable network = networkCause(e);
                if (network != null) {
                    message = "cannot reach " + where + " (" + reason(network) + ")";
                    fix = "is the server running, is the host right?";
                } else if (isMissingPassword(e)) {
                    message = "the server at " + where + " asks for a password for user " + user
                            + " and none was given";
                    fix = "set PGPASSWORD, add a line to ~/.pgpass, or put it in the URL";
                } else if (serverMessage.toLowerCase(Locale.ROOT).contains("timed out")) {
                    message = "cannot reach " + where + " (no answer within " + ConnectionSpec.LOGIN_TIMEOUT_SECONDS
                            + " s)";
                    fix = "is the server running, is the host right, does a firewall drop the connection?";
                } else {
                    message = "cannot connect to " + spec.masked() + ": " + serverMessage
                            + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
                    fix = "check the connection URL and that the server accepts this client";
                }
            }
        }
        return new BulwarkException(ErrorCode.DATABASE, Masking.mask(message), fix, e);
    }

    private static String database(ConnectionSpec spec, String user) {
        return spec.database() == null ? user : spec.database();
    }

    private static boolean isMissingPassword(SQLException e) {
        String text = String.valueOf(e.getMessage());
        return text.contains("but no password was provided");
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return t;
            }
        }
        return null;
    }

    private static String reason(Throwable network) {
        if (network instanceof UnknownHostException) {
            return "unknown host";
        }
        if (network instanceof SocketTimeoutException) {
            return "no answer within " + ConnectionSpec.CONNECT_TIMEOUT_SECONDS + " s";
        }
        if (network instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return "connection refused";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip();
        int newline = line.indexOf('\n');
        return Masking.mask(newline < 0 ? line : line.substring(0, newline).strip());
    }
}
