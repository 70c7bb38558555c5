package dev.bulwark.cli.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the migrations are and how they are laid out. */
public final class ProjectOptions {
    @Option(names = "--dir", paramLabel = "DIR",
            description = "Migrations folder (default: [migrations] dir in bulwark.toml, else ./migrations).")
    public Path dir;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Migration format: bulwark, flyway, golang-migrate, dbmate, prisma, drizzle (default: detected).")
    public String format;
}
