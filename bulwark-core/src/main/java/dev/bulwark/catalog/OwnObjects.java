package dev.bulwark.catalog;

import java.util.Set;

/**
 * Bulwark's own objects in a user's database: the {@code bulwark_snapshots} schema (deploy
 * snapshots, copies of removed rows kept without a primary key on purpose) and the tables Bulwark
 * writes in its history schema (history, deploy audit, deploy journal, backfill progress). They are not the user's
 * data: {@code verify} leaves them out of its checks.
 */
public final class OwnObjects {
    /** The schema deploy snapshots are kept in. */
    public static final String SNAPSHOT_SCHEMA = "bulwark_snapshots";
    /** Tables Bulwark writes in its history schema. */
    public static final Set<String> TABLES = Set.of("bulwark_history", "bulwark_audit", "bulwark_deploy_journal", "bulwark_backfill");

    private OwnObjects() {
    }

    public static boolean isOwn(TableRef t) {
        return t != null && (t.schema().equals(SNAPSHOT_SCHEMA) || TABLES.contains(t.name()));
    }

    /** The catalog without Bulwark's own schema and tables (and what hangs off them). */
    public static CatalogSnapshot without(CatalogSnapshot c) {
        return new CatalogSnapshot(c.serverVersion(), c.takenAt(), c.schemaFilter(),
                c.schemas().stream().filter(s -> !s.name().equals(SNAPSHOT_SCHEMA)).toList(),
                c.tables().stream().filter(t -> !isOwn(t.ref())).toList(),
                c.constraints().stream().filter(x -> !isOwn(x.table()) && !isOwn(x.references())).toList(),
                c.indexes().stream().filter(x -> !isOwn(x.table())).toList(),
                c.sequences().stream().filter(x -> !x.schema().equals(SNAPSHOT_SCHEMA) && !isOwn(x.ownedBy())).toList(),
                c.views(), c.functions(), c.triggers().stream().filter(x -> !isOwn(x.table())).toList(), c.enums(), c.extensions());
    }
}
