package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A library user without bulwark-embedded (an optional dependency of bulwark-core, which brings the
 * embedded server's classes, zonky's resolver and the binaries) who reaches the embedded server gets
 * a one-line error naming the dependency, not a NoClassDefFoundError; and the classes that can reach
 * it still load.
 */
class EmbeddedWithoutBinariesTest {
    @TempDir
    Path project;

    @Test
    void theCheckNamesTheDependencyToAdd() {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() -> Embedded.requireOnClassPath(empty))
                    .isInstanceOfSatisfying(BulwarkException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.getMessage()).isEqualTo("the embedded PostgreSQL is not on the class path");
                        assertThat(e.fix()).contains("dev.bulwark:bulwark-embedded");
                    });
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        Embedded.requireOnClassPath(); // this module's tests have it
    }

    @Test
    void withoutBulwarkEmbeddedTheEmbeddedServerSaysWhichDependencyToAdd() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            String unix = entry.replace(File.separatorChar, '/');
            if (!unix.contains("zonky") && !unix.contains("tukaani") && !unix.contains("bulwark-embedded") && !entry.isBlank()) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader library = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThat(library.getResource("dev/bulwark/embedded/EmbeddedServer.class")).isNull();
            assertThat(library.getResource("io/zonky/test/db/postgres/embedded/DefaultPostgresBinaryResolver.class")).isNull();
            // linking verifies every method: these must not need a class of bulwark-embedded to load
            for (String name : List.of("dev.bulwark.pg.Embedded", "dev.bulwark.Bulwark", "dev.bulwark.api.Bulwark")) {
                assertThat(Class.forName(name, true, library)).as(name).isNotNull();
            }
            // called as code calls them (reflection on Embedded itself would load the types of its signatures)
            Class<?> callers = Class.forName(Callers.class.getName(), true, library);
            for (String method : List.of("open", "status", "startPersistent", "stop", "url")) {
                Throwable t = invoke(callers, method, project);
                assertThat(t.getClass().getName()).as(method).isEqualTo("dev.bulwark.BulwarkException");
                assertThat(t).as(method).hasMessage("the embedded PostgreSQL is not on the class path");
                assertThat(t.getClass().getMethod("fix").invoke(t).toString()).contains("dev.bulwark:bulwark-embedded");
            }
        }
    }

    /** Calls each way into {@link Embedded}, as core and the CLI do; loaded without bulwark-embedded by the test. */
    public static final class Callers {
        public static Object open(Path project) {
            return Embedded.open(project);
        }

        public static Object status(Path project) {
            return Embedded.status(project);
        }

        public static Object startPersistent(Path project) {
            return Embedded.startPersistent(project);
        }

        public static Object stop(Path project) {
            return Embedded.stop(project);
        }

        public static Object url(Path project) {
            return Embedded.url(project);
        }
    }

    private static Throwable invoke(Class<?> embedded, String method, Path project) throws Exception {
        try {
            embedded.getMethod(method, Path.class).invoke(null, project);
            throw new AssertionError(method + " succeeded without bulwark-embedded");
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }
}
