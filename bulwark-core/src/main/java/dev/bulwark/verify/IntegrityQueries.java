package dev.bulwark.verify;

import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Index;
import dev.bulwark.catalog.FkMatch;
import dev.bulwark.pg.Identifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The data-check statements. Identifiers go through {@link Identifiers}; expressions come from
 * the server's own deparser ({@code pg_get_expr}, {@code pg_get_indexdef}), which quotes them.
 * Each count query returns one row: the count in column 1 (and, for foreign keys, the partly
 * NULL keys of a MATCH FULL key in column 2).
 */
final class IntegrityQueries {
    private IntegrityQueries() {
    }

    /** {@code ONLY "s"."t"}: an ordinary table's rows without inheritance children; a partitioned table with its partitions. */
    static String from(String qualified, boolean partitioned) {
        return (partitioned ? "" : "ONLY ") + qualified;
    }

    /**
     * Rows of the referencing table whose key is checked by the constraint and has no referenced
     * row. MATCH SIMPLE checks a key only when none of its columns is NULL; MATCH FULL also rejects
     * a key that is partly NULL (counted separately).
     */
    static String orphanCondition(Constraint fk, String parentFrom) {
        List<String> child = fk.columns().stream().map(c -> "c." + Identifiers.quote(c)).toList();
        List<String> join = new ArrayList<>();
        for (int i = 0; i < child.size(); i++) {
            join.add("p." + Identifiers.quote(fk.referencedColumns().get(i)) + " = " + child.get(i));
        }
        String allSet = child.stream().map(c -> c + " IS NOT NULL").collect(Collectors.joining(" AND "));
        return "(" + allSet + " AND NOT EXISTS (SELECT 1 FROM " + parentFrom + " AS p WHERE "
                + String.join(" AND ", join) + "))";
    }

    static String partlyNullCondition(Constraint fk) {
        List<String> child = fk.columns().stream().map(c -> "c." + Identifiers.quote(c)).toList();
        if (fk.match() != FkMatch.FULL || child.size() < 2) {
            return "false";
        }
        String args = String.join(", ", child);
        return "(pg_catalog.num_nulls(" + args + ") BETWEEN 1 AND " + (child.size() - 1) + ")";
    }

    static String orphanCount(Constraint fk, String childFrom, String parentFrom) {
        return "SELECT count(*) FILTER (WHERE " + orphanCondition(fk, parentFrom) + "), count(*) FILTER (WHERE "
                + partlyNullCondition(fk) + ") FROM " + childFrom + " AS c";
    }

    static String orphanSample(Constraint fk, String childFrom, String parentFrom, int limit) {
        String key = fk.columns().stream().map(c -> "c." + Identifiers.quote(c)).collect(Collectors.joining(", "));
        return "SELECT ROW(" + key + ")::text FROM " + childFrom + " AS c WHERE " + orphanCondition(fk, parentFrom)
                + " OR " + partlyNullCondition(fk) + " LIMIT " + limit;
    }

    /** A CHECK passes when its expression is true or NULL, so only FALSE is a violation. */
    static String checkViolationCount(Constraint check, String tableFrom) {
        return "SELECT count(*) FROM " + tableFrom + " WHERE (" + check.checkExpression() + ") IS FALSE";
    }

    static List<String> keys(Index index) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < index.keyDefinitions().size(); i++) {
            String column = i < index.keyColumns().size() ? index.keyColumns().get(i) : null;
            keys.add(column != null ? Identifiers.quote(column) : "(" + index.keyDefinitions().get(i) + ")");
        }
        return keys;
    }

    /** Rows that share a key with another row where the unique index applies (NULLs are distinct unless NULLS NOT DISTINCT). */
    static String duplicateGroups(Index index, String tableFrom, String select, String tail) {
        List<String> keyList = keys(index);
        String keys = String.join(", ", keyList);
        List<String> where = new ArrayList<>();
        if (!index.nullsNotDistinct()) {
            keyList.forEach(k -> where.add(k + " IS NOT NULL"));
        }
        if (index.predicate() != null) {
            where.add("(" + index.predicate() + ")");
        }
        return "SELECT " + select + " FROM (SELECT ROW(" + keys + ")::text AS k, count(*) AS n FROM " + tableFrom
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " GROUP BY " + keys + " HAVING count(*) > 1) AS d" + tail;
    }
}
