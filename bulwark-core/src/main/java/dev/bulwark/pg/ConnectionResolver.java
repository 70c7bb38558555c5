package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which database a command talks to.
 *
 * <p>The first of these that is given wins: {@code --url}, {@code DATABASE_URL}, the PG*
 * variables (when any of PGHOST, PGHOSTADDR, PGPORT, PGDATABASE or PGUSER is set), the
 * configuration file's {@code url}. None: the embedded server. As in libpq, what the chosen URL
 * leaves out is filled from the PG* variables and then from defaults (localhost, 5432, the OS user,
 * a database named like the user), and a missing password comes from PGPASSWORD and then the
 * password file. PGAPPNAME is ignored: every Bulwark session names itself.
 */
public final class ConnectionResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionResolver.class);

    /** Variables that choose a server by themselves; PGPASSWORD or PGSSLMODE alone only refine one. */
    private static final List<String> SELECTING_VARIABLES = List.of("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER");

    /** libpq variables that become driver properties when the URL does not set them. */
    private static final Map<String, String> PROPERTY_VARIABLES = Map.of(
            "PGSSLMODE", "sslmode",
            "PGSSLROOTCERT", "sslrootcert",
            "PGSSLCERT", "sslcert",
            "PGSSLKEY", "sslkey",
            "PGCONNECT_TIMEOUT", "connectTimeout");

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private ConnectionResolver() {
    }

    /**
     * @param urlOption  {@code --url}, or null
     * @param env        the environment ({@code System.getenv()} in production)
     * @param configUrl  the configuration file's {@code url}, may hold {@code ${VAR}} references; or null
     * @param pgpassFile the password file to consult (see {@link #defaultPgpassFile(Map)}), or null for none
     * @return the connection, or empty for "use the embedded server"
     */
    public static Optional<ConnectionSpec> resolve(String urlOption, Map<String, String> env, String configUrl,
                                                   Path pgpassFile) {
        Map<String, String> environment = env == null ? Map.of() : env;
        ConnectionUrl url;
        String source;
        if (isSet(urlOption)) {
            url = ConnectionUrl.parse(urlOption);
            source = "--url";
        } else if (isSet(environment.get("DATABASE_URL"))) {
            url = ConnectionUrl.parse(environment.get("DATABASE_URL"));
            source = "DATABASE_URL";
        } else if (SELECTING_VARIABLES.stream().anyMatch(name -> isSet(environment.get(name)))) {
            url = new ConnectionUrl(null, null, null, null, null, Map.of());
            source = "PG* variables";
        } else if (isSet(configUrl)) {
            url = ConnectionUrl.parse(expand(configUrl, environment));
            source = "the configuration file";
        } else {
            return Optional.empty();
        }
        ConnectionSpec spec = complete(url, environment, pgpassFile);
        LOG.debug("Connecting to {} (from {})", spec.masked(), source);
        return Optional.of(spec);
    }

    /** {@code PGPASSFILE}, else {@code ~/.pgpass} ({@code %APPDATA%\postgresql\pgpass.conf} on Windows), as libpq. */
    public static Path defaultPgpassFile(Map<String, String> env) {
        String explicit = env.get("PGPASSFILE");
        if (isSet(explicit)) {
            return Path.of(explicit);
        }
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") && isSet(env.get("APPDATA"))) {
            return Path.of(env.get("APPDATA"), "postgresql", "pgpass.conf");
        }
        return Path.of(System.getProperty("user.home"), ".pgpass");
    }

    private static ConnectionSpec complete(ConnectionUrl url, Map<String, String> env, Path pgpassFile) {
        String host = first(url.host(), env.get("PGHOST"), env.get("PGHOSTADDR"), "localhost");
        if (host.indexOf(',') >= 0) {
            throw BulwarkException.usage("PGHOST names several hosts (" + host + "), which Bulwark does not support",
                    "set it to the one host to migrate (the primary)");
        }
        int port = url.port() != null ? url.port() : portFromEnv(env.get("PGPORT"));
        String user = first(url.user(), env.get("PGUSER"), System.getProperty("user.name"));
        String database = first(url.database(), env.get("PGDATABASE"), user);
        // An empty password counts as none, as in libpq: the password file may still supply one.
        String password = nonEmpty(url.password()) != null ? url.password() : nonEmpty(env.get("PGPASSWORD"));
        if (password == null) {
            password = Pgpass.lookup(pgpassFile, host, port, database, user).orElse(null);
        }

        Map<String, String> properties = new LinkedHashMap<>();
        PROPERTY_VARIABLES.forEach((variable, property) -> {
            if (isSet(env.get(variable))) {
                properties.put(property, env.get(variable));
            }
        });
        url.params().forEach((key, value) -> {
            switch (key) {
                case "application_name", "fallback_application_name" -> {
                    // every Bulwark session names itself, so it is findable in pg_stat_activity
                }
                case "connect_timeout" -> properties.put("connectTimeout", value); // libpq's name
                default -> properties.put(key, value);
            }
        });
        return new ConnectionSpec(ConnectionUrl.jdbcUrl(host, port, database), user, password, properties);
    }

    /**
     * Replaces {@code ${VAR}} and {@code ${VAR:-default}} from the environment. Values that land in
     * the user-info part are percent-encoded, so a generated password with {@code @} or {@code /}
     * in it works as is.
     */
    static String expand(String template, Map<String, String> env) {
        int scheme = template.indexOf("://");
        int userInfoEnd = scheme < 0 ? -1 : userInfoEnd(template, scheme + 3);
        Matcher matcher = REFERENCE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = env.get(name);
            if (value == null) {
                value = matcher.group(2);
            }
            if (value == null) {
                throw BulwarkException.usage("the configuration file's url refers to ${" + name + "}, which is not set",
                        "set " + name + " in the environment, or give a default as ${" + name + ":-value}");
            }
            boolean inUserInfo = scheme >= 0 && matcher.start() > scheme && matcher.start() < userInfoEnd;
            matcher.appendReplacement(out, Matcher.quoteReplacement(inUserInfo ? ConnectionUrl.encode(value) : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Index of the {@code @} ending the user info, skipping {@code ${…}}; -1 when there is none. */
    private static int userInfoEnd(String template, int from) {
        for (int i = from; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '$' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    return -1;
                }
                i = close;
            } else if (c == '@') {
                return i;
            } else if (c == '/' || c == '?') {
                return -1;
            }
        }
        return -1;
    }

    private static int portFromEnv(String text) {
        if (!isSet(text)) {
            return 5432;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw BulwarkException.usage("PGPORT is \"" + text + "\", not a port number", "set it to a number from 1 to 65535");
    }

    private static String first(String... candidates) {
        for (String candidate : candidates) {
            if (isSet(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
