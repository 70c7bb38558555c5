package dev.bulwark.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives the annotated test class a fresh PostgreSQL database with the project's migrations
 * applied: declare a {@link javax.sql.DataSource} parameter on a test method, a lifecycle method
 * or the constructor.
 *
 * <pre>{@code
 * @BulwarkDatabase
 * class OrderRepositoryTest {
 *     @Test void savesAnOrder(DataSource db) { ... }
 * }
 * }</pre>
 *
 * <p>The migrations run once per JVM (per set of locations) into a template database on the
 * embedded server; each test class gets {@code CREATE DATABASE … TEMPLATE} of it, which takes
 * milliseconds, and it is dropped after the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BulwarkDatabaseExtension.class)
public @interface BulwarkDatabase {
    /** Where the migrations are, as in {@code dev.bulwark.api.FluentConfiguration#locations}. */
    String[] locations() default {"classpath:db/migration"};

    /**
     * Whether the template runs {@code -- bulwark:phase contract} migrations (and every migration after
     * them) too. On by default: the tests get the schema the whole folder describes. Off: the database
     * stops at the phase barrier as {@code bulwark migrate} does, for tests of the release that runs
     * between the two phases.
     */
    boolean contractPhase() default true;
}
