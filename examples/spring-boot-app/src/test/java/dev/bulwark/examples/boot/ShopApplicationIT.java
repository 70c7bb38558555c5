package dev.bulwark.examples.boot;

import dev.bulwark.spring.BulwarkEndpoint;
import dev.bulwark.spring.BulwarkHealthIndicator;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts the application against a fresh database on the embedded server: Bulwark migrates it at startup. */
@SpringBootTest
class ShopApplicationIT {
    static final TestDatabase DB = TestDatabase.create("boot-shop");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DB.spec().jdbcUrl());
        registry.add("spring.datasource.username", () -> DB.spec().user());
    }

    @AfterAll
    static void drop() {
        DB.close();
    }

    @Autowired
    Products products;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    BulwarkEndpoint endpoint;
    @Autowired
    BulwarkHealthIndicator health;

    @Test
    void startupAppliesTheMigrationsAndTheEndpointAndHealthReportThem() {
        List<String> columns = jdbc.sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'products' ORDER BY ordinal_position")
                .query(String.class).list();
        assertThat(columns).containsExactly("id", "name", "price_cents");
        products.add("tea", 450);
        assertThat(products.count()).isEqualTo(1);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> migrations = (List<Map<String, Object>>) endpoint.migrations().get("migrations");
        assertThat(migrations).extracting(m -> m.get("id") + " " + m.get("state") + " " + m.get("script"))
                .containsExactly("1 APPLIED classpath:db/migration/V1__create_products.sql",
                        "2 APPLIED classpath:db/migration/V2__add_price.sql");
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }
}
