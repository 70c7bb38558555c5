package dev.bulwark.junit;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The template runs the contract phase by default: the tests get the schema the whole folder describes. */
@BulwarkDatabase(locations = "classpath:phases")
class ContractPhaseIT {
    @Test
    void theContractMigrationRan(DataSource db) throws Exception {
        assertThat(columns(db)).containsExactly("id", "label");
    }

    static List<String> columns(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'tags' ORDER BY ordinal_position")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
