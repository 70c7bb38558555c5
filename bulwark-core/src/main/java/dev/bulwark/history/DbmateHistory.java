package dev.bulwark.history;

import dev.bulwark.migration.Migration;

import java.util.Set;

/**
 * dbmate's {@code schema_migrations(version varchar(128) primary key)}: one row per applied
 * migration, keyed by its version as written in the file name. dbmate has no failure marker.
 */
final class DbmateHistory extends VersionRowTable {
    static final String TABLE = "schema_migrations";

    DbmateHistory(String schema) {
        super(schema, TABLE, "version varchar(128) PRIMARY KEY");
    }

    @Override
    protected Foreign foreign(Set<String> columns) {
        return columns.contains("dirty") ? new Foreign("is golang-migrate's, not dbmate's", "pass --migration-format golang-migrate") : null;
    }

    @Override
    public String key(Migration m) {
        return m.version().toString();
    }
}
