package dev.bulwark.pg;

import java.sql.Connection;
import java.util.Map;

/**
 * API placeholder (lands on the {@code pg} branch): where and how to connect.
 *
 * @param jdbcUrl    {@code jdbc:postgresql://host:port/db?…} with no password in it
 * @param user       user name, or null for the driver default
 * @param password   password, or null; never printed
 * @param properties extra driver properties (sslmode…)
 */
public record ConnectionSpec(String jdbcUrl, String user, String password, Map<String, String> properties) {

    /** URL and user for messages, password masked. */
    public String masked() {
        throw new UnsupportedOperationException("not yet merged");
    }

    /** Opens a connection with application_name set; failures become BulwarkException(DATABASE) with a masked message. */
    public Connection open(String applicationName) {
        throw new UnsupportedOperationException("not yet merged");
    }

    /** The same server and credentials, another database. */
    public ConnectionSpec withDatabase(String database) {
        throw new UnsupportedOperationException("not yet merged");
    }
}
