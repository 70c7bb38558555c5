package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a pg_dump binary to get one section of a schema as SQL text. The password goes through
 * {@code PGPASSWORD} in the child's environment, never on its command line (where {@code ps}
 * would show it).
 */
public final class PgDump {
    private final Path binary;
    private final int major;

    private PgDump(Path binary, int major) {
        this.binary = binary;
        this.major = major;
    }

    /**
     * The given binary, or the first {@code pg_dump} on {@code PATH}, if it can dump a server of
     * {@code serverMajor} (pg_dump refuses servers of a newer major than its own).
     *
     * @return null when none is found or the one found is too old
     */
    public static PgDump find(Path explicit, String pathVariable, int serverMajor) {
        if (explicit != null) {
            PgTools.Tool found = Files.isExecutable(explicit) ? PgTools.probe(explicit) : null;
            return found != null && found.major() >= serverMajor ? new PgDump(explicit, found.major()) : null;
        }
        // the same search as backups use: PATH, then Debian's /usr/lib/postgresql/*/bin, the server's major first
        try {
            PgTools.Tool t = new PgTools(null, pathVariable == null ? Map.of() : Map.of("PATH", pathVariable)).find("pg_dump", serverMajor);
            return new PgDump(t.path(), t.major());
        } catch (BulwarkException none) {
            return null;
        }
    }

    public Path binary() {
        return binary;
    }

    public int major() {
        return major;
    }

    /**
     * One section ({@code pre-data} or {@code post-data}) as plain SQL, without owners and
     * privileges (the target's roles may differ).
     *
     * @param snapshot     an exported snapshot to dump in ({@code pg_export_snapshot()}), or null
     * @param excludeTables exact tables to leave out
     */
    public String section(ConnectionSpec source, String section, String snapshot, List<String[]> excludeTables) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--section=" + section, "--no-owner",
                "--no-privileges", "--format=plain", "--dbname=" + conninfo(source)));
        if (snapshot != null) {
            cmd.add("--snapshot=" + snapshot);
        }
        for (String[] t : excludeTables) {
            // inside double quotes pg_dump takes every character literally, wildcards included
            cmd.add("--exclude-table=" + Identifiers.qualified(t[0], t[1]));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        if (source.password() != null) {
            env.put("PGPASSWORD", source.password());
        }
        env.put("PGAPPNAME", "bulwark-copy-pg_dump");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            int code = p.waitFor();
            if (code != 0) {
                String message = Masking.mask(new String(err.join(), StandardCharsets.UTF_8).strip());
                throw new BulwarkException(ErrorCode.DATABASE, "pg_dump --section=" + section + " of " + source.masked()
                        + " failed (exit " + code + "): " + message.replace('\n', ' '),
                        "check that " + binary + " can reach the source and read its schema");
            }
            return withoutMetaCommands(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot run " + binary + ": " + e.getMessage(),
                    "install the PostgreSQL client tools or pass the path of pg_dump");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException(ErrorCode.DATABASE, "interrupted while pg_dump ran", null, e);
        }
    }

    /**
     * The script without the psql meta-commands pg_dump 15.14+ wraps it in ({@code \\restrict KEY},
     * {@code \\unrestrict KEY}): they guard psql, and are syntax errors for the server.
     */
    static String withoutMetaCommands(String script) {
        return script.replaceAll("(?m)^\\\\(?:un)?restrict [^\\n]*\\n?", "");
    }

    /** A libpq keyword/value string: survives any database name (spaces, quotes, '=') without a shell. */
    static String conninfo(ConnectionSpec spec) {
        StringBuilder s = new StringBuilder();
        kv(s, "host", spec.host());
        kv(s, "port", String.valueOf(spec.port()));
        if (spec.database() != null) {
            kv(s, "dbname", spec.database());
        }
        if (spec.user() != null) {
            kv(s, "user", spec.user());
        }
        for (Map.Entry<String, String> e : spec.properties().entrySet()) {
            String key = e.getKey();
            if (key.equals("sslmode") || key.equals("sslrootcert") || key.equals("sslcert") || key.equals("sslkey")) {
                kv(s, key, e.getValue());
            }
        }
        return s.toString().strip();
    }

    private static void kv(StringBuilder s, String key, String value) {
        s.append(key).append("='").append(value.replace("\\", "\\\\").replace("'", "\\'")).append("' ");
    }

    private static byte[] readAll(InputStream in) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
