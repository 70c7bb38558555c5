package dev.bulwark.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens the audit's HTML in headless Chromium, saves a screenshot under target/audit-screenshots/
 * for a human to look at, and fails on any console message (the page has no script: anything on
 * the console is an error). Skipped, saying why, where Chromium is not installed.
 */
class AuditHtmlChromiumTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path OUT = Path.of("target/audit-screenshots").toAbsolutePath();

    @Test
    void everySampleReportRendersWithoutConsoleErrors() throws Exception {
        requireChromium();
        for (String project : List.of("alembic-bot", "prisma-blog", "flyway-payments", "shop")) {
            Path html = OUT.resolve(project + ".html");
            Cli r = Cli.run(REPO, "audit", "examples/" + project, "--report", html.toString());
            assertThat(r.err()).isEmpty();
            Path png = OUT.resolve(project + ".png");
            List<String> console = open(html, png, project.equals("alembic-bot") ? 9000 : 2400);
            assertThat(console).as("console output of " + html).isEmpty();
            assertThat(Files.size(png)).as(png.toString()).isGreaterThan(20_000);
            System.out.println("screenshot: " + png);
        }
    }

    @Test
    void theConsoleCheckCatchesAPageThatLogsAnError() throws Exception {
        requireChromium();
        Path bad = OUT.resolve("control-console-error.html");
        Files.createDirectories(OUT);
        Files.writeString(bad, "<!DOCTYPE html><html><body><script>console.error('boom')</script></body></html>");
        assertThat(open(bad, OUT.resolve("control-console-error.png"), 300)).anyMatch(l -> l.contains("boom"));
    }

    private static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            System.out.println("AuditHtmlChromiumTest skipped: " + CHROMIUM + " not found (Debian package chromium)");
        }
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " not found (Debian package chromium)");
    }

    /** Runs Chromium on the page with a fresh profile; returns the console lines it logged. */
    private static List<String> open(Path html, Path png, int height) throws IOException, InterruptedException {
        Files.createDirectories(OUT);
        Path profile = Files.createTempDirectory("bulwark-chromium-");
        Path log = Files.createTempFile("bulwark-chromium-", ".log");
        try {
            Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
                    "--window-size=1280," + height, "--screenshot=" + png, html.toUri().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish in 90 s on " + html);
            }
            List<String> console = new ArrayList<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
                    console.add(line);
                }
            }
            return console;
        } finally {
            deleteTree(profile);
            Files.deleteIfExists(log);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
