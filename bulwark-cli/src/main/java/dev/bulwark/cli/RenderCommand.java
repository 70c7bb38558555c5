package dev.bulwark.cli;

import dev.bulwark.BulwarkException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a migration tool's "print the SQL" command for {@code lint --render-cmd} and keeps what it printed. */
final class RenderCommand {
    private static final long TIMEOUT_MINUTES = 10;

    private RenderCommand() {
    }

    /**
     * Runs {@code command} with {@code sh -c} in {@code dir} and saves its standard output to
     * {@code saveAs} (findings point into that file).
     */
    static String run(String command, Path dir, Map<String, String> env, Path saveAs) {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw BulwarkException.usage("--render-cmd did not finish in " + TIMEOUT_MINUTES + " minutes: " + command,
                        "check that the command prints the SQL and exits without asking for input");
            }
            if (p.exitValue() != 0) {
                String e = err.join().strip();
                throw BulwarkException.usage("--render-cmd failed with exit code " + p.exitValue() + ": " + command
                        + (e.isEmpty() ? "" : "\n" + tail(e)), "run the command by hand and fix what it reports");
            }
            Files.createDirectories(saveAs.getParent());
            Files.writeString(saveAs, out);
            return out;
        } catch (IOException e) {
            throw BulwarkException.usage("--render-cmd could not run: " + e.getMessage(), "check the command and that sh is installed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BulwarkException.usage("--render-cmd was interrupted", "run it again");
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 5);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }
}
