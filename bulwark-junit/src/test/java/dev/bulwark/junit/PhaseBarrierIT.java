package dev.bulwark.junit;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** contractPhase = false: the template stops at the phase barrier as migrate does (its own template, not ContractPhaseIT's). */
@BulwarkDatabase(locations = "classpath:phases", contractPhase = false)
class PhaseBarrierIT {
    @Test
    void theContractMigrationDidNotRun(DataSource db) throws Exception {
        assertThat(ContractPhaseIT.columns(db)).containsExactly("id", "name", "label");
    }
}
