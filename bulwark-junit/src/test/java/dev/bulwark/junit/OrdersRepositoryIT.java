package dev.bulwark.junit;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

/** A test class as a user writes one: it asks for a DataSource and gets a migrated database of its own. */
@BulwarkDatabase
class OrdersRepositoryIT {
    @Test
    void getsAMigratedDatabaseOfItsOwnClonedFromTheTemplate(DataSource db) throws Exception {
        ClonedDatabases.check(getClass().getName(), db);
    }
}
