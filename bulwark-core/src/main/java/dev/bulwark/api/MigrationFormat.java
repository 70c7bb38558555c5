package dev.bulwark.api;

/** The migration layouts Bulwark reads; {@code null} in the configuration means "detect it". */
public enum MigrationFormat {
    BULWARK, FLYWAY, GOLANG_MIGRATE, DBMATE, PRISMA, DRIZZLE, ALEMBIC, DIESEL, GOOSE, LIQUIBASE
}
