package dev.bulwark.cli.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the migrations are and how they are laid out. */
public final class ProjectOptions {
    @Option(names = "--dir", paramLabel = "DIR",
            description = "Migrations folder (default: [migrations] dir in bulwark.toml, else ./migrations).")
    public Path dir;

    /** The layout, {@code --migration-format}; the field keeps its old name. */
    @Option(names = "--migration-format", paramLabel = "LAYOUT",
            description = "Migration layout: bulwark, flyway, golang-migrate, dbmate, prisma, drizzle, alembic, diesel, goose, liquibase (default: detected).")
    public String format;
}
