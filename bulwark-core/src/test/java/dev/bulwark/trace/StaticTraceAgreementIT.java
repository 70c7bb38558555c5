package dev.bulwark.trace;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.lint.Linter;
import dev.bulwark.lint.Locks;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The static lock and rewrite table (lint's {@link Locks} and its rewrite rules) against what
 * PostgreSQL really does, statement by statement: one statement per rule of docs/rules.md that has a
 * lock or rewrite column, plus its safe form. A disagreement fails the test, so the static table
 * stays true on the server we ship.
 */
class StaticTraceAgreementIT {
    /** Rules whose statement gives an existing relation new storage: a rewrite, a refresh, a truncate. */
    private static final Set<String> NEW_STORAGE_RULES = Set.of("column-type-rewrite", "volatile-default", "rewrite-table",
            "refresh-matview", "truncate");

    /** Tables every case starts from (created by an earlier migration, so they "exist"). */
    private static final String SETUP = """
            CREATE TABLE parent (id bigint PRIMARY KEY, code text);
            CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint, amount integer, label varchar(10),
                                price numeric(10,2), during tstzrange, note text);
            CREATE INDEX child_amount_idx ON child (amount);
            CREATE UNIQUE INDEX child_label_key ON child (label);
            ALTER TABLE child ADD CONSTRAINT child_amount_positive CHECK (amount > 0) NOT VALID;
            ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID;
            CREATE TABLE events (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at);
            CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            CREATE MATERIALIZED VIEW parent_codes AS SELECT code, count(*) AS n FROM parent GROUP BY code;
            CREATE TABLE parent_codes_source (code text);
            CREATE TYPE mood AS ENUM ('happy', 'sad');
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
            """;

    /** name → statement. Safe forms sit beside the dangerous ones. */
    private static final Map<String, String> CORPUS = new TreeMap<>(Map.ofEntries(
            Map.entry("require-concurrent-index", "CREATE INDEX child_note_idx ON child (note)"),
            Map.entry("require-concurrent-index (safe)", "CREATE INDEX CONCURRENTLY child_note_idx ON child (note)"),
            Map.entry("require-concurrent-index-drop", "DROP INDEX child_amount_idx"),
            Map.entry("require-concurrent-index-drop (safe)", "DROP INDEX CONCURRENTLY child_amount_idx"),
            Map.entry("require-concurrent-reindex", "REINDEX TABLE child"),
            Map.entry("partitioned-index", "CREATE INDEX events_at_idx ON events (at)"),
            Map.entry("partitioned-index (safe)", "CREATE INDEX events_at_idx ON ONLY events (at)"),
            Map.entry("constraint-not-valid check", "ALTER TABLE child ADD CONSTRAINT child_price_check CHECK (price >= 0)"),
            Map.entry("constraint-not-valid check (safe)", "ALTER TABLE child ADD CONSTRAINT child_price_check CHECK (price >= 0) NOT VALID"),
            Map.entry("constraint-not-valid fk", "ALTER TABLE child ADD CONSTRAINT child_parent_fk2 FOREIGN KEY (parent_id) REFERENCES parent (id)"),
            Map.entry("constraint-not-valid fk (safe)", "ALTER TABLE child ADD CONSTRAINT child_parent_fk2 FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID"),
            Map.entry("validate constraint (safe step)", "ALTER TABLE child VALIDATE CONSTRAINT child_parent_fk"),
            Map.entry("unique-without-index", "ALTER TABLE child ADD CONSTRAINT child_note_key UNIQUE (note)"),
            Map.entry("unique-without-index (safe)", "ALTER TABLE child ADD CONSTRAINT child_label_unique UNIQUE USING INDEX child_label_key"),
            Map.entry("exclusion-constraint", "ALTER TABLE child ADD CONSTRAINT child_no_overlap EXCLUDE USING gist (during WITH &&)"),
            Map.entry("set-not-null", "ALTER TABLE child ALTER COLUMN amount SET NOT NULL"),
            Map.entry("add-required-column", "ALTER TABLE child ADD COLUMN flag boolean NOT NULL DEFAULT false"),
            Map.entry("volatile-default", "ALTER TABLE child ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp()"),
            Map.entry("volatile-default (safe)", "ALTER TABLE child ADD COLUMN seen_at timestamptz DEFAULT now()"),
            Map.entry("volatile-default serial", "ALTER TABLE child ADD COLUMN seq bigserial"),
            Map.entry("volatile-default generated", "ALTER TABLE child ADD COLUMN double_amount integer GENERATED ALWAYS AS (amount * 2) STORED"),
            Map.entry("column-type-rewrite", "ALTER TABLE child ALTER COLUMN amount TYPE bigint"),
            Map.entry("column-type-rewrite (safe varchar)", "ALTER TABLE child ALTER COLUMN label TYPE varchar(20)"),
            Map.entry("column-type-rewrite (safe text)", "ALTER TABLE child ALTER COLUMN label TYPE text"),
            Map.entry("column-type-rewrite (safe numeric)", "ALTER TABLE child ALTER COLUMN price TYPE numeric(12,2)"),
            Map.entry("drop-column", "ALTER TABLE child DROP COLUMN note"),
            Map.entry("rename", "ALTER TABLE child RENAME COLUMN note TO remark"),
            Map.entry("drop-table", "DROP TABLE parent_codes_source"),
            Map.entry("truncate", "TRUNCATE child"),
            Map.entry("rewrite-table cluster", "CLUSTER child USING child_pkey"),
            Map.entry("rewrite-table vacuum full", "VACUUM FULL child"),
            Map.entry("rewrite-table set unlogged", "ALTER TABLE child SET UNLOGGED"),
            Map.entry("detach-partition", "ALTER TABLE events DETACH PARTITION events_2026"),
            Map.entry("drop-table referencing a parent", "DROP TABLE child"),
            Map.entry("refresh-matview", "REFRESH MATERIALIZED VIEW parent_codes"),
            Map.entry("trigger-on-existing", "CREATE TRIGGER child_touch BEFORE UPDATE ON child FOR EACH ROW EXECUTE FUNCTION touch()"),
            Map.entry("enum-change", "ALTER TYPE mood ADD VALUE 'calm'"),
            Map.entry("unbounded-dml", "UPDATE child SET note = 'x'")));

    static TestDatabase db;

    @TempDir
    Path tmp;

    @BeforeAll
    static void database() {
        db = TestDatabase.create("agreement");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @Test
    void staticLocksAndRewritesMatchWhatTheServerDoes() throws Exception {
        List<String> disagreements = new ArrayList<>();
        for (Map.Entry<String, String> c : CORPUS.entrySet()) {
            disagreements.addAll(compare(c.getKey(), c.getValue()));
        }
        assertThat(disagreements).as("static analysis vs trace on PostgreSQL 15:\n" + String.join("\n", disagreements)).isEmpty();
    }

    private List<String> compare(String name, String sql) throws Exception {
        Path project = Files.createDirectories(tmp.resolve(name.replaceAll("[^a-z0-9]+", "_")));
        MigrationSet set = write(project, sql);
        Migration m = set.migrations().get(1);

        // static: predicted table locks (existing tables) and whether a rewrite rule fires
        Linter linter = Linter.standard(LintOptions.defaults());
        Analyzed a = linter.analyze(set).statements(m).get(0);
        Map<String, Locks.Mode> predicted = new TreeMap<>();
        for (Locks.Lock l : Locks.of(a.what(), a.before())) {
            predicted.merge(l.table(), l.mode(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
        }
        boolean predictsNewStorage = linter.lint(set, project).findings().stream()
                .filter(f -> m.id().equals(f.migration()))
                .map(Finding::ruleId).anyMatch(NEW_STORAGE_RULES::contains);

        // trace: on a fresh copy of the setup
        Statement statement = SqlSplitter.split(sql, name, 1).get(0);
        StatementTrace t;
        try (Connection c = db.open()) {
            try (var s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;" + SETUP);
            }
            StatementTracer tracer = new StatementTracer(c);
            tracer.startMigration();
            if (StatementAnalysis.requiresAutocommit(statement, 15)) {
                t = tracer.traceAutocommit(statement, 0);
            } else {
                c.setAutoCommit(false);
                t = tracer.traceInTransaction(statement, 0);
                c.rollback();
            }
        }
        List<String> out = new ArrayList<>();
        if (t.failed()) {
            out.add(name + ": the statement failed on the server: " + t.error());
            return out;
        }
        Map<String, String> observed = new TreeMap<>();
        for (LockTaken l : t.locks()) {
            if (l.kind().equals("table") || l.kind().equals("partitioned table") || l.kind().equals("materialized view")) {
                String table = l.relation().substring(l.relation().indexOf('.') + 1);
                observed.merge(table, l.mode(), (x, y) -> strength(x) >= strength(y) ? x : y);
            }
        }
        if (t.traced()) {
            for (Map.Entry<String, Locks.Mode> p : predicted.entrySet()) {
                String seen = observed.get(p.getKey());
                String want = toServer(p.getValue());
                if (!want.equals(seen)) {
                    out.add(name + ": static says " + p.getValue().sql() + " on " + p.getKey() + ", the server took "
                            + (seen == null ? "nothing" : seen));
                }
            }
            for (Map.Entry<String, String> o : observed.entrySet()) {
                if (strength(o.getValue()) >= strength("ShareLock") && !predicted.containsKey(o.getKey())) {
                    out.add(name + ": the server took " + o.getValue() + " on " + o.getKey() + ", static analysis predicts no lock there");
                }
            }
        }
        boolean rewrote = t.rewritten().stream().anyMatch(r -> !r.endsWith("(index)"));
        if (rewrote != predictsNewStorage) {
            out.add(name + ": static analysis " + (predictsNewStorage ? "predicts" : "does not predict") + " a rewrite, the server "
                    + (rewrote ? "rewrote " + t.rewritten() : "rewrote nothing"));
        }
        return out;
    }

    private static MigrationSet write(Path project, String sql) throws IOException {
        Path dir = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(dir.resolve("001_setup.sql"), "-- bulwark:up\n" + SETUP);
        Files.writeString(dir.resolve("002_case.sql"), "-- bulwark:up\n" + sql + ";\n");
        return MigrationSources.read(dir, null);
    }

    private static String toServer(Locks.Mode m) {
        return switch (m) {
            case ROW_EXCLUSIVE -> "RowExclusiveLock";
            case SHARE_UPDATE_EXCLUSIVE -> "ShareUpdateExclusiveLock";
            case SHARE -> "ShareLock";
            case SHARE_ROW_EXCLUSIVE -> "ShareRowExclusiveLock";
            case EXCLUSIVE -> "ExclusiveLock";
            case ACCESS_EXCLUSIVE -> "AccessExclusiveLock";
        };
    }

    private static int strength(String mode) {
        return new LockTaken("x", "table", mode).strength();
    }
}
