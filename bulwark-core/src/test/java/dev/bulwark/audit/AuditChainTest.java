package dev.bulwark.audit;

import dev.bulwark.audit.AuditReport.ChainNode;
import dev.bulwark.audit.AuditReport.NodeStatus;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain section for what the samples do not hold: a parent no file defines, a merge, an unparseable file. */
class AuditChainTest {
    private static void revision(Path versions, String file, String revision, String downRevision) throws Exception {
        Files.writeString(versions.resolve(file), "from alembic import op\n\nrevision = \"" + revision + "\"\ndown_revision = "
                + downRevision + "\n\n\ndef upgrade():\n    op.execute(\"CREATE TABLE t_" + revision + " (id bigint PRIMARY KEY)\")\n\n\n"
                + "def downgrade():\n    op.execute(\"DROP TABLE t_" + revision + "\")\n");
    }

    @Test
    void aMissingParentIsDrawnAsAMissingNodeAndAMergeJoinsTwoBranches(@TempDir Path project) throws Exception {
        Path versions = Files.createDirectories(project.resolve("alembic/versions"));
        revision(versions, "a1_root.py", "a1", "None");
        revision(versions, "b2_left.py", "b2", "\"a1\"");
        revision(versions, "c3_orphan.py", "c3", "\"gone\"");
        revision(versions, "d4_merge.py", "d4", "(\"b2\", \"c3\")");
        Files.writeString(versions.resolve("e5_broken.py"), "def upgrade():\n    pass\n");

        AuditReport r = new Auditor(MigrationSources.read(project.resolve("alembic"), null), project, project,
                LintOptions.defaults()).run();

        assertThat(r.chain().edges()).extracting(e -> e.parent() + "->" + e.child())
                .containsExactlyInAnyOrder("a1->b2", "gone->c3", "b2->d4", "c3->d4");
        assertThat(r.chain().nodes()).filteredOn(n -> n.status() == NodeStatus.MISSING).extracting(ChainNode::id).containsExactly("gone");
        assertThat(r.chain().nodes()).filteredOn(n -> n.status() == NodeStatus.BROKEN).extracting(ChainNode::id)
                .containsExactly("e5_broken.py");
        assertThat(r.chain().merges()).containsExactly("d4");
        assertThat(r.chain().heads()).containsExactly("d4");
        assertThat(r.chain().roots()).containsExactly("a1");
        assertThat(r.chain().problems()).anyMatch(p -> p.contains("revision gone is named as a parent but no file defines it"))
                .anyMatch(p -> p.contains("e5_broken.py is not a usable migration"));
        assertThat(r.issues()).extracting(AuditReport.Issue::rule).contains("missing-parent", "empty-migration");
        assertThat(AuditFormat.HTML.render(r)).contains("<g class=\"node missing\">").contains("<g class=\"node broken\">");
    }

    @Test
    void aLaterMigrationTouchingFourTablesIsComplexButTheInitialSchemaIsNot(@TempDir Path project) throws Exception {
        Path dir = Files.createDirectories(project.resolve("migrations"));
        StringBuilder init = new StringBuilder("-- bulwark:up\n");
        StringBuilder big = new StringBuilder("-- bulwark:up\n");
        for (String t : new String[]{"a", "b", "c", "d"}) {
            init.append("CREATE TABLE ").append(t).append(" (id bigint PRIMARY KEY);\n");
            big.append("CREATE TABLE ").append(t).append("2 (id bigint PRIMARY KEY);\n");
        }
        Files.writeString(dir.resolve("001_init.sql"), init + "-- bulwark:down\nDROP TABLE a, b, c, d;\n");
        Files.writeString(dir.resolve("002_more.sql"), big + "-- bulwark:down\nDROP TABLE a2, b2, c2, d2;\n");
        AuditReport r = new Auditor(MigrationSources.read(dir, null), project, project, LintOptions.defaults()).run();
        assertThat(r.issues()).filteredOn(i -> i.rule().equals("large-migration")).singleElement()
                .satisfies(i -> assertThat(i.file()).endsWith("002_more.sql"))
                .satisfies(i -> assertThat(i.tables()).containsExactly("a2", "b2", "c2", "d2"));
    }
}
