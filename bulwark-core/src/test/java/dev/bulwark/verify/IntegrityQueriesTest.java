package dev.bulwark.verify;

import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Index;
import dev.bulwark.catalog.ConstraintKind;
import dev.bulwark.catalog.FkAction;
import dev.bulwark.catalog.FkMatch;
import dev.bulwark.catalog.TableRef;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated statements, for the cases where a wrong one would silently find nothing. */
class IntegrityQueriesTest {
    static Constraint fk(FkMatch match, List<String> columns, List<String> referenced) {
        return new Constraint(new TableRef("s", "child"), "fk", ConstraintKind.FOREIGN_KEY, "", false, false, false,
                columns, new TableRef("s", "Parent \"P\""), referenced, FkAction.NO_ACTION, FkAction.NO_ACTION, match, null);
    }

    @Test
    void everyIdentifierIsQuotedIncludingEmbeddedQuotes() {
        String sql = IntegrityQueries.orphanCount(fk(FkMatch.SIMPLE, List.of("Kunde \"A\""), List.of("ID")),
                IntegrityQueries.from("\"s\".\"child\"", false), IntegrityQueries.from("\"s\".\"Parent \"\"P\"\"\"", false));
        assertThat(sql).contains("c.\"Kunde \"\"A\"\"\" IS NOT NULL")
                .contains("FROM ONLY \"s\".\"Parent \"\"P\"\"\" AS p WHERE p.\"ID\" = c.\"Kunde \"\"A\"\"\"")
                .contains("FROM ONLY \"s\".\"child\" AS c");
    }

    @Test
    void matchSimpleChecksOnlyFullyNonNullKeysAndNeverCountsPartlyNull() {
        Constraint simple = fk(FkMatch.SIMPLE, List.of("a", "b"), List.of("x", "y"));
        assertThat(IntegrityQueries.orphanCondition(simple, "p")).startsWith("(c.\"a\" IS NOT NULL AND c.\"b\" IS NOT NULL AND NOT EXISTS");
        assertThat(IntegrityQueries.partlyNullCondition(simple)).isEqualTo("false");
    }

    @Test
    void matchFullCountsPartlyNullKeys() {
        assertThat(IntegrityQueries.partlyNullCondition(fk(FkMatch.FULL, List.of("a", "b", "c"), List.of("x", "y", "z"))))
                .isEqualTo("(pg_catalog.num_nulls(c.\"a\", c.\"b\", c.\"c\") BETWEEN 1 AND 2)");
    }

    @Test
    void partitionedTablesAreReadWithTheirPartitions() {
        assertThat(IntegrityQueries.from("\"s\".\"t\"", true)).isEqualTo("\"s\".\"t\"");
        assertThat(IntegrityQueries.from("\"s\".\"t\"", false)).isEqualTo("ONLY \"s\".\"t\"");
    }

    @Test
    void duplicateKeysSkipNullsAndKeepThePartialIndexPredicate() {
        Index index = new Index(new TableRef("s", "t"), "i", "", true, false, false, "(deleted_at IS NULL)",
                Arrays.asList("E-Mail", null), List.of("\"E-Mail\"", "lower(name)"), false, null, "", 0);
        String sql = IntegrityQueries.duplicateGroups(index, "ONLY \"s\".\"t\"", "count(*)", "");
        assertThat(sql).contains("WHERE \"E-Mail\" IS NOT NULL AND (lower(name)) IS NOT NULL AND ((deleted_at IS NULL))")
                .contains("GROUP BY \"E-Mail\", (lower(name)) HAVING count(*) > 1");
    }

    @Test
    void nullsNotDistinctIndexesGroupNullsToo() {
        Index index = new Index(new TableRef("s", "t"), "i", "", true, false, false, null,
                List.of("a"), List.of("a"), true, null, "", 0);
        assertThat(IntegrityQueries.duplicateGroups(index, "t", "1", "")).doesNotContain("IS NOT NULL");
    }
}
