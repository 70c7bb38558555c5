package dev.bulwark.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The library examples of docs/java.md and the README compile against this build's API, so they cannot drift from it. */
class DocsExampleTest {
    @ParameterizedTest
    @ValueSource(strings = {"docs/java.md", "README.md"})
    void theLibraryExampleCompiles(String page) throws Exception {
        Path pagePath = Path.of("..").resolve(page);
        String doc = Files.readString(pagePath);
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        String example = null;
        while (m.find()) {
            if (m.group(1).contains("public class ")) {
                example = m.group(1);
                break;
            }
        }
        assertThat(example).as("a ```java block with a public class in " + pagePath).isNotNull();
        Matcher name = Pattern.compile("public class (\\w+)").matcher(example);
        assertThat(name.find()).isTrue();

        Path out = Files.createTempDirectory("bulwark-doc-example");
        String classes = Path.of(Bulwark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String source = example;
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + name.group(1) + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = javac.getTask(null, files, diagnostics, List.of("-classpath", classes, "-d", out.toString(), "--release", "17"),
                    null, List.of(file)).call();
            String problems = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(null)).collect(Collectors.joining("\n"));
            assertThat(ok).as(problems).isTrue();
        }
        assertThat(out.resolve(name.group(1) + ".class")).exists();
    }
}
