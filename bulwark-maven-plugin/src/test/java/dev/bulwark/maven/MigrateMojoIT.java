package dev.bulwark.maven;

import dev.bulwark.testing.TestDatabase;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** bulwark:migrate stops at the expand/contract phase barrier unless bulwark.contractPhase is on. */
class MigrateMojoIT {
    @TempDir
    Path project;

    private final List<String> warnings = new ArrayList<>();

    @Test
    void stopsAtThePhaseBarrierWithAWarningAndRunsTheContractPhaseWhenAsked() throws Exception {
        Path dir = Files.createDirectories(project.resolve("src/main/resources/db/migration"));
        Files.writeString(dir.resolve("V1__create_tags.sql"), "CREATE TABLE tags (id int PRIMARY KEY, name text);\n");
        Files.writeString(dir.resolve("V2__expand.sql"), "-- bulwark:phase expand\nALTER TABLE tags ADD COLUMN label text;\n");
        Files.writeString(dir.resolve("V3__contract.sql"), "-- bulwark:phase contract\nALTER TABLE tags DROP COLUMN name;\n");
        Files.writeString(dir.resolve("V4__after.sql"), "CREATE TABLE notes (id int PRIMARY KEY);\n");
        try (TestDatabase db = TestDatabase.create("mojo-barrier")) {
            mojo(db, false).execute();
            assertThat(warnings).singleElement().asString().contains("stopped at the phase barrier before 3")
                    .contains("not applied: 3, 4").contains("-Dbulwark.contractPhase=true");
            assertThat(columns(db)).containsExactly("id", "name", "label");

            warnings.clear();
            mojo(db, true).execute();
            assertThat(warnings).isEmpty();
            assertThat(columns(db)).containsExactly("id", "label");
            assertThat(count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'notes'")).isEqualTo(1);
        }
    }

    private MigrateMojo mojo(TestDatabase db, boolean contractPhase) {
        MigrateMojo mojo = new MigrateMojo();
        mojo.basedir = project.toFile();
        mojo.outputDirectory = project.resolve("target/bulwark").toFile();
        mojo.url = db.spec().jdbcUrl();
        mojo.user = db.spec().user();
        mojo.contractPhase = contractPhase;
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void warn(CharSequence content) {
                warnings.add(content.toString());
                super.warn(content);
            }
        });
        return mojo;
    }

    private static List<String> columns(TestDatabase db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.open(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'tags' ORDER BY ordinal_position")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long count(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.open(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
