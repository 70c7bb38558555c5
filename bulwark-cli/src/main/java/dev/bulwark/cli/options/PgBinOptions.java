package dev.bulwark.cli.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the PostgreSQL client programs (pg_dump, pg_restore) are: one name on every command that runs them. */
public final class PgBinOptions {
    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = "Folder holding pg_dump and pg_restore (default: PATH, then /usr/lib/postgresql/*/bin, the server's major first).")
    public Path pgBin;
}
