package dev.bulwark.catalog;

import dev.bulwark.catalog.CatalogSnapshot.Column;
import dev.bulwark.catalog.CatalogSnapshot.Sequence;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogDiffTest {
    static CatalogSnapshot snapshot(List<Table> tables, List<Sequence> sequences) {
        return new CatalogSnapshot("15", Instant.EPOCH, List.of(), List.of(), tables, List.of(), List.of(), sequences,
                List.of(), List.of(), List.of(), List.of(), List.of());
    }

    static Table table(String name, long rows, Column... columns) {
        return new Table("public", name, "permanent", null, null, null, rows, rows * 100, List.of(columns));
    }

    @Test
    void statisticsAndColumnPositionsAreNotChanges() {
        CatalogSnapshot a = snapshot(List.of(table("t", 10, new Column("a", 1, "int", false, null, null, null))),
                List.of(new Sequence("public", "s", "bigint", 1, 1, 1, Long.MAX_VALUE, 5L, null, null)));
        CatalogSnapshot b = snapshot(List.of(table("t", 99_999, new Column("a", 2, "int", false, null, null, null))),
                List.of(new Sequence("public", "s", "bigint", 1, 1, 1, Long.MAX_VALUE, 900L, null, null)));
        assertThat(CatalogDiff.between(a, b).isEmpty()).isTrue();
    }

    @Test
    void changesAreSortedByTypeThenNameAndListEveryDifferingAttribute() {
        CatalogSnapshot a = snapshot(List.of(table("b", 1, new Column("x", 1, "int", false, null, null, null)),
                table("a", 1)), List.of());
        CatalogSnapshot b = snapshot(List.of(table("b", 1, new Column("x", 1, "bigint", true, "0", null, null)),
                table("c", 1)), List.of());
        assertThat(CatalogDiff.between(a, b).changes()).extracting(Object::toString).containsExactly(
                "changed column public.b.x; type: int -> bigint; notNull: false -> true; default: null -> 0",
                "removed table public.a",
                "added table public.c");
        assertThat(CatalogDiff.between(a, b)).isEqualTo(CatalogDiff.between(a, b));
    }
}
