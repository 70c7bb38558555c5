package dev.bulwark.embedded;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second Bulwark process for {@link EmbeddedServerIT}: opens the project's server, prints
 * {@code READY <pid> <port>}, and closes it when its stdin gets a line (or ends).
 */
public final class EmbeddedServerChild {
    public static void main(String[] args) throws Exception {
        try (EmbeddedServer server = EmbeddedServer.open(Path.of(args[0]))) {
            System.out.println("READY " + server.pid() + " " + server.port());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("CLOSED");
        System.out.flush();
    }
}
