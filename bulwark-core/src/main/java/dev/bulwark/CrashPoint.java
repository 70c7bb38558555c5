package dev.bulwark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only fault injection for the crash harness: a named point in code that changes a
 * database or writes a file, where the harness can stop the JVM as {@code kill -9} would.
 *
 * <p>Off unless the environment asks for it, so it costs one map lookup in production:
 * <ul>
 *   <li>{@code BULWARK_CRASH_AT=name} halts the JVM (no shutdown hooks, no finally blocks:
 *       {@link Runtime#halt}) the first time {@code name} is reached; {@code name#3} the third
 *       time.</li>
 *   <li>{@code BULWARK_CRASH_TRACE=file} appends every point reached, one name a line, so a
 *       harness can enumerate the boundaries of a run and then kill at each one in turn.</li>
 * </ul>
 * Names say where and when: {@code migrate.statement.sent}, {@code migrate.progress.written},
 * {@code deploy.journal.before-write}. The exit status is 137, what a shell reports for SIGKILL.
 */
public final class CrashPoint {
    private static final String AT = System.getenv("BULWARK_CRASH_AT");
    private static final String TRACE = System.getenv("BULWARK_CRASH_TRACE");
    private static final boolean ACTIVE = (AT != null && !AT.isBlank()) || (TRACE != null && !TRACE.isBlank());
    private static final Map<String, AtomicInteger> REACHED = new ConcurrentHashMap<>();

    private CrashPoint() {}

    /** Marks a crash point; does nothing unless the harness set {@code BULWARK_CRASH_AT} or {@code BULWARK_CRASH_TRACE}. */
    public static void here(String name) {
        if (!ACTIVE) {
            return;
        }
        int count = REACHED.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        if (TRACE != null && !TRACE.isBlank()) {
            try {
                Files.writeString(Path.of(TRACE), name + "#" + count + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException("crash trace file " + TRACE + " is not writable", e);
            }
        }
        if (AT != null && (AT.equals(name) ? count == 1 : AT.equals(name + "#" + count))) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
