package dev.bulwark.migration;

import java.util.Locale;

/** The migration tools whose file layouts Bulwark reads. */
public enum MigrationFormat {
    BULWARK("bulwark"),
    FLYWAY("flyway"),
    GOLANG_MIGRATE("golang-migrate"),
    DBMATE("dbmate"),
    PRISMA("prisma"),
    DRIZZLE("drizzle"),
    ALEMBIC("alembic"),
    DIESEL("diesel"),
    GOOSE("goose"),
    LIQUIBASE("liquibase");

    private final String id;

    MigrationFormat(String id) {
        this.id = id;
    }

    /** The name used on the command line ({@code --migration-format}) and in {@code bulwark.toml}. */
    public String id() {
        return id;
    }

    public static MigrationFormat fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (MigrationFormat f : values()) {
            if (f.id.equals(wanted) || f.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return f;
            }
        }
        throw dev.bulwark.BulwarkException.usage(
                "unknown migration format '" + id + "'",
                "use one of: bulwark, flyway, golang-migrate, dbmate, prisma, drizzle, alembic, diesel, goose, liquibase");
    }
}
