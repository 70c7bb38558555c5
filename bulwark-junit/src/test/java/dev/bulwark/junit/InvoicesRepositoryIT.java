package dev.bulwark.junit;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

/** A second class on the same template: its own database, the same single migration run. */
@BulwarkDatabase
class InvoicesRepositoryIT {
    @Test
    void getsAnotherDatabaseFromTheSameMigrationRun(DataSource db) throws Exception {
        ClonedDatabases.check(getClass().getName(), db);
    }
}
