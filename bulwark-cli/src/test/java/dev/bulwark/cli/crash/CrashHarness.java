package dev.bulwark.cli.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the real command line (the shaded {@code bulwark-cli/target/bulwark.jar}, built by
 * {@code package} before failsafe runs the ITs) as a separate process and kills it: at a named
 * {@link dev.bulwark.CrashPoint} ({@code BULWARK_CRASH_AT}, which halts the JVM as SIGKILL would),
 * with SIGKILL after a delay, or with SIGKILL once a condition holds (a statement is active on
 * the server, a file appeared). {@link #trace} enumerates the crash points a run passes, so a test
 * can kill at each one in turn.
 *
 * <p>Reusable for any command (migrate, deploy, backup restore): give it the project directory and
 * the arguments. A run never inherits the caller's {@code BULWARK_*} or {@code PG*} environment;
 * {@code HOME} is the project directory (no stray {@code ~/.pgpass}).
 *
 * <pre>{@code
 * CrashHarness h = new CrashHarness(project);
 * List<String> points = h.trace("migrate", "--url", url).points();
 * for (String p : points) {
 *     reset();
 *     assertThat(h.crashAt(p, "migrate", "--url", url).killed()).isTrue();
 *     assertThat(h.run("migrate", "--url", url).exit()).isZero();
 *     // check the database
 * }
 * }</pre>
 */
public final class CrashHarness {
    /** Exit status of a process halted at a crash point or killed with SIGKILL. */
    public static final int KILLED = 137;

    /** One run of the command line. */
    public record Run(int exit, String out, String err, boolean killed, List<String> points, Duration took) {
        public String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + exit + (killed ? " (killed)" : "") + " after " + took.toMillis() + "ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path projectDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofMinutes(3);
    private int counter;

    public CrashHarness(Path projectDir) {
        this.projectDir = projectDir;
    }

    /** Sets an environment variable for every later run. */
    public CrashHarness env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** How long a run may take before the harness kills it and fails (default 3 minutes). */
    public CrashHarness timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public Path projectDir() {
        return projectDir;
    }

    /**
     * The executable jar: {@code -Dbulwark.jar}, else {@code target/bulwark.jar} of the CLI module
     * (the working directory of failsafe), else {@code bulwark-cli/target/bulwark.jar}.
     */
    public static Path jar() {
        String configured = System.getProperty("bulwark.jar");
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("target", "bulwark.jar"));
        candidates.add(Path.of("bulwark-cli", "target", "bulwark.jar"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("no bulwark.jar in " + candidates + ": run the ITs through 'mvn verify' (package builds it)"
                + " or pass -Dbulwark.jar=<path>");
    }

    /** Runs the command to its end. */
    public Run run(String... args) {
        return start(Map.of(), args).await(null, null);
    }

    /**
     * Runs the command to its end inside this JVM ({@link dev.bulwark.cli.Main#run}, with the same
     * environment and folder as a separate run): for the runs after a kill (the resume, the
     * checks), where a new process adds nothing the test asserts and costs a JVM start each. The
     * runs that are killed or traced stay separate processes ({@code BULWARK_CRASH_*} is read from
     * the process environment), and so do the reference runs whose length sets the instants of
     * random kills.
     */
    public Run inProcess(String... args) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("HOME", projectDir.toString());
        e.putAll(env);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        long t0 = System.nanoTime();
        int exit = dev.bulwark.cli.Main.run(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), e, projectDir);
        return new Run(exit, out.toString(), err.toString(), false, List.of(), Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Runs the command with {@code BULWARK_CRASH_TRACE} and returns the run with every crash point it passed, in order. */
    public Run trace(String... args) {
        Path trace = scratch("trace");
        Run r = start(Map.of("BULWARK_CRASH_TRACE", trace.toString()), args).await(null, null);
        return new Run(r.exit(), r.out(), r.err(), r.killed(), readLines(trace), r.took());
    }

    /** Runs the command with {@code BULWARK_CRASH_AT=point} ({@code name} or {@code name#N}): it halts there. */
    public Run crashAt(String point, String... args) {
        Path trace = scratch("trace");
        Run r = start(Map.of("BULWARK_CRASH_AT", point, "BULWARK_CRASH_TRACE", trace.toString()), args).await(null, null);
        return new Run(r.exit(), r.out(), r.err(), r.exit() == KILLED, readLines(trace), r.took());
    }

    /** Runs the command and sends SIGKILL after {@code delay} (if it is still running then). */
    public Run killAfter(Duration delay, String... args) {
        return start(Map.of(), args).await(delay, null);
    }

    /** Runs the command and sends SIGKILL as soon as {@code condition} holds (polled every 10 ms). */
    public Run killWhen(BooleanSupplier condition, String... args) {
        return start(Map.of(), args).await(null, condition);
    }

    private Started start(Map<String, String> extra, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the launcher's settings for short commands: starts fastest
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(projectDir.toFile());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("BULWARK_") || k.startsWith("PG"));
        e.put("HOME", projectDir.toString());
        e.putAll(env);
        e.putAll(extra);
        Path out = scratch("out");
        Path err = scratch("err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        try {
            return new Started(pb.start(), out, err, System.nanoTime());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private final class Started {
        final Process process;
        final Path out;
        final Path err;
        final long t0;

        Started(Process process, Path out, Path err, long t0) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.t0 = t0;
        }

        Run await(Duration killAfter, BooleanSupplier killWhen) {
            long deadline = t0 + timeout.toNanos();
            try {
                if (killAfter != null) {
                    if (!process.waitFor(killAfter.toNanos(), TimeUnit.NANOSECONDS)) {
                        sigkill(process);
                    }
                } else if (killWhen != null) {
                    while (process.isAlive() && System.nanoTime() < deadline) {
                        if (killWhen.getAsBoolean()) {
                            sigkill(process);
                            break;
                        }
                        Thread.sleep(10);
                    }
                }
                if (!process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("bulwark did not finish within " + timeout + ":\n" + read(out) + read(err));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            int exit = process.exitValue();
            // killed only if it died of the kill: a run that ended on its own just before the SIGKILL landed is a finished run
            return new Run(exit, read(out), read(err), exit == KILLED, List.of(), Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /**
     * Sends SIGKILL (no shutdown hooks, no finally blocks) and waits for the process to end. True
     * only when it died of it (exit {@value #KILLED}); false when it had finished on its own
     * before the signal landed: such a run must not be counted as a kill survived. The one test
     * of "was it killed" for every crash test.
     */
    public static boolean sigkill(Process process) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the process did not end within 30 s of SIGKILL");
        }
        return process.exitValue() == KILLED;
    }

    private Path scratch(String kind) {
        try {
            Path dir = Files.createDirectories(projectDir.resolve(".crash-harness"));
            return dir.resolve(kind + "-" + (++counter) + ".txt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every point of a trace ({@code name#N}), and for a short sweep: the first and the last
     * occurrence of each name, in trace order.
     */
    public static List<String> firstAndLast(List<String> points) {
        Map<String, String> first = new LinkedHashMap<>();
        Map<String, String> last = new LinkedHashMap<>();
        for (String p : points) {
            String name = p.contains("#") ? p.substring(0, p.indexOf('#')) : p;
            first.putIfAbsent(name, p);
            last.put(name, p);
        }
        List<String> out = new ArrayList<>();
        for (String p : points) {
            String name = p.contains("#") ? p.substring(0, p.indexOf('#')) : p;
            if (p.equals(first.get(name)) || p.equals(last.get(name))) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Whether to kill at every crash point of a trace ({@code -Dbulwark.crash.full=true} or env
     * {@code BULWARK_CRASH_FULL}) rather than the suite's sample (the boundaries each test asserts).
     */
    public static boolean full() {
        return Boolean.getBoolean("bulwark.crash.full") || System.getenv("BULWARK_CRASH_FULL") != null;
    }

    /** The seed for random kills: {@code -Dcrash.seed}, else a fresh one; printed, so a failure can be replayed. */
    public static long seed(String what) {
        String s = System.getProperty("crash.seed");
        long seed = s == null || s.isBlank() ? System.nanoTime() : Long.parseLong(s.trim());
        System.out.println(what + ": random kills with seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
        return seed;
    }

    /** The figures a crash run reports: kills, and the outcomes that must stay at zero. */
    public static final class Tally {
        public int kills;
        public int doubleApplied;
        public int lostRows;
        public int needingHuman;
        public final List<String> failures = new ArrayList<>();

        public void fail(String kind, String detail) {
            failures.add(kind + ": " + detail);
        }

        public boolean clean() {
            return doubleApplied == 0 && lostRows == 0 && needingHuman == 0 && failures.isEmpty();
        }

        @Override
        public String toString() {
            return "kills " + kills + ", double-applied " + doubleApplied + ", lost rows " + lostRows
                    + ", runs needing a human " + needingHuman;
        }
    }
}
