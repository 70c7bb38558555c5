package dev.bulwark.catalog;

import dev.bulwark.catalog.CatalogDiff.Kind;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogIT {
    static final String SCHEMA = """
            CREATE SCHEMA "Shop Ü";
            CREATE TYPE "Shop Ü".status AS ENUM ('new', 'paid', 'shipped');
            CREATE TABLE "Shop Ü"."Customer" (
                "Id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                "e""mail" text NOT NULL UNIQUE,
                name text DEFAULT 'anon',
                name_upper text GENERATED ALWAYS AS (upper(name)) STORED);
            CREATE TABLE "Shop Ü".orders (
                id serial PRIMARY KEY,
                customer_id bigint REFERENCES "Shop Ü"."Customer" ("Id") ON DELETE CASCADE,
                status "Shop Ü".status NOT NULL DEFAULT 'new');
            CREATE INDEX ON "Shop Ü".orders (customer_id);
            CREATE TABLE "Shop Ü".order_lines (
                order_id int NOT NULL REFERENCES "Shop Ü".orders ON DELETE CASCADE,
                line int NOT NULL,
                note_id int,
                PRIMARY KEY (order_id, line));
            CREATE TABLE "Shop Ü".notes (id int PRIMARY KEY, parent int REFERENCES "Shop Ü".notes ON DELETE SET NULL);
            ALTER TABLE "Shop Ü".order_lines ADD CONSTRAINT lines_note FOREIGN KEY (note_id) REFERENCES "Shop Ü".notes
                ON DELETE SET NULL NOT VALID;
            CREATE UNLOGGED TABLE "Shop Ü".scratch (x int);
            CREATE TABLE "Shop Ü".events (at date NOT NULL, what text) PARTITION BY RANGE (at);
            CREATE TABLE "Shop Ü".events_2026 PARTITION OF "Shop Ü".events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            CREATE VIEW "Shop Ü".paid AS SELECT id FROM "Shop Ü".orders WHERE status = 'paid';
            CREATE MATERIALIZED VIEW "Shop Ü".counts AS SELECT count(*) AS n FROM "Shop Ü".orders;
            CREATE FUNCTION "Shop Ü".touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            CREATE TRIGGER touch BEFORE UPDATE ON "Shop Ü".orders FOR EACH ROW EXECUTE FUNCTION "Shop Ü".touch();
            CREATE SEQUENCE "Shop Ü".tickets START 100;
            """;

    static TestDatabase db;
    static CatalogSnapshot snapshot;

    @BeforeAll
    static void build() throws SQLException {
        db = TestDatabase.create("catalog");
        execute(SCHEMA + "INSERT INTO \"Shop Ü\".orders DEFAULT VALUES; SELECT nextval('\"Shop Ü\".tickets');");
        snapshot = read();
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    static void execute(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static CatalogSnapshot read() {
        try (Connection c = db.open()) {
            return new CatalogReader(c).read(List.of("Shop Ü"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static TableRef t(String name) {
        return new TableRef("Shop Ü", name);
    }

    @Test
    void readsTablesWithPersistencePartitioningAndColumns() {
        assertThat(snapshot.tables()).extracting(CatalogSnapshot.Table::name)
                .containsExactly("Customer", "events", "events_2026", "notes", "order_lines", "orders", "scratch");
        assertThat(snapshot.table(t("scratch")).orElseThrow().persistence()).isEqualTo("unlogged");
        assertThat(snapshot.table(t("events")).orElseThrow().partitionKey()).isEqualTo("RANGE (at)");
        CatalogSnapshot.Table part = snapshot.table(t("events_2026")).orElseThrow();
        assertThat(part.partitionOf()).isEqualTo(t("events"));
        assertThat(part.partitionBound()).contains("2026-01-01");

        CatalogSnapshot.Table customer = snapshot.table(t("Customer")).orElseThrow();
        assertThat(customer.columns()).extracting(CatalogSnapshot.Column::name)
                .containsExactly("Id", "e\"mail", "name", "name_upper");
        assertThat(customer.column("Id").orElseThrow().identity()).isEqualTo("always");
        assertThat(customer.column("name").orElseThrow().defaultExpression()).isEqualTo("'anon'::text");
        assertThat(customer.column("name_upper").orElseThrow().generated()).isEqualTo("stored");
        assertThat(customer.column("e\"mail").orElseThrow().notNull()).isTrue();
    }

    @Test
    void readsConstraintsWithValidationActionsAndColumns() {
        CatalogSnapshot.Constraint note = snapshot.constraintsOf(t("order_lines")).stream()
                .filter(c -> c.name().equals("lines_note")).findFirst().orElseThrow();
        assertThat(note.kind()).isEqualTo(ConstraintKind.FOREIGN_KEY);
        assertThat(note.validated()).isFalse();
        assertThat(note.onDelete()).isEqualTo(FkAction.SET_NULL);
        assertThat(note.onUpdate()).isEqualTo(FkAction.NO_ACTION);
        assertThat(note.match()).isEqualTo(FkMatch.SIMPLE);
        assertThat(note.references()).isEqualTo(t("notes"));
        assertThat(note.definition()).contains("NOT VALID");
        CatalogSnapshot.Constraint pk = snapshot.constraintsOf(t("order_lines")).stream()
                .filter(c -> c.kind() == ConstraintKind.PRIMARY_KEY).findFirst().orElseThrow();
        assertThat(pk.columns()).containsExactly("order_id", "line");
    }

    @Test
    void readsIndexesSequencesViewsFunctionsTriggersEnums() {
        assertThat(snapshot.indexesOf(t("orders"))).extracting(CatalogSnapshot.Index::name)
                .containsExactly("orders_customer_id_idx", "orders_pkey");
        CatalogSnapshot.Index pkey = snapshot.indexesOf(t("orders")).stream().filter(CatalogSnapshot.Index::primary)
                .findFirst().orElseThrow();
        assertThat(pkey.valid()).isTrue();
        assertThat(pkey.keyColumns()).containsExactly("id");
        assertThat(pkey.constraint()).isEqualTo("orders_pkey");

        CatalogSnapshot.Sequence serial = snapshot.sequences().stream().filter(s -> s.name().equals("orders_id_seq"))
                .findFirst().orElseThrow();
        assertThat(serial.ownedBy()).isEqualTo(t("orders"));
        assertThat(serial.ownedByColumn()).isEqualTo("id");
        assertThat(serial.lastValue()).isEqualTo(1L);
        CatalogSnapshot.Sequence identity = snapshot.sequences().stream().filter(s -> s.ownedBy() != null
                && s.ownedBy().equals(t("Customer"))).findFirst().orElseThrow();
        assertThat(identity.ownedByColumn()).isEqualTo("Id");
        assertThat(identity.lastValue()).isNull();
        assertThat(snapshot.sequences().stream().filter(s -> s.name().equals("tickets")).findFirst().orElseThrow()
                .lastValue()).isEqualTo(100L);

        assertThat(snapshot.views()).extracting(CatalogSnapshot.View::name, CatalogSnapshot.View::materialized)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("counts", true), org.assertj.core.groups.Tuple.tuple("paid", false));
        assertThat(snapshot.functions()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("touch");
            assertThat(f.language()).isEqualTo("plpgsql");
            assertThat(f.bodyMd5()).hasSize(32);
        });
        assertThat(snapshot.triggers()).singleElement().satisfies(tr -> assertThat(tr.table()).isEqualTo(t("orders")));
        assertThat(snapshot.enums()).singleElement().satisfies(e -> assertThat(e.labels()).containsExactly("new", "paid", "shipped"));
        assertThat(snapshot.schemas()).extracting(CatalogSnapshot.Schema::name).containsExactly("Shop Ü");
        assertThat(snapshot.extensions()).extracting(CatalogSnapshot.Extension::name).contains("plpgsql");
    }

    @Test
    void jsonRoundTripGivesAnEqualSnapshot() {
        String json = CatalogJson.write(snapshot);
        CatalogSnapshot back = CatalogJson.read(json, CatalogSnapshot.class);
        assertThat(back).isEqualTo(snapshot);
        assertThat(CatalogJson.write(back)).isEqualTo(json);
    }

    @Test
    void unchangedSchemaDiffsEmptyEvenAfterDataChanges() throws SQLException {
        execute("INSERT INTO \"Shop Ü\".orders DEFAULT VALUES; ANALYZE \"Shop Ü\".orders");
        assertThat(CatalogDiff.between(snapshot, read()).changes()).isEmpty();
    }

    @Test
    void diffReportsAddedRemovedAndChangedAttributes() throws SQLException {
        try (TestDatabase other = TestDatabase.create("catalog-diff")) {
            CatalogSnapshot before;
            CatalogSnapshot after;
            try (Connection c = other.open(); Statement s = c.createStatement()) {
                s.execute(SCHEMA);
                before = new CatalogReader(c).read(List.of("Shop Ü"));
                s.execute("""
                        ALTER TABLE "Shop Ü".order_lines VALIDATE CONSTRAINT lines_note;
                        ALTER TABLE "Shop Ü"."Customer" ALTER COLUMN "e""mail" TYPE varchar(80);
                        DROP TABLE "Shop Ü".scratch;
                        CREATE INDEX lines_note_idx ON "Shop Ü".order_lines (note_id);
                        """);
                after = new CatalogReader(c).read(List.of("Shop Ü"));
            }
            List<String> changes = CatalogDiff.between(before, after).changes().stream().map(Object::toString).toList();
            assertThat(changes).containsExactly(
                    "changed column \"Shop Ü\".\"Customer\".\"e\"\"mail\"; type: text -> character varying(80)",
                    "removed column \"Shop Ü\".scratch.x",
                    "changed constraint \"Shop Ü\".order_lines.lines_note; definition: FOREIGN KEY (note_id) REFERENCES \"Shop Ü\".notes(id) ON DELETE SET NULL NOT VALID -> FOREIGN KEY (note_id) REFERENCES \"Shop Ü\".notes(id) ON DELETE SET NULL; validated: false -> true",
                    "added index \"Shop Ü\".lines_note_idx",
                    "removed table \"Shop Ü\".scratch");
        }
    }

    @Test
    void fkGraphCarriesActionsAndFollowsCascadeChains() {
        ForeignKeyGraph g = ForeignKeyGraph.of(snapshot);
        CascadeReach reach = g.cascadeFrom(t("Customer"));
        assertThat(reach.deleted()).extracting(CascadeReach.Reached::table, CascadeReach.Reached::depth)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(t("orders"), 1),
                        org.assertj.core.groups.Tuple.tuple(t("order_lines"), 2));
        CascadeReach.Reached lines = reach.deleted().get(1);
        assertThat(lines.path()).extracting(ForeignKeyEdge::name).containsExactly("orders_customer_id_fkey", "order_lines_order_id_fkey");
        // order_lines(order_id) leads its primary key; orders(customer_id) has its own index
        assertThat(lines.allIndexed()).isTrue();
        assertThat(g.cascadeFrom(t("notes")).nulled()).extracting(ForeignKeyEdge::name)
                .containsExactly("notes_parent_fkey", "lines_note");
        assertThat(g.declaredOn(t("order_lines"))).extracting(ForeignKeyEdge::onDelete)
                .containsExactly(FkAction.SET_NULL, FkAction.CASCADE);
        assertThat(g.cycles()).containsExactly(List.of(t("notes")));
    }

    @Test
    void unindexedForeignKeyIsNotCountedAsIndexed() {
        ForeignKeyGraph g = ForeignKeyGraph.of(snapshot);
        ForeignKeyEdge note = g.referencing(t("notes")).stream().filter(e -> e.name().equals("lines_note")).findFirst().orElseThrow();
        assertThat(note.indexed()).isFalse();
    }
}
