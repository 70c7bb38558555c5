package dev.bulwark.copy;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopyIT {
    /** A foreign-key cycle, a self-reference, a partitioned table, every type the issue names, and awkward names. */
    static final String SCHEMA = """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
            CREATE TYPE pair AS (label text, at timestamptz);
            CREATE SCHEMA "Sales Ünit";

            CREATE TABLE authors (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL,
                                  favourite_book bigint);
            CREATE TABLE books (id bigserial PRIMARY KEY, author_id bigint NOT NULL REFERENCES authors,
                                title text NOT NULL UNIQUE);
            ALTER TABLE authors ADD FOREIGN KEY (favourite_book) REFERENCES books;
            CREATE TABLE employees (id int PRIMARY KEY, manager_id int REFERENCES employees, name text);

            CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, payload jsonb, PRIMARY KEY (id, at))
                PARTITION BY RANGE (at);
            CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            CREATE INDEX events_payload ON events USING gin (payload);
            CREATE TABLE event_notes (id serial PRIMARY KEY, event_id bigint, event_at date, note text,
                                      FOREIGN KEY (event_id, event_at) REFERENCES events);

            CREATE TABLE "Sales Ünit"."Order ""Items""\" (
                "Order ID" int PRIMARY KEY, "Mixed Case" text, "Ünïcode ✓" text,
                ints int[], texts text[], moods mood[], feeling mood, j jsonb, js json, raw bytea, amount numeric(20, 6),
                big numeric, ts timestamp, tstz timestamptz, d date, t time, ttz timetz, took interval,
                score positive, scores positive[], p pair, ps pair[], span int4range, when_ tstzrange, nr numrange,
                u uuid, ip inet, net cidr, mac macaddr, flag boolean, f4 real, f8 double precision, money_ money,
                bits bit varying(16), doc tsvector, x xml, pt point,
                total numeric GENERATED ALWAYS AS (amount * 2) STORED);
            CREATE INDEX "Items by ""mixed"" case" ON "Sales Ünit"."Order ""Items""\" ("Mixed Case");
            CREATE VIEW "Sales Ünit".happy_items AS SELECT "Order ID" FROM "Sales Ünit"."Order ""Items""\" WHERE feeling = 'happy';
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := NEW.name; RETURN NEW; END $$;
            CREATE TRIGGER touch_employees BEFORE UPDATE ON employees FOR EACH ROW EXECUTE FUNCTION touch();
            """;

    static final String DATA = """
            INSERT INTO authors (name) SELECT 'author ' || g FROM generate_series(1, 300) g;
            INSERT INTO books (author_id, title) SELECT 1 + g % 300, 'book ' || g FROM generate_series(1, 2000) g;
            UPDATE authors SET favourite_book = id * 3;
            INSERT INTO employees VALUES (1, NULL, 'boss');
            INSERT INTO employees SELECT g, g / 2, 'e' || g FROM generate_series(2, 500) g;
            INSERT INTO events SELECT g, DATE '2025-06-01' + (g % 400), jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g))
                FROM generate_series(1, 3000) g;
            INSERT INTO event_notes (event_id, event_at, note) SELECT id, at, 'note ' || id FROM events WHERE id % 3 = 0;
            INSERT INTO "Sales Ünit"."Order ""Items""\" ("Order ID", "Mixed Case", "Ünïcode ✓", ints, texts, moods, feeling,
                j, js, raw, amount, big, ts, tstz, d, t, ttz, took, score, scores, p, ps, span, when_, nr, u, ip, net, mac,
                flag, f4, f8, money_, bits, doc, x, pt)
            SELECT g, 'Row ' || g, 'ünï ' || g || ' ✓ "quoted" \\ back', ARRAY[g, NULL, -g], ARRAY['a b', NULL, 'c"d', E'new\\nline'],
                ARRAY['sad', 'happy']::mood[], (ARRAY['sad', 'ok', 'happy'])[1 + g % 3]::mood,
                jsonb_build_object('k', g, 'nested', jsonb_build_object('x', 1.50)), '{"b": 1,  "a": [1, 2]}',
                decode(md5(g::text), 'hex') || '\\x00ff'::bytea, g * 1.000001, 12345678901234567890.123456789 * g,
                TIMESTAMP '2026-03-29 01:30:00' + g * interval '1 hour', TIMESTAMPTZ '2026-10-25 00:30:00+02' + g * interval '17 minutes',
                DATE '2000-02-29' + g, TIME '23:59:59.999999', TIMETZ '12:00:00+05:30', make_interval(months => g, days => -g, secs => g / 3.0),
                g, ARRAY[g, g + 1]::positive[], ROW('pair ' || g, TIMESTAMPTZ '2026-01-01 00:00:00+00')::pair,
                ARRAY[ROW('x', NULL)::pair, NULL], int4range(g, g + 10), tstzrange(now() - interval '1 day', NULL), numrange(NULL, g),
                md5(g::text)::uuid, ('10.0.' || (g % 256) || '.1/16')::inet, '192.168.0.0/16', '08:00:2b:01:02:03',
                g % 2 = 0, g / 3.0, 1.0 / g, g * 1.25, (g % 65536)::bit(16)::varbit, to_tsvector('english', 'the quick fox ' || g),
                ('<r n="' || g || '"/>')::xml, point(g, -g)
            FROM generate_series(1, 400) g;
            INSERT INTO "Sales Ünit"."Order ""Items""\" ("Order ID", "Mixed Case") VALUES (1000, NULL);
            UPDATE "Sales Ünit"."Order ""Items""\" SET f8 = 'NaN', f4 = '-Infinity', ts = 'infinity' WHERE "Order ID" = 7;
            ANALYZE;
            """;

    TestDatabase source;
    TestDatabase target;

    @BeforeEach
    void create() throws SQLException {
        source = TestDatabase.create("copy_src");
        target = TestDatabase.create("copy_dst");
        sql(source, SCHEMA + DATA);
    }

    @AfterEach
    void drop() {
        source.close();
        target.close();
    }

    static void sql(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every table's rows as text, sorted: what "identical" means, independent of the fingerprints under test. */
    static Map<String, List<String>> contents(TestDatabase db) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'; SET extra_float_digits = 3");
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname NOT LIKE 'pg_toast%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT x::text FROM " + t + " x ORDER BY 1")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
                out.put(t, rows);
            }
        }
        return out;
    }

    CopyOptions options() {
        return CopyOptions.defaults().withJobs(2).withSplitRows(500).withChunkRows(200);
    }

    @Test
    void copiesCycleSelfReferencePartitionsAndEveryTypeExactlyAndVerifiesClean() throws SQLException {
        CopyResult r = new Copier(source.spec(), target.spec(), options(), CopyListener.SILENT).run();

        assertThat(r.problems()).isEmpty();
        assertThat(r.verified()).isTrue();
        assertThat(contents(target)).isEqualTo(contents(source));
        // big enough tables went in ranges; the composite/enum-array table fell back to text
        assertThat(r.tables()).filteredOn(t -> t.table().name().equals("books")).singleElement()
                .satisfies(t -> assertThat(t.units()).isGreaterThan(1));
        assertThat(r.tables()).filteredOn(t -> t.table().name().equals("Order \"Items\"")).singleElement()
                .satisfies(t -> assertThat(t.binary()).isFalse());
        assertThat(r.tables()).filteredOn(t -> t.table().name().equals("employees")).singleElement()
                .satisfies(t -> assertThat(t.binary()).isTrue());
        // constraints are back and validated, sequences continue where the source's are
        assertThat(count(target, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated")).isZero();
        assertThat(count(target, "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
                + " WHERE n.nspname <> 'pg_catalog'"))
                .isEqualTo(count(source, "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
                        + " WHERE n.nspname <> 'pg_catalog'"));
        assertThat(count(target, "SELECT nextval('books_id_seq')")).isEqualTo(2001);
        sql(target, "INSERT INTO authors (name) VALUES ('new')");
        assertThat(count(target, "SELECT max(id) FROM authors")).isEqualTo(301);
        assertThat(count(target, "SELECT count(*) FROM pg_namespace WHERE nspname = '_bulwark_copy'")).isZero();
    }

    @Test
    void refusesATargetThatAlreadyHasTables() throws SQLException {
        sql(target, "CREATE TABLE existing (id int)");
        assertThatThrownBy(() -> new Copier(source.spec(), target.spec(), options(), CopyListener.SILENT).run())
                .isInstanceOf(BulwarkException.class)
                .hasMessageContaining("already has tables (public.existing)")
                .extracting(e -> ((BulwarkException) e).code()).isEqualTo(ErrorCode.USAGE);
    }

    @Test
    void verificationNamesTheTableAndRangeThatDiffers() throws SQLException {
        verificationNamesTheTableAndRangeThatDiffers(false);
    }

    @Test
    void verificationByServerFingerprintsAsBetweenVersionsNamesTheTableAndRangeToo() throws SQLException {
        verificationNamesTheTableAndRangeThatDiffers(true);
    }

    void verificationNamesTheTableAndRangeThatDiffers(boolean serverFingerprints) throws SQLException {
        // a trigger that fires even in replica mode drops one row on its way into the target
        sql(source, """
                CREATE FUNCTION public.lose() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.id = 450 THEN RETURN NULL; END IF; RETURN NEW; END $$;
                CREATE TRIGGER lose BEFORE INSERT ON public.employees FOR EACH ROW EXECUTE FUNCTION public.lose();
                ALTER TABLE public.employees ENABLE ALWAYS TRIGGER lose;
                """);
        CopyResult schema = new Copier(source.spec(), target.spec(), options().withSchemaOnly(true), CopyListener.SILENT).run();
        assertThat(schema.problems()).isEmpty();

        Copier copier = new Copier(source.spec(), target.spec(), options().withDataOnly(true), CopyListener.SILENT);
        CopyResult r = (serverFingerprints ? copier.withServerFingerprints() : copier).run();

        assertThat(r.problems()).extracting(CopyResult.Problem::toString)
                .singleElement().satisfies(p -> {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                            "public\\.employees: target differs from source in chunk \\d+ \\(\"id\" (\\d+)\\.\\.(\\d+)\\): 1 row removed")
                            .matcher(p);
                    assertThat(m.find()).as(p).isTrue();
                    assertThat(Long.parseLong(m.group(1))).isLessThanOrEqualTo(450);
                    assertThat(Long.parseLong(m.group(2))).isGreaterThanOrEqualTo(450);
                });
    }

    @Test
    void dataOnlyStopsAndListsSchemaDifferences() throws SQLException {
        new Copier(source.spec(), target.spec(), options().withSchemaOnly(true), CopyListener.SILENT).run();
        sql(target, "ALTER TABLE employees ADD COLUMN extra int; DROP INDEX \"Sales Ünit\".\"Items by \"\"mixed\"\" case\"");

        assertThatThrownBy(() -> new Copier(source.spec(), target.spec(), options().withDataOnly(true), CopyListener.SILENT).run())
                .isInstanceOf(BulwarkException.class)
                .hasMessageContaining("--data-only: the target's schema differs from the source's in 2 objects")
                .hasMessageContaining("added column public.employees.extra")
                .hasMessageContaining("removed index \"Sales Ünit\".\"Items by \"\"mixed\"\" case\"");
    }

    @Test
    void tablesAndExcludeSelectWhatIsCopied() throws SQLException {
        CopyOptions only = options().withTables(new TablePatterns(List.of("public.e*"), List.of("event_notes")));
        CopyResult r = new Copier(source.spec(), target.spec(), only, CopyListener.SILENT).run();

        assertThat(r.problems()).isEmpty();
        assertThat(r.tables()).extracting(t -> t.table().name())
                .containsExactlyInAnyOrder("employees", "events_2025", "events_2026");
        assertThat(count(target, "SELECT count(*) FROM pg_tables WHERE tablename IN ('authors', 'event_notes')")).isZero();
        assertThat(count(target, "SELECT count(*) FROM events")).isEqualTo(3000);
    }

    @Test
    void loadsTablesInForeignKeyLevelsWithTheCycleSharingOne() throws SQLException {
        List<CopyUnit> order = java.util.Collections.synchronizedList(new ArrayList<>());
        CopyResult r = new Copier(source.spec(), target.spec(), options().withJobs(1), new CopyListener() {
            @Override
            public void unitCopied(CopyUnit unit, long rows, long bytes) {
                order.add(unit);
            }
        }).run();

        Map<String, Integer> level = new TreeMap<>();
        r.tables().forEach(t -> level.put(t.table().name(), t.level()));
        assertThat(level.get("authors")).isEqualTo(level.get("books")).isZero();
        assertThat(level.get("event_notes")).isEqualTo(level.get("events_2025") + 1);
        List<Integer> levels = order.stream().map(CopyUnit::level).toList();
        assertThat(levels).isSorted();
        assertThat(order).extracting(CopyUnit::table).contains(new TableRef("public", "employees"));
    }

    @Test
    void aCopyKilledMidwayAndResumedVerifiesCleanWithNoDuplicateRows() throws SQLException {
        sql(source, "CREATE TABLE no_key (v text); INSERT INTO no_key SELECT 'same' FROM generate_series(1, 700); ANALYZE no_key");
        AtomicInteger units = new AtomicInteger();
        CopyListener killer = new CopyListener() {
            @Override
            public void unitCopied(CopyUnit unit, long rows, long bytes) {
                if (units.incrementAndGet() == 3) {
                    terminateCopySessions();
                }
            }
        };
        assertThatThrownBy(() -> new Copier(source.spec(), target.spec(), options(), killer).run())
                .isInstanceOf(BulwarkException.class);
        long copiedBefore = count(target, "SELECT count(*) FROM _bulwark_copy.state WHERE step LIKE 'data %'");
        assertThat(copiedBefore).isBetween(1L, 20L);

        assertThatThrownBy(() -> new Copier(source.spec(), target.spec(), options(), CopyListener.SILENT).run())
                .isInstanceOf(BulwarkException.class).hasMessageContaining("holds an unfinished copy")
                .extracting(e -> ((BulwarkException) e).fix()).asString().contains("--resume");

        List<CopyUnit> redone = java.util.Collections.synchronizedList(new ArrayList<>());
        CopyResult r = new Copier(source.spec(), target.spec(), options().withResume(true), new CopyListener() {
            @Override
            public void unitCopied(CopyUnit unit, long rows, long bytes) {
                redone.add(unit);
            }
        }).run();

        assertThat(r.problems()).isEmpty();
        assertThat(contents(target)).isEqualTo(contents(source));
        assertThat(count(target, "SELECT count(*) FROM no_key")).isEqualTo(700);
        assertThat(r.tables()).anyMatch(CopyResult.TableResult::resumed);
        int total = r.tables().stream().mapToInt(CopyResult.TableResult::units).sum();
        assertThat(redone).hasSize(total - (int) copiedBefore);
    }

    @Test
    void aCopyWhileTheSourceTakesWritesYieldsExactlyTheSnapshotState() throws SQLException {
        Map<String, List<String>> atStart = contents(source);
        CopyListener writer = new CopyListener() {
            @Override
            public void planned(List<TablePlan> tables) {
                // the snapshot is exported by now: none of this may reach the target
                try (Connection c = source.open(); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO books (author_id, title) SELECT 1, 'late ' || g FROM generate_series(1, 50) g;"
                            + " UPDATE employees SET name = 'renamed' WHERE id <= 100; DELETE FROM event_notes WHERE id % 2 = 0;"
                            + " INSERT INTO events VALUES (99999, '2026-05-05', '{}')");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };

        CopyResult r = new Copier(source.spec(), target.spec(), options(), writer).run();

        assertThat(r.problems()).isEmpty();
        assertThat(contents(target)).isEqualTo(atStart).isNotEqualTo(contents(source));
        // the sequence is read at the end, so it never hands out a value the source already used
        assertThat(count(target, "SELECT nextval('books_id_seq')")).isEqualTo(2051);
    }

    @Test
    void dataOnlyWithoutTheRightToDisableKeysLoadsLevelByLevelWithKeysActive() throws SQLException {
        CopyOptions some = options().withTables(new TablePatterns(List.of("public.employees", "public.event*"), List.of()));
        new Copier(source.spec(), target.spec(), some.withSchemaOnly(true), CopyListener.SILENT).run();
        String role = "copy_plain_" + ProcessHandle.current().pid();
        sql(target, "CREATE ROLE " + role + " LOGIN; GRANT CREATE ON DATABASE " + target.name() + " TO " + role
                + "; GRANT USAGE ON SCHEMA public TO " + role + "; GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role
                + "; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + role);
        try {
            List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
            List<CopyUnit> order = java.util.Collections.synchronizedList(new ArrayList<>());
            dev.bulwark.pg.ConnectionSpec plain = new dev.bulwark.pg.ConnectionSpec(target.spec().jdbcUrl(), role, null, Map.of());
            CopyResult r = new Copier(source.spec(), plain, some.withDataOnly(true), new CopyListener() {
                @Override
                public void warn(String line) {
                    warnings.add(line);
                }

                @Override
                public void unitCopied(CopyUnit unit, long rows, long bytes) {
                    order.add(unit);
                }
            }).run();

            assertThat(r.problems()).isEmpty();
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("loading level by level"));
            // every event partition is in before the first note that references one
            int lastEvent = 0;
            int firstNote = Integer.MAX_VALUE;
            for (int i = 0; i < order.size(); i++) {
                if (order.get(i).table().name().startsWith("events_")) {
                    lastEvent = i;
                } else if (order.get(i).table().name().equals("event_notes")) {
                    firstNote = Math.min(firstNote, i);
                }
            }
            assertThat(lastEvent).isLessThan(firstNote);
            assertThat(count(target, "SELECT count(*) FROM event_notes")).isEqualTo(1000);
        } finally {
            sql(target, "DROP OWNED BY " + role + "; DROP ROLE " + role);
        }
    }

    @Test
    void aCopyKilledWhileBuildingIndexesAndKeysResumesToTheSameResult() throws SQLException {
        int tables = (int) count(source, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')");
        AtomicInteger copied = new AtomicInteger();
        CopyListener killer = new CopyListener() {
            @Override
            public void tableCopied(TableRef table, long rows, long bytes, java.time.Duration took) {
                if (copied.incrementAndGet() == tables) { // every row is in; indexes and keys are being built
                    terminateCopySessions();
                }
            }
        };
        assertThatThrownBy(() -> new Copier(source.spec(), target.spec(), options(), killer).run())
                .isInstanceOf(BulwarkException.class);
        assertThat(count(target, "SELECT count(*) FROM _bulwark_copy.state WHERE step LIKE 'data %'"))
                .as("every unit was recorded before the kill").isGreaterThanOrEqualTo(tables);

        CopyResult r = new Copier(source.spec(), target.spec(), options().withResume(true), CopyListener.SILENT).run();

        assertThat(r.problems()).isEmpty();
        assertThat(contents(target)).isEqualTo(contents(source));
        assertThat(count(target, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg_%'"))
                .isEqualTo(count(source, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg_%'"));
    }

    /** What a crash of the copying process looks like to the target: every copy session gone at once. */
    void terminateCopySessions() {
        try (Connection c = target.open(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'bulwark-copy%'"
                    + " AND datname = current_database() AND pid <> pg_backend_pid()");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withoutPgDumpTheSchemaIsGeneratedFromTheCatalogAndVerifiesClean() throws SQLException {
        try (TestDatabase plain = TestDatabase.create("copy_plain_src"); TestDatabase into = TestDatabase.create("copy_plain_dst")) {
            sql(plain, """
                    CREATE TYPE mood AS ENUM ('sad', 'it''s ok');
                    CREATE SCHEMA "Sales Ünit";
                    CREATE TABLE "Sales Ünit"."Order ""Items""\" ("Order ID" bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY,
                        qty int NOT NULL CHECK (qty > 0), feeling mood DEFAULT 'sad', moods mood[], price numeric(10, 2),
                        total numeric GENERATED ALWAYS AS (qty * price) STORED, code text UNIQUE);
                    CREATE UNLOGGED TABLE notes (id serial PRIMARY KEY, item_id bigint REFERENCES "Sales Ünit"."Order ""Items""\",
                        parent_id int REFERENCES notes, body text);
                    ALTER TABLE notes ADD CONSTRAINT body_short CHECK (length(body) < 100) NOT VALID;
                    CREATE INDEX notes_body ON notes (lower(body)) WHERE body IS NOT NULL;
                    CREATE SEQUENCE invoice_numbers START WITH 1000;
                    INSERT INTO "Sales Ünit"."Order ""Items""\" (qty, feeling, moods, price, code)
                        SELECT g, 'it''s ok', ARRAY['sad']::mood[], g / 3.0, 'c' || g FROM generate_series(1, 300) g;
                    INSERT INTO notes (item_id, parent_id, body) SELECT 10 + 5 * (g % 300), NULLIF(g - 1, 0), 'n' || g
                        FROM generate_series(1, 200) g;
                    SELECT nextval('invoice_numbers'); ANALYZE;
                    """);
            List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
            CopyResult r = new Copier(plain.spec(), into.spec(), options().withPgDump(java.nio.file.Path.of("/nonexistent/pg_dump")),
                    new CopyListener() {
                        @Override
                        public void warn(String line) {
                            warnings.add(line);
                        }
                    }).run();

            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("generating the schema from the catalog"));
            assertThat(r.problems()).isEmpty(); // the catalog diff included: the generated schema is the source's
            assertThat(contents(into)).isEqualTo(contents(plain));
            assertThat(count(into, "SELECT nextval('invoice_numbers')")).isEqualTo(1001);
        }
    }

    @Test
    void withoutPgDumpASchemaWithFunctionsOrDomainsIsRefusedNamingThem() {
        assertThatThrownBy(() -> new Copier(source.spec(), target.spec(),
                options().withPgDump(java.nio.file.Path.of("/nonexistent/pg_dump")), CopyListener.SILENT).run())
                .isInstanceOf(BulwarkException.class)
                .hasMessageStartingWith("no pg_dump of version 15 or newer found at /nonexistent/pg_dump, and the schema has what")
                .hasMessageContaining("function public.touch()").hasMessageContaining("type public.positive");
    }
}
