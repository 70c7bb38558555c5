package dev.bulwark.deploy;

import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Masking;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Another tool's migration command ({@code alembic upgrade head}, {@code prisma migrate deploy},
 * …) run inside the deploy pipeline. Its sessions get Bulwark's {@code lock_timeout} and
 * {@code statement_timeout} through {@code PGOPTIONS} (libpq reads it at connect, so every
 * driver built on libpq, psycopg2 included, applies it), the connection through the PG*
 * variables and {@code DATABASE_URL}; the password travels only in the environment.
 */
public final class ExternalTool {
    private final String command;
    private final Path workingDir;
    private final AtomicReference<Process> running = new AtomicReference<>();

    public ExternalTool(String command, Path workingDir) {
        this.command = command;
        this.workingDir = workingDir;
    }

    public String command() {
        return command;
    }

    /** What the command did: its exit code and its last output lines (masked). */
    public record Run(int exit, List<String> tail) {
    }

    /** Runs it to completion (or until {@link #kill}). */
    public Run run(ConnectionSpec target, Duration lockTimeout, Duration statementTimeout) {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(workingDir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.putAll(target.libpqEnvironment());
        env.put("PGAPPNAME", "bulwark-exec");
        env.put("PGOPTIONS", "-c lock_timeout=" + Durations.toSetting(lockTimeout) + " -c statement_timeout="
                + Durations.toSetting(statementTimeout));
        env.put("DATABASE_URL", databaseUrl(env));
        List<String> tail = new ArrayList<>();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot run '" + command + "': " + e.getMessage(), "check the --exec command");
        }
        try {
            running.set(p);
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    tail.add(Masking.mask(line));
                    if (tail.size() > 20) {
                        tail.remove(0);
                    }
                }
            } catch (IOException ended) {
                // kill() closed the stream: what was read so far is kept, the exit code says the rest
            }
            return new Run(p.waitFor(), tail);
        } catch (IOException e) {
            return new Run(-1, tail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return new Run(-1, tail);
        } finally {
            running.set(null);
        }
    }

    /** Ends the running command (for --max-duration). */
    public void kill() {
        Process p = running.get();
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
    }

    private static String databaseUrl(Map<String, String> env) {
        StringBuilder u = new StringBuilder("postgresql://");
        if (env.containsKey("PGUSER")) {
            u.append(enc(env.get("PGUSER")));
            if (env.containsKey("PGPASSWORD")) {
                u.append(':').append(enc(env.get("PGPASSWORD")));
            }
            u.append('@');
        }
        String host = env.get("PGHOST");
        u.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(env.get("PGPORT")).append('/')
                .append(enc(env.getOrDefault("PGDATABASE", "")));
        if (env.containsKey("PGSSLMODE")) {
            u.append("?sslmode=").append(enc(env.get("PGSSLMODE")));
        }
        return u.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The other tool's history, read before and after its run: {@code alembic_version},
     * {@code _prisma_migrations}, {@code flyway_schema_history}, {@code schema_migrations}, and diesel's,
     * goose's and Liquibase's.
     * Returns one line per table found, e.g. {@code alembic_version: 0002}.
     */
    public static List<String> history(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        String[][] tables = {
                {"alembic_version", "SELECT string_agg(version_num, ', ' ORDER BY version_num) FROM alembic_version"},
                {"_prisma_migrations", "SELECT count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) || ' applied, '"
                        + " || count(*) FILTER (WHERE finished_at IS NULL AND rolled_back_at IS NULL) || ' failed' FROM _prisma_migrations"},
                {"flyway_schema_history", "SELECT max(version) FILTER (WHERE success) || ' (' || count(*) FILTER (WHERE NOT success) || ' failed)'"
                        + " FROM flyway_schema_history"},
                {"schema_migrations", "SELECT max(version::text) FROM schema_migrations"},
                {"__diesel_schema_migrations", "SELECT max(version) FROM __diesel_schema_migrations"},
                {"goose_db_version", "SELECT max(version_id)::text FROM goose_db_version WHERE is_applied"},
                {"databasechangelog", "SELECT count(*) || ' run' || coalesce(', last ' || (SELECT author || ':' || id FROM databasechangelog"
                        + " ORDER BY orderexecuted DESC LIMIT 1), '') FROM databasechangelog"}};
        for (String[] t : tables) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('" + t[0] + "') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    continue;
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(t[1])) {
                rs.next();
                out.add(t[0] + ": " + (rs.getString(1) == null ? "empty" : rs.getString(1)));
            }
        }
        return out;
    }
}
