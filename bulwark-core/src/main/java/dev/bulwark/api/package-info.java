/**
 * Bulwark's public Java API: the only package whose types are meant to be used by applications,
 * build plugins and tests, and kept compatible across minor versions.
 *
 * <pre>{@code
 * Bulwark bulwark = Bulwark.configure()
 *         .dataSource(dataSource)
 *         .locations("classpath:db/migration")
 *         .lockTimeout(Duration.ofSeconds(2))
 *         .load();
 * MigrationReport done = bulwark.migrate();
 * }</pre>
 *
 * <p>Every other package under {@code dev.bulwark} is internal: it changes without notice, and no
 * type of it appears in this package's signatures (an ArchUnit test holds both).
 */
package dev.bulwark.api;
