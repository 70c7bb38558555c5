package dev.bulwark.spring;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.MigrationInfo;
import dev.bulwark.api.MigrationState;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The starter in an application context on a real database. */
@ExtendWith(OutputCaptureExtension.class)
class BulwarkAutoConfigurationIT {
    @TempDir
    Path tmp;

    private static ApplicationContextRunner runner(TestDatabase db) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, BulwarkAutoConfiguration.class,
                        BulwarkActuatorAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + db.spec().jdbcUrl(), "spring.datasource.username=" + db.spec().user(),
                        "management.endpoints.web.exposure.include=*", "management.endpoints.jmx.exposure.include=*");
    }

    @Test
    void appliesThePendingMigrationsOfClasspathDbMigrationAtStartup() throws Exception {
        try (TestDatabase db = TestDatabase.create("boot-migrate")) {
            runner(db).withPropertyValues("spring.bulwark.lock-timeout=3s").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(Bulwark.class).hasSingleBean(BulwarkMigrationInitializer.class);
                Bulwark bulwark = context.getBean(Bulwark.class);
                assertThat(bulwark.configuration().lockTimeout()).isEqualTo(Duration.ofSeconds(3));
                assertThat(bulwark.status()).extracting(MigrationInfo::state).containsExactly(MigrationState.APPLIED, MigrationState.APPLIED);
                assertThat(columns(context.getBean(DataSource.class))).containsExactly("id", "name", "price_cents");
                Map<String, Object> endpoint = context.getBean(BulwarkEndpoint.class).migrations();
                assertThat((List<?>) endpoint.get("migrations")).hasSize(2);
                assertThat(context.getBean(BulwarkHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
            });
        }
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnBulwark() throws Exception {
        try (TestDatabase db = TestDatabase.create("boot-own")) {
            runner(db).withUserConfiguration(OwnBulwark.class).run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(Bulwark.class);
                assertThat(context.getBean(Bulwark.class).configuration().lockTimeout()).isEqualTo(Duration.ofSeconds(7));
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBulwark {
        @Bean
        Bulwark myBulwark(DataSource ds) {
            return Bulwark.configure().dataSource(ds).lockTimeout(Duration.ofSeconds(7)).load();
        }
    }

    @Test
    void validateModeFailsStartupOnPendingMigrationsAndAppliesNothing() throws Exception {
        try (TestDatabase db = TestDatabase.create("boot-validate")) {
            runner(db).withPropertyValues("spring.bulwark.mode=validate").run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("spring.bulwark.mode=validate: 2 migration(s) not applied as they are: 1 pending, 2 pending");
            });
            try (Connection c = db.open(); ResultSet rs = c.createStatement().executeQuery("SELECT to_regclass('products') IS NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("validate applies nothing").isTrue();
            }
        }
    }

    @Test
    void healthIsDownWhenAMigrationIsEditedAfterApply() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sql"));
        Files.writeString(dir.resolve("V1__create_tags.sql"), "CREATE TABLE tags (id int PRIMARY KEY);\n");
        try (TestDatabase db = TestDatabase.create("boot-health")) {
            runner(db).withPropertyValues("spring.bulwark.locations=filesystem:" + dir).run(context -> {
                BulwarkHealthIndicator health = context.getBean(BulwarkHealthIndicator.class);
                assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                Files.writeString(dir.resolve("V1__create_tags.sql"), "CREATE TABLE tags (id bigint PRIMARY KEY);\n");
                Health h = health.health();
                assertThat(h.getStatus()).isEqualTo(Status.DOWN);
                assertThat(h.getDetails().get("problems").toString()).contains("1 EDITED");
            });
        }
    }

    @Test
    void stopsAtThePhaseBarrierWithAWarningAndRunsTheContractPhaseWhenAsked(CapturedOutput output) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("phases"));
        Files.writeString(dir.resolve("V1__create_tags.sql"), "CREATE TABLE tags (id int PRIMARY KEY, name text);\n");
        Files.writeString(dir.resolve("V2__expand.sql"), "-- bulwark:phase expand\nALTER TABLE tags ADD COLUMN label text;\n");
        Files.writeString(dir.resolve("V3__contract.sql"), "-- bulwark:phase contract\nALTER TABLE tags DROP COLUMN name;\n");
        Files.writeString(dir.resolve("V4__after.sql"), "CREATE TABLE notes (id int PRIMARY KEY);\n");
        try (TestDatabase db = TestDatabase.create("boot-barrier")) {
            runner(db).withPropertyValues("spring.bulwark.locations=filesystem:" + dir).run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(Bulwark.class).status()).extracting(MigrationInfo::state).containsExactly(MigrationState.APPLIED,
                        MigrationState.APPLIED, MigrationState.PENDING, MigrationState.PENDING);
            });
            assertThat(output).contains("WARN").contains("stopped at the phase barrier before 3").contains("2 migration(s) not applied (3, 4)")
                    .contains("spring.bulwark.contract-phase=true");
            // validate mode: the release between the phases starts, the contract migrations wait by design
            runner(db).withPropertyValues("spring.bulwark.locations=filesystem:" + dir, "spring.bulwark.mode=validate").run(context ->
                    assertThat(context).hasNotFailed());
            assertThat(output).contains("validate mode: the database is at the phase barrier; 2 migration(s) wait for the contract phase (3, 4)");
            runner(db).withPropertyValues("spring.bulwark.locations=filesystem:" + dir, "spring.bulwark.mode=validate",
                    "spring.bulwark.contract-phase=true").run(context -> assertThat(context).hasFailed());
            runner(db).withPropertyValues("spring.bulwark.locations=filesystem:" + dir, "spring.bulwark.contract-phase=true").run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(Bulwark.class).status()).extracting(MigrationInfo::state).containsOnly(MigrationState.APPLIED);
            });
        }
    }

    private static List<String> columns(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'products' ORDER BY ordinal_position")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
