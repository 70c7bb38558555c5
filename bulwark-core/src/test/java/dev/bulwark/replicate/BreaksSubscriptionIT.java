package dev.bulwark.replicate;

import dev.bulwark.copy.TablePatterns;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.lint.Linter;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.testing.LogicalServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Lint knows, from the target itself, which tables it receives through a subscription, and what would stop their apply. */
class BreaksSubscriptionIT {
    ConnectionSpec blue;
    ConnectionSpec green;

    @TempDir
    Path project;

    @BeforeEach
    void replicating() throws Exception {
        blue = LogicalServers.database(LogicalServers.blue(), "subs_blue");
        green = LogicalServers.database(LogicalServers.green(), "subs_green");
        LogicalServers.exec(blue, "CREATE SCHEMA shop; CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL);"
                + " CREATE TABLE shop.orders (id bigserial PRIMARY KEY, total int)");
        Replicator.StartResult r = new Replicator(blue, green, line -> { }).start(TablePatterns.all(), null);
        assertThat(r.ok()).as(r.problems().toString()).isTrue();
        // green is read-only while it replicates (Bulwark sets it so); a table of its own, made on purpose
        try (Connection c = green.open("it"); java.sql.Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off");
            s.execute("CREATE TABLE local_notes (id bigint PRIMARY KEY, body text)");
        }
    }

    @AfterEach
    void drop() {
        LogicalServers.drop(green, blue);
    }

    @Test
    void onASubscriberLintReportsWhatWouldStopTheApplyOfTheTablesItReceivesAndOnThePublisherNothing() throws Exception {
        Set<String> onGreen;
        Set<String> onBlue;
        try (Connection c = green.open("it")) {
            onGreen = SubscribedTables.of(c);
        }
        try (Connection c = blue.open("it")) {
            onBlue = SubscribedTables.of(c);
        }
        assertThat(onGreen).containsExactly("customers", "shop.orders");
        assertThat(onBlue).isEmpty();

        Path dir = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(dir.resolve("V1__init.sql"), "CREATE SCHEMA shop; CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL);"
                + " CREATE TABLE shop.orders (id bigserial PRIMARY KEY, total int); CREATE TABLE local_notes (id bigint PRIMARY KEY, body text);");
        Files.writeString(dir.resolve("V2__change.sql"), "ALTER TABLE customers DROP COLUMN name;\n"
                + "ALTER TABLE shop.orders ALTER COLUMN total TYPE bigint;\nALTER TABLE local_notes DROP COLUMN body;\n");
        assertThat(breaks(onGreen)).containsExactly("V2__change.sql:1 DROP COLUMN customers.name on a subscriber");
        assertThat(breaks(onBlue)).isEmpty();
    }

    private List<String> breaks(Set<String> subscribed) {
        List<Finding> findings = Linter.standard(LintOptions.defaults().withSubscribedTables(subscribed))
                .lint(MigrationSources.read(project.resolve("migrations"), null), project).findings();
        return findings.stream().filter(f -> f.ruleId().equals("breaks-subscription"))
                .map(f -> f.file().getFileName() + ":" + f.line() + " " + f.message().substring(0, f.message().indexOf(':'))).toList();
    }
}
