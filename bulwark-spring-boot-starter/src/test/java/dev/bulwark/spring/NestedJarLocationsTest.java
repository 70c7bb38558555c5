package dev.bulwark.spring;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.LintIssue;
import dev.bulwark.api.LintReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.loader.net.protocol.Handlers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * classpath:db/migration inside a library jar nested in a Spring Boot executable jar
 * ({@code BOOT-INF/lib/*.jar}), read through Boot's {@code jar:nested:} URLs as a packaged
 * application reads them.
 */
class NestedJarLocationsTest {
    @TempDir
    Path tmp;

    @Test
    void readsMigrationsFromAJarNestedInAnExecutableJar() throws Exception {
        byte[] inner = jar(Map.of(
                "db/migration/V1__create_t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, email text);\n",
                "db/migration/V2__index.sql", "CREATE INDEX t_email ON t (email);\n"));
        Path outer = tmp.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(outer))) {
            // nested jars are stored, not deflated, in an executable jar
            JarEntry e = new JarEntry("BOOT-INF/lib/migrations.jar");
            e.setMethod(ZipEntry.STORED);
            e.setSize(inner.length);
            CRC32 crc = new CRC32();
            crc.update(inner);
            e.setCrc(crc.getValue());
            out.putNextEntry(e);
            out.write(inner);
        }
        Handlers.register();
        URL nested = new URL("jar:nested:" + outer.toAbsolutePath() + "/!BOOT-INF/lib/migrations.jar!/");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{nested}, null)) {
            assertThat(loader.getResource("db/migration").toString()).startsWith("jar:nested:");
            LintReport report = Bulwark.configure(loader).locations("classpath:db/migration").projectDirectory(tmp).load().lint();
            assertThat(report.migrations()).isEqualTo(2);
            assertThat(report.issues()).extracting(LintIssue::rule, LintIssue::file)
                    .contains(org.assertj.core.groups.Tuple.tuple("require-concurrent-index", "classpath:db/migration/V2__index.sql"));
        }
    }

    private static byte[] jar(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            out.putNextEntry(new JarEntry("db/"));
            out.putNextEntry(new JarEntry("db/migration/"));
            for (var f : files.entrySet()) {
                out.putNextEntry(new JarEntry(f.getKey()));
                out.write(f.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toByteArray();
    }
}
