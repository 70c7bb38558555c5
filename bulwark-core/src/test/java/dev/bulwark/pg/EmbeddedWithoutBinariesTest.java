package dev.bulwark.pg;

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
 * A library user without bulwark-embedded (zonky's resolver and the binaries are optional in
 * bulwark-core) who reaches the embedded server gets a one-line error naming the dependency,
 * not a NoClassDefFoundError.
 */
class EmbeddedWithoutBinariesTest {
    @TempDir
    Path project;

    @Test
    void withoutBulwarkEmbeddedTheEmbeddedServerSaysWhichDependencyToAdd() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.contains("zonky") && !entry.contains("tukaani") && !entry.isBlank()) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader library = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThat(library.getResource("io/zonky/test/db/postgres/embedded/DefaultPostgresBinaryResolver.class")).isNull();
            Class<?> server = Class.forName("dev.bulwark.pg.EmbeddedServer", true, library);
            assertThatThrownBy(() -> {
                try {
                    server.getMethod("open", Path.class).invoke(null, project);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }).satisfies(e -> assertThat(e.getClass().getName()).isEqualTo("dev.bulwark.BulwarkException"))
                    .hasMessage("the embedded PostgreSQL is not on the class path");
            Throwable t = catchCause(server, project);
            assertThat(t.getClass().getMethod("fix").invoke(t).toString()).contains("dev.bulwark:bulwark-embedded");
        }
    }

    private static Throwable catchCause(Class<?> server, Path project) throws Exception {
        try {
            server.getMethod("open", Path.class).invoke(null, project);
            throw new AssertionError("open succeeded without the binaries");
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }
}
