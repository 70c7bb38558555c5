package dev.bulwark.junit;

import dev.bulwark.api.Severity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulwarkAssertionsIT {
    @Test
    void aSafeMigrationSetPassesInOneLine() {
        BulwarkAssertions.assertMigrationsSafe(Severity.ERROR);
    }

    @Test
    void anUnsafeMigrationSetFailsListingTheFinding() {
        assertThatThrownBy(() -> BulwarkAssertions.assertMigrationsSafe(Severity.ERROR, "classpath:unsafe/migration"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 lint finding at ERROR or above in classpath:unsafe/migration")
                .hasMessageContaining("classpath:unsafe/migration/V2__index_customer.sql:1: error require-concurrent-index");
    }
}
