package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.testing.LogicalServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static dev.bulwark.testing.LogicalServers.count;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark replicate} end to end in-process: output, exit codes, JSON against its schema. */
class ReplicateCommandIT {
    @TempDir
    Path project;
    ConnectionSpec blue;
    ConnectionSpec green;

    @BeforeEach
    void databases() throws SQLException {
        blue = LogicalServers.database(LogicalServers.blue(), "cli_blue");
        green = LogicalServers.database(LogicalServers.green(), "cli_green");
        try (Connection c = blue.open("it"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id serial PRIMARY KEY, name text); INSERT INTO accounts (name) SELECT 'a' || g"
                    + " FROM generate_series(1, 100) g");
        }
    }

    @AfterEach
    void drop() {
        LogicalServers.drop(green, blue);
    }

    Cli replicate(String sub, String... more) {
        return Cli.run(project, LogicalServers.replicateArgs(sub, blue, green, more));
    }

    @Test
    void startRefusesATableWithoutKeyWithExitOneNamingTheFixAndStatusSaysThereIsNoPair() throws SQLException {
        try (Connection c = blue.open("it"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (at timestamptz, what text)");
        }

        Cli r = replicate("start");

        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("replicate start refused: 1 problem, nothing was changed")
                .contains("table public.events has no primary key and no replica identity")
                .contains("fix: ALTER TABLE \"public\".\"events\" ADD PRIMARY KEY (…), or ALTER TABLE \"public\".\"events\" REPLICA IDENTITY FULL");
        Cli status = replicate("status", "--no-rate");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("no replication pair on these databases");
    }

    @Test
    void startThenStatusInTextAndJsonThenStop() throws Exception {
        Cli start = replicate("start");
        assertThat(start.exit()).as(start.all()).isZero();
        assertThat(start.out()).contains("blue: publication bulwark_replicate for 1 table")
                .contains("green: subscription bulwark_replicate").contains("replicating 1 table blue -> green");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!replicate("status", "--no-rate").out().matches("(?s).*public\\.accounts\\s+ready.*") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Cli status = replicate("status");
        assertThat(status.exit()).as(status.all()).isZero();
        assertThat(status.out()).contains("stage: replicating, primary blue").contains("lag: ").contains("slot holds")
                .contains("applied: ").contains("green: ").contains("(read-only for new sessions)");

        JsonNode json = JsonSchemaIT.valid("replicate-status", replicate("status", "--no-rate", "-o", "json"));
        assertThat(json.get("primary").asText()).isEqualTo("blue");
        assertThat(json.get("tables").get(0).get("state").asText()).isEqualTo("ready");
        assertThat(json.get("readOnly").get("green").asBoolean()).isTrue();

        JsonNode sw = JsonSchemaIT.valid("replicate-switch", replicate("switchover", "-o", "json", "--grace", "100ms"));
        assertThat(sw.get("primary").asText()).isEqualTo("green");
        assertThat(sw.get("windowMs").asLong()).isPositive();
        Cli rollback = replicate("rollback", "--grace", "100ms", "--switch-cmd", "echo pointing the app at $BULWARK_NEW_PRIMARY_SIDE");
        assertThat(rollback.exit()).as(rollback.all()).isZero();
        assertThat(rollback.out()).contains("  | pointing the app at blue").contains("blue: writable. Write-unavailable window: ");

        // a slot whose subscriber stopped streaming keeps WAL: check and status on blue say so, with the fix
        try (Connection c = green.open("it"); Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off");
            s.execute("ALTER SUBSCRIPTION bulwark_replicate DISABLE");
        }
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count(blue, "SELECT count(*) FROM pg_replication_slots WHERE active") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        java.nio.file.Files.writeString(java.nio.file.Files.createDirectories(project.resolve("migrations"))
                .resolve("20260101000000_noop.sql"), "-- bulwark:up\nSELECT 1;\n");
        Cli check = Cli.run(project, "check", "--url", LogicalServers.url(blue));
        assertThat(check.out()).as(check.all()).contains("warn: replication-lag: replication slot bulwark_replicate of bulwark replicate")
                .contains("is INACTIVE and holds").contains("bulwark replicate stop removes it");
        Cli st = Cli.run(project, "status", "--url", LogicalServers.url(blue));
        assertThat(st.out()).as(st.all()).contains("WARNING: replication slot bulwark_replicate").contains("until the disk fills");

        Cli stop = replicate("stop");
        assertThat(stop.exit()).as(stop.all()).isZero();
        assertThat(stop.out()).contains("removed green: subscription bulwark_replicate").contains("removed blue: publication")
                .contains("green stays read-only for new sessions");
        assertThat(count(blue, "SELECT count(*) FROM pg_replication_slots")).isZero();
    }

    @Test
    void aMissingToIsAUsageErrorAndAPasswordIsNeverPrinted() {
        Cli r = Cli.run(project, "replicate", "start", "--from", "postgres://app:s3cret-pw@127.0.0.1:1/db");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.all()).doesNotContain("s3cret-pw");

        Cli unreachable = Cli.run(project, "replicate", "status", "--from", "postgres://app:s3cret-pw@127.0.0.1:1/db",
                "--to", "postgres://app:s3cret-pw@127.0.0.1:1/db2");
        assertThat(unreachable.exit()).isEqualTo(3);
        assertThat(unreachable.all()).doesNotContain("s3cret-pw");
    }
}
