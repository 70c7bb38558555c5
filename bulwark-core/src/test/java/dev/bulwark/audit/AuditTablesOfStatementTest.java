package dev.bulwark.audit;

import dev.bulwark.audit.AuditReport.Issue;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tables the audit says a statement works on are the statement model's: the relation it is
 * about and every table whose rows it changes (a DELETE's cascade children, the table of a DROP
 * INDEX or DROP TRIGGER). Seen where a user sees them: the tables of each issue, and the
 * large-migration issue of a later migration that works on four tables.
 */
class AuditTablesOfStatementTest {
    @TempDir
    Path project;

    private AuditReport audit(String init, String initDown, String later, String laterDown) throws Exception {
        Path dir = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(dir.resolve("001_init.sql"), "-- bulwark:up\n" + init + "\n-- bulwark:down\n" + initDown + "\n");
        Files.writeString(dir.resolve("002_later.sql"), "-- bulwark:up\n" + later + "\n-- bulwark:down\n" + laterDown + "\n");
        return new Auditor(MigrationSources.read(dir, null), project, project, LintOptions.defaults()).run();
    }

    private static Issue large(AuditReport r) {
        return r.issues().stream().filter(i -> i.rule().equals("large-migration")).findFirst().orElseThrow(() -> new AssertionError(
                "no large-migration issue; issues: " + r.issues().stream().map(i -> i.rule() + " " + i.tables()).toList()));
    }

    @Test
    void aDeleteOnAParentWorksOnTheChildrenItsCascadeReaches() throws Exception {
        AuditReport r = audit("CREATE TABLE teams (id bigint PRIMARY KEY);\n"
                        + "CREATE TABLE members (id bigint PRIMARY KEY, team_id bigint REFERENCES teams ON DELETE CASCADE);\n"
                        + "CREATE INDEX members_team_id_idx ON members (team_id);\n"
                        + "CREATE TABLE boards (id bigint PRIMARY KEY, team_id bigint REFERENCES teams ON DELETE CASCADE);\n"
                        + "CREATE INDEX boards_team_id_idx ON boards (team_id);\n"
                        + "CREATE TABLE invites (id bigint PRIMARY KEY, team_id bigint REFERENCES teams ON DELETE CASCADE);\n"
                        + "CREATE INDEX invites_team_id_idx ON invites (team_id);",
                "DROP TABLE invites, boards, members, teams;",
                "DELETE FROM teams WHERE id = 7;", "SELECT 1;");
        Issue large = large(r);
        assertThat(large.file()).endsWith("002_later.sql");
        assertThat(large.tables()).containsExactly("boards", "invites", "members", "teams");
        assertThat(large.message()).contains("runs 1 statements on 4 tables (boards, invites, members, teams)");
    }

    @Test
    void aDropIndexWorksOnTheTableOfTheIndex() throws Exception {
        StringBuilder init = new StringBuilder();
        StringBuilder later = new StringBuilder("-- bulwark:no-transaction\n");
        for (String t : new String[]{"orders", "invoices", "refunds", "shipments"}) {
            init.append("CREATE TABLE ").append(t).append(" (id bigint PRIMARY KEY, ref text);\n")
                    .append("CREATE INDEX ").append(t).append("_ref_idx ON ").append(t).append(" (ref);\n");
            later.append("DROP INDEX CONCURRENTLY ").append(t).append("_ref_idx;\n");
        }
        AuditReport r = audit(init.toString(), "DROP TABLE orders, invoices, refunds, shipments;", later.toString(), "SELECT 1;");
        Issue large = large(r);
        assertThat(large.tables()).containsExactly("invoices", "orders", "refunds", "shipments");
        assertThat(large.message()).contains("runs 4 statements on 4 tables (invoices, orders, refunds, shipments)");
        // the statement's own finding names its table too (DROP INDEX without IF EXISTS)
        assertThat(r.issues()).filteredOn(i -> i.rule().equals("prefer-robust-stmts") && i.statement().contains("orders_ref_idx"))
                .singleElement().satisfies(i -> assertThat(i.tables()).containsExactly("orders"));
    }

    @Test
    void aDropTriggerWorksOnTheTableItIsOn() throws Exception {
        StringBuilder init = new StringBuilder("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n");
        StringBuilder later = new StringBuilder();
        for (String t : new String[]{"orders", "invoices", "refunds", "shipments"}) {
            init.append("CREATE TABLE ").append(t).append(" (id bigint PRIMARY KEY);\n")
                    .append("CREATE TRIGGER ").append(t).append("_touch BEFORE UPDATE ON ").append(t)
                    .append(" FOR EACH ROW EXECUTE FUNCTION touch();\n");
            later.append("DROP TRIGGER ").append(t).append("_touch ON ").append(t).append(";\n");
        }
        AuditReport r = audit(init.toString(), "DROP TABLE orders, invoices, refunds, shipments;", later.toString(), "SELECT 1;");
        assertThat(large(r).tables()).containsExactly("invoices", "orders", "refunds", "shipments");
        // the statement's own finding names its table too
        assertThat(r.issues()).filteredOn(i -> i.rule().equals("several-hot-tables")).singleElement()
                .satisfies(i -> assertThat(i.statement()).isEqualTo("DROP TRIGGER invoices_touch ON invoices"))
                .satisfies(i -> assertThat(i.tables()).containsExactly("invoices"));
    }

    @Test
    void aCreateTableWorksOnTheNewTable() throws Exception {
        AuditReport r = audit("CREATE TABLE orders (id bigint PRIMARY KEY);", "DROP TABLE orders;",
                "CREATE TABLE audit_trail (id bigint PRIMARY KEY, at timestamp);", "DROP TABLE audit_trail;");
        assertThat(r.issues()).filteredOn(i -> i.rule().equals("prefer-timestamptz")).singleElement()
                .satisfies(i -> assertThat(i.tables()).containsExactly("audit_trail"));
        assertThat(r.tables()).filteredOn(t -> t.table().equals("audit_trail")).singleElement()
                .satisfies(t -> assertThat(t.findings()).as("the table's findings count it").isEqualTo(1));
    }
}
