package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's client programs ({@code pg_dump}, {@code pg_restore}, {@code psql}), found and
 * checked against the server version before anything runs: {@code pg_dump} refuses servers of a
 * newer major version, and its output may not load into an older one.
 *
 * <p>Searched in {@code --pg-bin}, then {@code PATH}, then {@code /usr/lib/postgresql/<major>/bin}
 * (Debian keeps several majors there; the PATH one is only the default).
 */
public final class PgTools {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");

    /** A found program and its major version. */
    public record Tool(Path path, int major, String version) {
    }

    private final Path explicitDir;
    private final Map<String, String> env;

    /**
     * @param explicitDir {@code --pg-bin}, or null
     * @param env         the environment (for PATH)
     */
    public PgTools(Path explicitDir, Map<String, String> env) {
        this.explicitDir = explicitDir;
        this.env = env;
    }

    /**
     * The program able to work with a server of {@code serverMajor}: the same major if one is
     * installed, else the newest newer one.
     */
    public Tool find(String program, int serverMajor) {
        List<Tool> candidates = candidates(program);
        if (explicitDir != null) {
            Tool t = candidates.stream().filter(c -> c.path().startsWith(explicitDir)).findFirst().orElseThrow(() ->
                    BulwarkException.usage("--pg-bin " + explicitDir + " has no runnable " + program,
                            "point --pg-bin at the bin folder of a PostgreSQL " + serverMajor + " installation"));
            if (t.major() < serverMajor) {
                throw tooOld(t, program, serverMajor);
            }
            return t;
        }
        return candidates.stream().filter(c -> c.major() == serverMajor).findFirst()
                .or(() -> candidates.stream().filter(c -> c.major() > serverMajor).min(Comparator.comparingInt(Tool::major)))
                .orElseThrow(() -> candidates.isEmpty()
                        ? new BulwarkException(ErrorCode.USAGE, program + " was not found on PATH nor in /usr/lib/postgresql/*/bin",
                        "install the PostgreSQL " + serverMajor + " client (Debian/Ubuntu: apt-get install postgresql-client-"
                                + serverMajor + "; macOS: brew install libpq) or pass --pg-bin DIR")
                        : tooOld(candidates.stream().max(Comparator.comparingInt(Tool::major)).get(), program, serverMajor));
    }

    private static BulwarkException tooOld(Tool t, String program, int serverMajor) {
        return new BulwarkException(ErrorCode.USAGE, t.path() + " is " + program + " " + t.version()
                + ", older than the server (PostgreSQL " + serverMajor + "): it refuses or mis-dumps newer servers",
                "install postgresql-client-" + serverMajor + " (Debian/Ubuntu) or pass --pg-bin with a " + serverMajor
                        + " or newer bin folder");
    }

    /** Every runnable copy of {@code program}, explicit folder first, then PATH, then Debian's folders. */
    List<Tool> candidates(String program) {
        List<Path> dirs = new ArrayList<>();
        if (explicitDir != null) {
            dirs.add(explicitDir);
        }
        String path = env.getOrDefault("PATH", System.getenv("PATH"));
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (DirectoryStream<Path> majors = Files.newDirectoryStream(debian)) {
                List<Path> sorted = new ArrayList<>();
                majors.forEach(m -> sorted.add(m.resolve("bin")));
                sorted.sort(Comparator.reverseOrder());
                dirs.addAll(sorted);
            } catch (IOException ignored) {
                // unreadable: PATH is still searched
            }
        }
        List<Tool> out = new ArrayList<>();
        for (Path d : dirs) {
            Path p = d.resolve(program);
            if (Files.isExecutable(p) && out.stream().noneMatch(t -> sameFile(t.path(), p))) {
                Tool t = probe(p);
                if (t != null) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.equals(b);
        }
    }

