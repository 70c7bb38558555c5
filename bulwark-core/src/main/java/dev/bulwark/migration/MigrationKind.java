package dev.bulwark.migration;

/** Versioned migrations run once in order; repeatable ones (Flyway {@code R__}) rerun when their checksum changes. */
public enum MigrationKind {
    VERSIONED,
    REPEATABLE
}
