package dev.bulwark.pg;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where and how to connect.
 *
 * @param jdbcUrl    {@code jdbc:postgresql://host:port/db?…} with no password in it
 * @param user       user name, or null for the driver default
 * @param password   password, or null; never printed
 * @param properties extra driver properties (sslmode…)
 */
public record ConnectionSpec(String jdbcUrl, String user, String password, Map<String, String> properties) {
    /** Seconds to wait for the TCP connection; an unreachable host fails fast instead of hanging. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** Seconds for the whole login (TLS and authentication included). */
    static final int LOGIN_TIMEOUT_SECONDS = 30;

    public ConnectionSpec {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        // whatever this process connects with is masked in every line it writes
        Masking.remember(password);
        Masking.remember(properties.get("password"));
    }

    /** A spec for {@code host:port/database}; the URL is built with IPv6 brackets and encoding as needed. */
    public static ConnectionSpec of(String host, int port, String database, String user, String password) {
        return new ConnectionSpec(ConnectionUrl.jdbcUrl(host, port, database), user, password, Map.of());
    }

    /** The host of the JDBC URL ({@code localhost} when it names none). */
    public String host() {
        String host = parsed().host();
        return host == null ? "localhost" : host;
    }

    /** The port of the JDBC URL (5432 when it names none). */
    public int port() {
        Integer port = parsed().port();
        return port == null ? 5432 : port;
    }

    /** The database of the JDBC URL, or null when it names none (the driver then uses the user name). */
    public String database() {
        return parsed().database();
    }

    /** URL and user for messages, password masked. */
    public String masked() {
        ConnectionUrl url = parsed();
        StringBuilder out = new StringBuilder("postgresql://");
        String shownUser = user != null ? user : url.user();
        boolean hasPassword = password != null || url.password() != null || properties.containsKey("password");
        if (shownUser != null) {
            out.append(shownUser);
        }
        if (hasPassword) {
            out.append(':').append(Masking.MASK);
        }
        if (shownUser != null || hasPassword) {
            out.append('@');
        }
        out.append(hostAndPort());
        if (url.database() != null) {
            out.append('/').append(url.database());
        }
        Map<String, String> query = new TreeMap<>(url.params());
        query.putAll(properties);
        query.remove("user");
        query.remove("password");
        if (!query.isEmpty()) {
            StringBuilder params = new StringBuilder();
            query.forEach((key, value) -> params.append(params.length() == 0 ? "?" : "&").append(key).append('=')
                    .append(isSecret(key) ? Masking.MASK : value));
            out.append(params);
        }
        return Masking.mask(out.toString());
    }

    /** {@code host:port/db}, for messages. */
    public String target() {
        String database = database();
        return hostAndPort() + "/" + (database == null ? (user == null ? "" : user) : database);
    }

    /** Opens a connection with application_name set; failures become BulwarkException(DATABASE) with a masked message. */
    public Connection open(String applicationName) {
        Properties driver = new Properties();
        driver.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        driver.setProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
        properties.forEach(driver::setProperty);
        if (user != null) {
            driver.setProperty("user", user);
        }
        if (password != null) {
            driver.setProperty("password", password);
        }
        // Every session is named, so it can be found in pg_stat_activity and in lock reports.
        driver.setProperty("ApplicationName", applicationName == null || applicationName.isBlank()
                ? "bulwark" : applicationName);
        try {
            return DriverManager.getConnection(jdbcUrl, driver);
        } catch (SQLException e) {
            throw ConnectionErrors.translate(this, e);
        }
    }

    /** The same server, database and credentials, with this driver property set (replacing one of that name). */
    public ConnectionSpec withProperty(String name, String value) {
        Map<String, String> props = new java.util.LinkedHashMap<>(properties);
        props.put(name, value);
        return new ConnectionSpec(jdbcUrl, user, password, props);
    }

    /** The same server and credentials, another database. */
    public ConnectionSpec withDatabase(String database) {
        Objects.requireNonNull(database, "database");
        ConnectionUrl url = parsed();
        String rebuilt = ConnectionUrl.jdbcUrl(host(), port(), database);
        int query = jdbcUrl.indexOf('?');
        if (query >= 0) {
            rebuilt += jdbcUrl.substring(query); // parameters someone put in the URL itself stay
        }
        String keptUser = user != null ? user : url.user();
        return new ConnectionSpec(rebuilt, keptUser, password, properties);
    }

    /**
     * The libpq environment for an external tool ({@code pg_dump}, {@code psql}, another
     * migration tool): host, port, database, user, password and TLS settings. The password goes
     * in {@code PGPASSWORD}, never on a command line, where {@code ps} would show it.
     */
    public Map<String, String> libpqEnvironment() {
        ConnectionUrl url = parsed();
        Map<String, String> env = new TreeMap<>();
        env.put("PGHOST", host());
        env.put("PGPORT", String.valueOf(port()));
        if (database() != null) {
            env.put("PGDATABASE", database());
        }
        String u = user != null ? user : url.user();
        if (u != null) {
            env.put("PGUSER", u);
        }
        String pw = password != null ? password : url.password() != null ? url.password() : properties.get("password");
        if (pw != null) {
            env.put("PGPASSWORD", pw);
        }
        Map<String, String> params = new TreeMap<>(url.params());
        params.putAll(properties);
        Map<String, String> libpq = Map.of("sslmode", "PGSSLMODE", "sslrootcert", "PGSSLROOTCERT", "sslcert", "PGSSLCERT",
                "sslkey", "PGSSLKEY", "options", "PGOPTIONS", "connectTimeout", "PGCONNECT_TIMEOUT");
        params.forEach((k, v) -> {
            String name = libpq.get(k);
            if (name != null) {
                env.put(name, v);
            }
        });
        env.put("PGAPPNAME", "bulwark");
        return env;
    }

    /** Never the password: records print all components by default. */
    @Override
    public String toString() {
        return "ConnectionSpec[" + masked() + "]";
    }

    String hostAndPort() {
        return ConnectionUrl.hostForUrl(host()) + ":" + port();
    }

    private ConnectionUrl parsed() {
        return ConnectionUrl.parse(jdbcUrl);
    }

    private static boolean isSecret(String key) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("password") || lower.contains("passwd") || lower.equals("pwd");
    }
}
