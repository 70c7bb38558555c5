package dev.bulwark.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The server's {@code postmaster.pid}: line 1 the pid, line 4 the port, line 8 the status
 * ({@code starting}, {@code ready}, {@code stopping}). PostgreSQL writes it on start and removes it
 * on a clean stop; after a crash it stays behind with a dead pid.
 */
record PostmasterPid(long pid, int port, String status) {

    static Optional<PostmasterPid> read(Path dataDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty(); // the postmaster is still writing it
        }
        try {
            long pid = Long.parseLong(lines.get(0).strip());
            int port = lines.size() > 3 ? Integer.parseInt(lines.get(3).strip()) : 0;
            String status = lines.size() > 7 ? lines.get(7).strip() : "";
            return Optional.of(new PostmasterPid(pid, port, status));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
