package dev.bulwark.embedded;


import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code initdb} and {@code pg_ctl} from the extracted binaries.
 *
 * <p>PostgreSQL refuses to run as root. When we are root, every command is prefixed with
 * {@code unshare -U}: in a new user namespace root appears as an unprivileged user but keeps
 * owner access to its own files, so initdb and the server accept it and the data directory
 * stays owned by root. No user switching, no chown, nothing to configure.
 */
final class PgCtl {
    /** Seconds pg_ctl waits for the server to start or stop before giving up. */
    static final int PG_CTL_WAIT_SECONDS = 60;

    private final PostgresBinaries binaries;
    private final List<String> prefix;

    private PgCtl(PostgresBinaries binaries, List<String> prefix) {
        this.binaries = binaries;
        this.prefix = prefix;
    }

    static PgCtl forCurrentUser(PostgresBinaries binaries) {
        return new PgCtl(binaries, RootPrefix.get());
    }

    /** Whether commands run inside {@code unshare -U} because this process is root. */
    boolean usesUserNamespace() {
        return !prefix.isEmpty();
    }

    Result initdb(Path dataDir) {
        return run(dataDir.getParent(), List.of(binaries.bin("initdb").toString(),
                "-D", dataDir.getFileName().toString(),
                "-U", "postgres",
                "-A", "trust",
                "-E", "UTF8",
                "--no-locale"), Duration.ofSeconds(120));
    }

    /** Starts the server listening on 127.0.0.1:{@code port} only, with unix sockets off. */
    Result start(Path dataDir, int port, Path logFile) {
        // pg_ctl hands -o to /bin/sh, so '' reaches postgres as an empty value.
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        return run(dataDir.getParent(), List.of(binaries.bin("pg_ctl").toString(),
                "-D", dataDir.getFileName().toString(),
                "-l", dataDir.getParent().relativize(logFile).toString(),
                "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS),
                "-o", options,
                "start"), Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 30));
    }

    /** Fast shutdown: open sessions are disconnected, transactions rolled back. */
    Result stop(Path dataDir) {
        return run(dataDir.getParent(), List.of(binaries.bin("pg_ctl").toString(),
                "-D", dataDir.getFileName().toString(),
                "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS),
                "-m", "fast",
                "stop"), Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 30));
    }

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The last non-blank line of the output, for one-line messages. */
        String lastLine() {
            return lastLines(1);
        }

        /** The last {@code count} non-blank lines of the output joined into one line. */
        String lastLines(int count) {
            List<String> lines = output.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }
    }

    /**
     * Runs in the data directory's parent with relative paths: pg_ctl pastes the data directory
     * and log paths into a /bin/sh command line inside double quotes, so a project path with
     * {@code "}, {@code $} or a backtick would break it (or run something).
     */
    private Result run(Path workingDir, List<String> command, Duration timeout) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        return exec(workingDir, full, timeout);
    }

    static Result exec(List<String> command, Duration timeout) {
        return exec(null, command, timeout);
    }

    static Result exec(Path workingDir, List<String> command, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        // libpq and the server read PG* variables (PGDATA, PGPORT, PGOPTIONS…); ours are explicit.
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("PG"));
        env.put("LC_MESSAGES", "C"); // messages we parse and show stay English
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                    "cannot run " + command.get(0) + ": " + e.getMessage(),
                    "check that the file exists and is executable", e);
        }
        try {
            process.getOutputStream().close(); // nothing to say on stdin; a prompt must see EOF, not hang
        } catch (IOException e) {
            // the process already exited
        }
        // A thread of our own: the common pool may be busy, and this also runs in shutdown hooks.
        CompletableFuture<String> output = new CompletableFuture<>();
        Thread reader = new Thread(() -> output.complete(readAll(process.getInputStream())), "bulwark-pg-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                        String.join(" ", command.subList(0, Math.min(2, command.size()))) + " did not finish within "
                                + timeout.toSeconds() + " s",
                        "check the server log and the machine's load");
            }
            return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new EmbeddedException(EmbeddedException.Kind.DATABASE, "interrupted while running " + command.get(0), null, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // The command finished; only its output could not be collected (a daemon kept the pipe).
            return new Result(process.exitValue(), "");
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The {@code unshare -U} prefix when running as root, checked once per JVM. */
    static final class RootPrefix {
        private static volatile List<String> prefix;

        static List<String> get() {
            List<String> result = prefix;
            if (result == null) {
                result = isRoot() ? checkedUnshare() : List.of();
                prefix = result;
            }
            return result;
        }

        static boolean isRoot() {
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
                return false;
            }
            try {
                return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
            } catch (LinkageError e) {
                // A runtime without the jdk.security.auth module: ask the OS.
                Result id = exec(List.of("id", "-u"), Duration.ofSeconds(10));
                return id.ok() && id.output().strip().equals("0");
            }
        }

        private static List<String> checkedUnshare() {
            Result probe;
            try {
                probe = exec(List.of("unshare", "-U", "true"), Duration.ofSeconds(10));
            } catch (EmbeddedException e) {
                throw rootWithoutUnshare("unshare is not installed");
            }
            if (!probe.ok()) {
                throw rootWithoutUnshare("unshare -U failed: " + probe.lastLine());
            }
            return List.of("unshare", "-U");
        }

        private static EmbeddedException rootWithoutUnshare(String reason) {
            return new EmbeddedException(EmbeddedException.Kind.DATABASE,
                    "PostgreSQL refuses to run as root and Bulwark cannot drop root for it (" + reason + ")",
                    "run Bulwark as an ordinary user, or install util-linux and allow user namespaces "
                            + "(in a container: --security-opt seccomp=unconfined or a non-root USER), "
                            + "or pass --url to use a server you run yourself");
        }
    }
}
