package dev.bulwark.history;

import java.util.Set;

/**
 * diesel's {@code __diesel_schema_migrations}: one row per applied migration, its version as diesel
 * derives it from the folder name ({@link dev.bulwark.migration.DieselReader}, the migration's
 * {@code toolName}). The DDL is diesel's own ({@code diesel_migrations/src/migration/setup_migration_table.sql});
 * diesel inserts the version after the up in the same transaction, and deletes it after the down
 * ({@code MigrationHarness::run_migration} / {@code revert_migration} in
 * {@code diesel_migrations/src/migration_harness.rs}). diesel has no failure marker.
 */
final class DieselHistory extends VersionRowTable {
    static final String TABLE = "__diesel_schema_migrations";

    DieselHistory(String schema) {
        super(schema, TABLE, "\n"
                + "       version VARCHAR(50) PRIMARY KEY NOT NULL,\n"
                + "       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n");
    }

    @Override
    protected Foreign foreign(Set<String> columns) {
        return columns.contains("version") ? null : new Foreign("is not diesel's (columns " + columns + ")",
                "rename or drop that table, or say which layout the folder holds with --migration-format");
    }
}
