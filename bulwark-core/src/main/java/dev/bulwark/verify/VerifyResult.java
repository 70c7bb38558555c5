package dev.bulwark.verify;

import dev.bulwark.catalog.CascadeReach;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.fingerprint.DataComparison;

import java.util.List;

/**
 * Everything one {@code verify} run found.
 *
 * @param database   the target, password masked
 * @param tables     tables verified
 * @param findings   what is wrong, in check order, then by object
 * @param invariants every invariant query, passed or not
 * @param cascades   for each table that foreign keys reference, what a single-row delete reaches
 * @param cycles     groups of tables whose foreign keys form a cycle
 * @param comparison the data comparison with a snapshot, or null when none was asked for
 */
public record VerifyResult(String database, int tables, List<Finding> findings, List<InvariantResult> invariants,
                           List<CascadeReach> cascades, List<List<TableRef>> cycles, DataComparison comparison) {
    public VerifyResult {
        findings = List.copyOf(findings);
        invariants = List.copyOf(invariants);
        cascades = List.copyOf(cascades);
        cycles = List.copyOf(cycles);
    }

    /** True when nothing is wrong: no finding, no failed invariant, data identical or changed only as expected. */
    public boolean clean() {
        return findings.isEmpty();
    }

    public VerifyResult withComparison(DataComparison c, List<Finding> more) {
        List<Finding> all = new java.util.ArrayList<>(findings);
        all.addAll(more);
        return new VerifyResult(database, tables, all, invariants, cascades, cycles, c);
    }
}
