package dev.bulwark.cli.options;

import picocli.CommandLine.Option;

/** Which database. */
public final class ConnectionOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = "Target database: postgres://user@host:5432/db?sslmode=require or jdbc:postgresql://…"
                    + " (default: DATABASE_URL, then PG* variables, then bulwark.toml, then the embedded server)."
                    + " Put passwords in PGPASSWORD or ~/.pgpass rather than here.")
    public String url;
}
