package dev.bulwark.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AlembicReaderTest {
    @TempDir
    Path dir;

    private Path versions() throws Exception {
        return Files.createDirectories(dir.resolve("versions"));
    }

    @Test
    void detectsAlembicFromVersionsFolderAndReadsItWithoutPython() throws Exception {
        Files.writeString(versions().resolve("a1_init.py"), """
                revision: str = 'a1'
                down_revision: Union[str, None] = None

                def upgrade() -> None:
                    op.create_table(
                        "users",
                        sa.Column("id", sa.BigInteger(), primary_key=True),
                        sa.Column("email", sa.String(255), nullable=False, unique=True),
                    )

                def downgrade() -> None:
                    op.drop_table("users")
                """);
        assertThat(MigrationSources.detect(dir)).isEqualTo(MigrationFormat.ALEMBIC);
        MigrationSet set = MigrationSources.read(dir, null);
        Migration m = set.migrations().get(0);
        assertThat(m.toolName()).isEqualTo("a1");
        assertThat(m.up().sql().lines().toList().get(4))
                .isEqualTo("    CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL UNIQUE);");
        assertThat(m.down().sql()).contains("DROP TABLE users;");
    }

    @Test
    void appliesRevisionsParentsFirstWhateverTheFileNames() throws Exception {
        Path v = versions();
        Files.writeString(v.resolve("aaa_second.py"), "revision = 'b'\ndown_revision = 'a'\ndef upgrade():\n    pass\n");
        Files.writeString(v.resolve("zzz_first.py"), "revision = 'a'\ndown_revision = None\ndef upgrade():\n    pass\n");
        List<String> order = MigrationSources.read(dir, MigrationFormat.ALEMBIC).migrations().stream()
                .map(Migration::toolName).toList();
        assertThat(order).containsExactly("a", "b");
    }

    @Test
    void extractsOpCallsWithForeignKeysIndexesExecuteAndAutocommitBlocks() throws Exception {
        Files.writeString(versions().resolve("c.py"), """
                revision = "c"
                down_revision = ("a", "b")

                def upgrade():
                    op.add_column("posts", sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE")))
                    op.create_foreign_key("fk", "posts", "users", ["author_id"], ["id"], ondelete="SET NULL")
                    op.alter_column("posts", "title", nullable=False, type_=sa.Text())
                    op.execute(sa.text(\"\"\"UPDATE posts SET title = '' WHERE title IS NULL\"\"\"))
                    with op.get_context().autocommit_block():
                        op.create_index("ix", "posts", ["user_id"], postgresql_concurrently=True)

                def downgrade():
                    raise NotImplementedError()
                """);
        Migration m = MigrationSources.read(dir, MigrationFormat.ALEMBIC).migrations().get(0);
        String sql = m.up().sql();
        assertThat(sql).contains("ALTER TABLE posts ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE;")
                .contains("ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE SET NULL;")
                .contains("ALTER TABLE posts ALTER COLUMN title TYPE text, ALTER COLUMN title SET NOT NULL;")
                .contains("UPDATE posts SET title = '' WHERE title IS NULL;")
                .contains("CREATE INDEX CONCURRENTLY ix ON posts (user_id);");
        assertThat(sql.lines().toList().get(9)).contains("CREATE INDEX CONCURRENTLY ix");
        assertThat(m.toolData()).containsEntry(AlembicReader.DOWN_REVISION, "a,b")
                .containsEntry(AlembicReader.MERGE, "true")
                .containsEntry(AlembicReader.DOWNGRADE, "raises")
                .containsEntry(AlembicReader.AUTOCOMMIT, "10-10");
        assertThat(m.down()).isNull();
    }

    @Test
    void emptyAndHeaderlessFilesAreReturnedWithTheReasonNotRefused() throws Exception {
        Path v = versions();
        Files.writeString(v.resolve("a.py"), "revision = 'a'\ndown_revision = None\ndef upgrade():\n    pass\n");
        Files.writeString(v.resolve("broken.py"), "");
        Files.writeString(v.resolve("helper.py"), "down_revision = None\nX = 1\n");
        List<Migration> ms = MigrationSources.read(dir, MigrationFormat.ALEMBIC).migrations();
        assertThat(ms).hasSize(3);
        assertThat(ms).filteredOn(m -> m.location().endsWith("broken.py")).first()
                .extracting(m -> m.toolData().get(AlembicReader.ERROR)).isEqualTo("the file is empty");
        assertThat(ms).filteredOn(m -> m.location().endsWith("helper.py")).first()
                .extracting(m -> m.toolData().get(AlembicReader.ERROR)).asString().contains("no revision");
    }

    @Test
    void pythonStringLiteralsAreReadWithPrefixesAndConcatenation() {
        assertThat(PyCalls.string("'a' \"b\"")).isEqualTo("ab");
        assertThat(PyCalls.string("r'x\\\\d'")).isEqualTo("x\\\\d");
        assertThat(PyCalls.string("'''multi\nline'''")).isEqualTo("multi\nline");
        assertThat(PyCalls.string("f'{x}'")).isNull();
        assertThat(PyCalls.strings("['a', \"b\"]")).containsExactly("a", "b");
        assertThat(PyCalls.split("a, f(b, c), [d, e], k='x,y'")).containsExactly("a", "f(b, c)", "[d, e]", "k='x,y'");
    }
}
