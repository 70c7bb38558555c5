package dev.bulwark.spring;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

import java.util.Set;

/** Tells Boot that {@link BulwarkMigrationInitializer} initializes the database, so JPA and JdbcTemplate users wait for it. */
class BulwarkDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {
    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(BulwarkMigrationInitializer.class);
    }
}
