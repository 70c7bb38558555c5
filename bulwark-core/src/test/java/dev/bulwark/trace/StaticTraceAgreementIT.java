package dev.bulwark.trace;

import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.lint.Linter;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognizers;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.analysis.StatementEffect;
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
 * The statement model ({@link StatementEffect}: locks, rewrite, row changes) and lint's rewrite
 * rules against what PostgreSQL really does, statement by statement: one statement per rule of
 * docs/rules.md that has a lock or rewrite column, plus its safe form, statements whose rows change,
 * and down statements run after their up. A disagreement fails the test, so the model stays true
 * on the server we ship.
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
            CREATE FUNCTION pick() RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN 7; END$$;
            CREATE TABLE kid (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent (id) ON DELETE CASCADE);
            CREATE SCHEMA archive;
            CREATE TABLE archive.items (id int PRIMARY KEY);
            CREATE TABLE archive.notes (body text);
            INSERT INTO parent SELECT g, 'c' || g FROM generate_series(1, 3) g;
            INSERT INTO child SELECT g, NULL, g, 'l' || g, g, NULL, 'note ' || g FROM generate_series(1, 9) g;
            INSERT INTO kid SELECT g, g % 3 + 1 FROM generate_series(1, 9) g;
            INSERT INTO archive.items SELECT generate_series(1, 5);
            INSERT INTO archive.notes VALUES ('n');
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
            Map.entry("type change USING a plain cast", "ALTER TABLE child ALTER COLUMN label TYPE text USING label::text"),
            Map.entry("type change USING an expression", "ALTER TABLE child ALTER COLUMN label TYPE text USING lower(label)"),
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
            Map.entry("unbounded-dml", "UPDATE child SET note = 'x'"),
            Map.entry("delete cascades", "DELETE FROM parent WHERE id = 3"),
            Map.entry("insert", "INSERT INTO parent VALUES (10, 'new')"),
            Map.entry("truncate cascade", "TRUNCATE parent CASCADE"),
            Map.entry("lossy type change", "ALTER TABLE child ALTER COLUMN note TYPE varchar(2) USING left(note, 2)"),
            Map.entry("drop schema cascade", "DROP SCHEMA archive CASCADE"),
            Map.entry("create table with on delete restrict",
                    "CREATE TABLE orders (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent (id) ON DELETE RESTRICT)"),
            Map.entry("add column unique", "ALTER TABLE child ADD COLUMN email text UNIQUE"),
            Map.entry("add column default user function", "ALTER TABLE child ADD COLUMN picked int DEFAULT pick()"),
            Map.entry("create table as", "CREATE TABLE child_copy AS SELECT * FROM child"),
            Map.entry("index on materialized view", "CREATE INDEX parent_codes_n ON parent_codes (n)")));

    /** name → [the up, applied with the setup, and the down statement that undoes it]: downs are what runs in an incident. */
    private static final Map<String, String[]> DOWNS = new TreeMap<>(Map.ofEntries(
            Map.entry("down drop index", new String[]{"CREATE INDEX child_note_idx ON child (note)", "DROP INDEX child_note_idx"}),
            Map.entry("down drop index concurrently", new String[]{"CREATE INDEX child_note_idx ON child (note)",
                    "DROP INDEX CONCURRENTLY child_note_idx"}),
            Map.entry("down drop column", new String[]{"ALTER TABLE child ADD COLUMN flag boolean", "ALTER TABLE child DROP COLUMN flag"}),
            Map.entry("down drop fk", new String[]{
                    "ALTER TABLE child ADD CONSTRAINT child_parent_fk2 FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID",
                    "ALTER TABLE child DROP CONSTRAINT child_parent_fk2"}),
            Map.entry("down rename back", new String[]{"ALTER TABLE child RENAME COLUMN note TO remark",
                    "ALTER TABLE child RENAME COLUMN remark TO note"}),
            Map.entry("down drop table made by create table as", new String[]{"CREATE TABLE child_copy AS SELECT * FROM child",
                    "DROP TABLE child_copy"}),
            Map.entry("down delete seeded rows", new String[]{"INSERT INTO parent VALUES (10, 'new')", "DELETE FROM parent WHERE id = 10"}),
            Map.entry("down type back", new String[]{"ALTER TABLE child ALTER COLUMN amount TYPE bigint",
                    "ALTER TABLE child ALTER COLUMN amount TYPE integer"}),
            Map.entry("down drop trigger", new String[]{
                    "CREATE TRIGGER child_touch BEFORE UPDATE ON child FOR EACH ROW EXECUTE FUNCTION touch()",
                    "DROP TRIGGER child_touch ON child"})));

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
            disagreements.addAll(compare(c.getKey(), c.getValue(), null));
        }
        for (Map.Entry<String, String[]> c : DOWNS.entrySet()) {
            disagreements.addAll(compare(c.getKey(), c.getValue()[0], c.getValue()[1]));
        }
        assertThat(disagreements).as("static analysis vs trace on PostgreSQL 15:\n" + String.join("\n", disagreements)).isEmpty();
    }

    /**
     * One case: {@code up} alone, or with {@code down} the down statement traced after the up ran.
     * Static: the statement model over the schema folded from the setup (and the up). Server:
     * the trace, and each table's rows (count and a hash of their text) before and after.
     */
    private List<String> compare(String name, String up, String down) throws Exception {
        Path project = Files.createDirectories(tmp.resolve(name.replaceAll("[^a-z0-9]+", "_")));
        MigrationSet set = write(project, up);
        Migration m = set.migrations().get(1);
        String sql = down == null ? up : down;

        // static: the statement model (locks, rewrite, row changes)
        SchemaModel model = new SchemaModel();
        for (Statement s : SqlSplitter.split(SETUP, "setup", 1)) {
            model.apply(Recognizers.recognize(s), "1");
        }
        if (down != null) {
            model.apply(Recognizers.recognize(SqlSplitter.split(up, "up", 1).get(0)), m.id());
        }
        Statement statement = SqlSplitter.split(sql, name, 1).get(0);
        StatementEffect effect = StatementAnalysis.analyze(statement, Recognizers.recognize(statement), model,
                down == null ? m.id() : m.id() + " down", 15);
        Map<String, Locks.Mode> predicted = new TreeMap<>();
        for (Locks.Lock l : effect.locks()) {
            predicted.merge(l.table(), l.mode(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
        }
        boolean modelNewStorage = effect.rewrite() || effect.recognized() instanceof Recognized.Truncate;
        // lint's rewrite rules, for the ups (user functions in defaults: the volatile-default rule's own fixture)
        Boolean lintNewStorage = down != null || name.equals("add column default user function") ? null
                : Linter.standard(LintOptions.defaults()).lint(set, project).findings().stream()
                .filter(f -> m.id().equals(f.migration()))
                .map(Finding::ruleId).anyMatch(NEW_STORAGE_RULES::contains);

        // trace: on a fresh copy of the setup
        StatementTrace t;
        Map<String, String> rowsBefore;
        Map<String, String> rowsAfter;
        try (Connection c = db.open()) {
            try (var s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS archive CASCADE; CREATE SCHEMA public;" + SETUP
                        + (down != null ? up + ";" : ""));
            }
            StatementTracer tracer = new StatementTracer(c);
            tracer.startMigration();
            rowsBefore = rows(c);
            if (StatementAnalysis.requiresAutocommit(statement, 15)) {
                t = tracer.traceAutocommit(statement, 0);
                rowsAfter = rows(c);
            } else {
                c.setAutoCommit(false);
                t = tracer.traceInTransaction(statement, 0);
                rowsAfter = t.failed() ? rowsBefore : rows(c);
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
                observed.merge(modelName(l.relation()), l.mode(), (x, y) -> strength(x) >= strength(y) ? x : y);
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
        if (rewrote != modelNewStorage) {
            out.add(name + ": the statement model " + (modelNewStorage ? "predicts" : "does not predict") + " a rewrite, the server "
                    + (rewrote ? "rewrote " + t.rewritten() : "rewrote nothing"));
        }
        if (lintNewStorage != null && rewrote != lintNewStorage) {
            out.add(name + ": lint " + (lintNewStorage ? "predicts" : "does not predict") + " a rewrite, the server "
                    + (rewrote ? "rewrote " + t.rewritten() : "rewrote nothing"));
        }

        // rows: every table whose rows changed on the server is one the model says changes (what verify expects);
        // a drop, truncate or dropped column the model reports did change rows; what it calls harmless lost none
        Map<String, StatementEffect.RowChange> declared = new TreeMap<>();
        effect.rows().forEach(r -> declared.merge(r.table(), r, (x, y) -> x.destructive() ? x : y));
        for (Map.Entry<String, String> b : rowsBefore.entrySet()) {
            String after = rowsAfter.get(b.getKey());
            boolean changed = !b.getValue().equals(after);
            StatementEffect.RowChange d = declared.get(b.getKey());
            if (changed && d == null) {
                out.add(name + ": the server changed the rows of " + b.getKey() + ", the statement model declares no row change there");
            }
            if (d != null && d.destructive() && !changed && !b.getValue().startsWith("0:") && Set.of(StatementEffect.RowKind.DROP_TABLE,
                    StatementEffect.RowKind.TRUNCATE, StatementEffect.RowKind.DROP_COLUMN).contains(d.kind())) {
                out.add(name + ": the statement model says " + d.kind().label() + " " + b.getKey() + ", the server left its rows as they were");
            }
            if (d != null && !d.destructive() && (after == null || count(after) < count(b.getValue()))) {
                out.add(name + ": the statement model calls " + d.kind().label() + " on " + b.getKey() + " harmless, the server lost rows");
            }
        }
        return out;
    }

    /** Each user table's row count and a hash of its rows' text, keyed as the schema model keys tables. */
    private static Map<String, String> rows(Connection c) throws java.sql.SQLException {
        List<String> tables = new ArrayList<>();
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname),"
                + " n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'r' AND n.nspname IN ('public', 'archive')")) {
            while (rs.next()) {
                tables.add(rs.getString(1) + "\t" + rs.getString(2));
            }
        }
        Map<String, String> out = new TreeMap<>();
        for (String t : tables) {
            String[] parts = t.split("\t");
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|'"
                    + " ORDER BY x::text), '')) FROM " + parts[0] + " x")) {
                rs.next();
                out.put(modelName(parts[1]), rs.getString(1));
            }
        }
        return out;
    }

    private static long count(String rows) {
        return Long.parseLong(rows.substring(0, rows.indexOf(':')));
    }

    /** {@code public.t} → {@code t}, {@code archive.t} stays: the schema model's keys. */
    private static String modelName(String relation) {
        return relation.startsWith("public.") ? relation.substring("public.".length()) : relation;
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