    /** {@code pg_dump (PostgreSQL) 15.18 (Debian …)} → 15; null when unrecognized. */
    static Integer parseMajor(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** The program at {@code p} and its version ({@code --version}), or null when it does not run here or says no version. */
    static Tool probe(Path p) {
        try {
            Result r = run(List.of(p.toString(), "--version"), Map.of(), null, null);
            Matcher m = VERSION.matcher(r.stdout());
            if (r.exit() == 0 && m.find()) {
                int major = Integer.parseInt(m.group(1));
                return new Tool(p, major, m.group(1) + (m.group(2) != null ? "." + m.group(2) : ""));
            }
        } catch (RuntimeException ignored) {
            // not runnable here (wrong architecture, missing libraries): skip it
        }
        return null;
    }

    /** What a program printed and how it ended; output is masked. */
    public record Result(int exit, String stdout, String stderr) {
        /** The last non-empty line of stderr, masked: the one that says why. */
        public String reason() {
            List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "exit code " + exit : lines.get(lines.size() - 1);
        }
    }

    /**
     * Runs a program to completion. The environment is the parent's plus {@code extraEnv}, with
     * any inherited PG* connection variables removed first so only the ones given here apply.
     *
     * @param stdin  file fed to stdin, or null
     * @param stdout file stdout goes to, or null to capture it
     */
    public static Result run(List<String> command, Map<String, String> extraEnv, Path stdin, Path stdout) {
        ProcessBuilder pb = builder(command, extraEnv);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        if (stdout != null) {
            pb.redirectOutput(stdout.toFile());
        }
        Process p = start(pb, command);
        try {
            if (stdin == null) {
                p.getOutputStream().close();
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "pg-tool-stderr");
            errReader.start();
            String out = stdout == null ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
            int code = p.waitFor();
            errReader.join();
            return new Result(code, Masking.mask(out), Masking.mask(err.toString(StandardCharsets.UTF_8)));
        } catch (IOException ex) {
            p.destroyForcibly();
            throw new BulwarkException(ErrorCode.USAGE, "cannot read the output of " + command.get(0) + ": " + ex.getMessage(),
                    "check that it is installed and executable");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new BulwarkException(ErrorCode.DATABASE, "interrupted while " + command.get(0) + " ran", null, ex);
        }
    }

    /**
     * A program's process: the environment is the parent's plus {@code extraEnv}, with any
     * inherited PG* connection variables removed first so only the ones given here apply, and
     * messages in English (they are parsed).
     */
    private static ProcessBuilder builder(List<String> command, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("PG"));
        e.putAll(extraEnv);
        e.put("LC_MESSAGES", "C");
        return pb;
    }

    private static Process start(ProcessBuilder pb, List<String> command) {
        try {
            return pb.start();
        } catch (IOException ex) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot run " + command.get(0) + ": " + ex.getMessage(),
                    "check that it is installed and executable");
        }
    }

    /** Writes a program's standard input; what it throws ends the program. */
    @FunctionalInterface
    public interface Feeder {
        void feed(java.io.OutputStream stdin) throws java.io.IOException;
    }

    /**
     * Runs a program whose standard input is written by {@code feeder} (decrypted backup bytes go
     * straight into {@code pg_restore} this way, never through a file). When the feeder throws,
     * the program is killed and the feeder's exception is rethrown; when the program exits early
     * (so writing to it fails), its own exit code and stderr are returned.
     */
    public static Result runFeeding(List<String> command, Map<String, String> extraEnv, Feeder feeder) {
        Process p = start(builder(command, extraEnv), command);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "pg-tool-stderr");
        Thread outReader = new Thread(() -> copy(p.getInputStream(), out), "pg-tool-stdout");
        errReader.start();
        outReader.start();
        try {
            try (java.io.OutputStream stdin = new java.io.BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
                feeder.feed(stdin);
            } catch (IOException broken) {
                // the program stopped reading (it failed, or had all it needed): its exit code tells which
            } catch (RuntimeException | Error failed) {
                p.destroyForcibly();
                try {
                    p.waitFor();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                throw failed;
            }
            int code = p.waitFor();
            errReader.join();
            outReader.join();
            return new Result(code, Masking.mask(out.toString(StandardCharsets.UTF_8)), Masking.mask(err.toString(StandardCharsets.UTF_8)));
        } catch (InterruptedException ex) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BulwarkException(ErrorCode.DATABASE, "interrupted while " + command.get(0) + " ran", null, ex);
        }
    }

    /** Reads a program's standard output; what it throws ends the program. */
    @FunctionalInterface
    public interface Drainer {
        void drain(InputStream stdout) throws IOException;
    }

    /**
     * Runs a program whose standard output is read by {@code drainer} ({@code pg_dump}'s archive
     * goes into the backup file this way, through a pipe this process reads rather than
     * {@code --file}: if this process is killed, the pipe has no reader and the program ends at
     * its next write instead of running on, holding its locks on every table, into a file the
     * next run sweeps). When the drainer throws, the program is killed and the exception rethrown.
     */
    public static Result runDraining(List<String> command, Map<String, String> extraEnv, Drainer drainer) throws IOException {
        Process p = start(builder(command, extraEnv), command);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "pg-tool-stderr");
        errReader.start();
        try {
            p.getOutputStream().close();
            try (InputStream out = p.getInputStream()) {
                drainer.drain(out);
            } catch (IOException | RuntimeException | Error failed) {
                p.destroyForcibly();
                p.waitFor();
                throw failed;
            }
            int code = p.waitFor();
            errReader.join();
            return new Result(code, "", Masking.mask(err.toString(StandardCharsets.UTF_8)));
        } catch (InterruptedException ex) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BulwarkException(ErrorCode.DATABASE, "interrupted while " + command.get(0) + " ran", null, ex);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
