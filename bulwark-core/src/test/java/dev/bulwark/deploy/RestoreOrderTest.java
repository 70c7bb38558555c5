package dev.bulwark.deploy;

import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.ConstraintKind;
import dev.bulwark.catalog.FkAction;
import dev.bulwark.catalog.FkMatch;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The order a rollback puts snapshots back in (DeployIT checks a cascading DELETE on the server). */
class RestoreOrderTest {
    private int n;

    private Snapshots.Snapshot snapshot(String statement, String table) {
        n++;
        return new Snapshots.Snapshot("s" + n, "d", "1", statement, statement.contains("UPDATE") ? RowKind.UPDATE : RowKind.DELETE, new TableRef("public", table), List.of("id"),
                List.of("id"), 1, Instant.EPOCH, null, "loc", List.of(), false);
    }

    private static CatalogSnapshot.Constraint fk(String child, String parent) {
        return new CatalogSnapshot.Constraint(new TableRef("public", child), child + "_" + parent + "_fkey", ConstraintKind.FOREIGN_KEY, "",
                true, false, false, List.of(parent + "_id"), new TableRef("public", parent), List.of("id"), FkAction.NO_ACTION,
                FkAction.CASCADE, FkMatch.SIMPLE, null);
    }

    private static CatalogSnapshot catalog(CatalogSnapshot.Constraint... fks) {
        return new CatalogSnapshot("15", Instant.EPOCH, List.of(), List.of(), List.of(), List.of(fks), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of());
    }

    private static List<String> order(List<Snapshots.Snapshot> taken, CatalogSnapshot catalog) {
        List<String> out = new ArrayList<>();
        Deployer.restoreOrder(taken, catalog).forEach(s -> out.add(s.statement() + " " + s.table().name()));
        return out;
    }

    @Test
    void referencedTablesGoBackFirstAcrossStatementsAndTiesGoLastStatementFirstEvenWhenTheCascadeReachedAChildFirst() {
        // a diamond: b references a and c, c references a; the cascade from a reached b before c; statement 3 deletes b rows
        List<Snapshots.Snapshot> taken = List.of(snapshot("1:1 UPDATE b", "b"), snapshot("2:1 DELETE a", "a"),
                snapshot("2:1 DELETE a", "b"), snapshot("2:1 DELETE a", "c"), snapshot("3:1 DELETE b", "b"));
        CatalogSnapshot fks = catalog(fk("b", "a"), fk("b", "c"), fk("c", "a"));
        assertThat(order(taken, fks)).containsExactly("2:1 DELETE a a", "2:1 DELETE a c", "3:1 DELETE b b", "2:1 DELETE a b",
                "1:1 UPDATE b b");
        // of one table, the DELETE's copy goes back before the later UPDATE's
        assertThat(order(List.of(snapshot("4:1 DELETE x", "x"), snapshot("5:1 UPDATE x", "x")), fks))
                .containsExactly("4:1 DELETE x x", "5:1 UPDATE x x");
        // without a catalog each statement keeps the order its snapshots were taken in (removed rows before changed ones)
        assertThat(order(taken, null)).containsExactly("3:1 DELETE b b", "2:1 DELETE a a", "2:1 DELETE a b", "2:1 DELETE a c",
                "1:1 UPDATE b b");
    }
}
