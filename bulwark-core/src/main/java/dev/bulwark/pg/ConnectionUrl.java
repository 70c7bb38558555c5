package dev.bulwark.pg;

import dev.bulwark.BulwarkException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} URL. Parts the
 * URL does not give are null; {@link ConnectionResolver} fills them from PG* variables and
 * defaults as libpq does. Follows libpq's URI rules: the user info ends at the first {@code @},
 * so an {@code @}, {@code /} or {@code ?} inside a password must be percent-encoded.
 *
 * @param params the query parameters other than user, password, host, port and dbname, in order
 */
record ConnectionUrl(String host, Integer port, String database, String user, String password,
                     Map<String, String> params) {

    static final String FORMS = "postgresql://user@host:5432/db or jdbc:postgresql://host:5432/db";

    static ConnectionUrl parse(String url) {
        String text = url.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.startsWith("jdbc:postgresql://")) {
            rest = text.substring("jdbc:postgresql://".length());
        } else if (lower.startsWith("jdbc:postgresql:")) {
            // pgjdbc's short form jdbc:postgresql:db (local server, default port)
            rest = "/" + text.substring("jdbc:postgresql:".length());
        } else if (lower.startsWith("postgresql://")) {
            rest = text.substring("postgresql://".length());
        } else if (lower.startsWith("postgres://")) {
            rest = text.substring("postgres://".length());
        } else {
            throw invalid(url, "is not a PostgreSQL URL");
        }

        String user = null;
        String password = null;
        int at = indexOfAny(rest, "@/?");
        if (at >= 0 && rest.charAt(at) == '@') {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = emptyToNull(decode(colon < 0 ? userInfo : userInfo.substring(0, colon), url, "user name"));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1), url, "password");
        }

        int hostEnd = indexOfAny(rest, "/?");
        String hostPort = hostEnd < 0 ? rest : rest.substring(0, hostEnd);
        rest = hostEnd < 0 ? "" : rest.substring(hostEnd);
        if (hostPort.indexOf('@') >= 0) {
            throw invalid(url, "has more than one '@'",
                    "percent-encode '@' in the user name or password as %40");
        }
        if (hostPort.indexOf(',') >= 0) {
            throw invalid(url, "names several hosts, which Bulwark does not support",
                    "give the one host to migrate (the primary)");
        }
        String host = null;
        Integer port = null;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw invalid(url, "has an IPv6 address without its closing ']'");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw invalid(url, "has text after the IPv6 address");
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            portText = colon < 0 ? null : hostPort.substring(colon + 1);
            host = decode(host, url, "host");
        }
        if (portText != null && !portText.isEmpty()) {
            port = parsePort(portText, url);
        }

        String database = null;
        String query = null;
        int question = rest.indexOf('?');
        String path = question < 0 ? rest : rest.substring(0, question);
        query = question < 0 ? null : rest.substring(question + 1);
        if (path.startsWith("/")) {
            database = emptyToNull(decode(path.substring(1), url, "database name"));
        }

        Map<String, String> params = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq), url, "parameter name");
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), url, "parameter " + key);
                switch (key) {
                    case "user" -> user = emptyToNull(value);
                    case "password" -> password = value;
                    case "dbname" -> database = emptyToNull(value);
                    case "host" -> {
                        if (value.indexOf(',') >= 0) {
                            throw invalid(url, "names several hosts, which Bulwark does not support",
                                    "give the one host to migrate (the primary)");
                        }
                        host = value;
                    }
                    case "port" -> port = parsePort(value, url);
                    default -> params.put(key, value);
                }
            }
        }
        return new ConnectionUrl(emptyToNull(host), port, database, user, password, Map.copyOf(params));
    }

    /** {@code jdbc:postgresql://host:port/db}, without credentials or parameters. */
    static String jdbcUrl(String host, int port, String database) {
        return "jdbc:postgresql://" + hostForUrl(host) + ":" + port + "/" + encode(database);
    }

    static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    private static int parsePort(String text, String url) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(url, "has a port that is not a number from 1 to 65535");
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /** Percent-decoding as libpq does it: {@code %XX} bytes as UTF-8, {@code +} stays a plus. */
    static String decode(String text, String url, String what) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    throw invalid(url, "has a bad percent-encoding in its " + what, "write a literal % as %25");
                }
                bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw invalid(url, "has a percent-encoded " + what + " that is not UTF-8");
        }
    }

    /** Percent-encodes everything but unreserved characters, so pgjdbc decodes it back exactly. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static BulwarkException invalid(String url, String problem) {
        return invalid(url, problem, "write it as " + FORMS);
    }

    /** The URL in the message is masked: a malformed URL is exactly where a password sits unparsed. */
    private static BulwarkException invalid(String url, String problem, String fix) {
        return BulwarkException.usage("the connection URL " + Masking.mask(url.strip()) + " " + problem, fix);
    }
}
