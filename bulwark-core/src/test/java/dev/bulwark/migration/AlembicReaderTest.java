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

    @Test
    void readsRevisionLinesWithATrailingComment() throws Exception {
        Path v = versions();
        Files.writeString(v.resolve("a.py"), "revision = 'a1b2'  # initial schema\ndown_revision = None  # root\n"
                + "def upgrade():\n    op.drop_table('t')\n");
        Files.writeString(v.resolve("b.py"), "revision: str = \"c3#d4\"  # hash in the id\n"
                + "down_revision: Union[str, None] = 'a1b2'  # parent\ndef upgrade():\n    op.drop_table('u')\n");
        List<Migration> ms = MigrationSources.read(dir, MigrationFormat.ALEMBIC).migrations();
        assertThat(ms).extracting(Migration::toolName).containsExactly("a1b2", "c3#d4");
        assertThat(ms.get(1).toolData()).containsEntry(AlembicReader.DOWN_REVISION, "a1b2")
                .doesNotContainKey(AlembicReader.ERROR);
    }

    @Test
    void readsSqlSentThroughTheConnectionAndFromStringConstants() throws Exception {
        Files.writeString(versions().resolve("e.py"), """
                revision = 'e'
                down_revision = None

                BACKFILL = \"\"\"
                UPDATE users SET active = true WHERE active IS NULL
                \"\"\"

                def upgrade():
                    op.execute(BACKFILL)
                    op.get_bind().execute(sa.text("DELETE FROM sessions WHERE expired"))
                    conn = op.get_bind()
                    conn.execute(sa.text('TRUNCATE audit_tmp'))
                """);
        Migration m = MigrationSources.read(dir, MigrationFormat.ALEMBIC).migrations().get(0);
        assertThat(m.up().sql()).contains("UPDATE users SET active = true WHERE active IS NULL;")
                .contains("DELETE FROM sessions WHERE expired;").contains("TRUNCATE audit_tmp;");
        assertThat(m.toolData()).doesNotContainKey(AlembicReader.UNREAD);
    }

    @Test
    void saysWhichOperationsItCannotReadInsteadOfSeeingNothing() throws Exception {
        Path v = versions();
        Files.writeString(v.resolve("f.py"), """
                revision = 'f'
                down_revision = None

                def upgrade():
                    accounts = sa.table('accounts', sa.column('name', sa.String))
                    op.bulk_insert(accounts, [{'name': 'a'}])
                """);
        Files.writeString(v.resolve("g.py"), """
                revision = 'g'
                down_revision = 'f'

                TABLES = ['a', 'b']

                def _add_audit_columns(table):
                    op.add_column(table, sa.Column('created_by', sa.Text()))

                def upgrade():
                    _add_audit_columns('a')
                """);
        Files.writeString(v.resolve("h.py"), """
                revision = 'h'
                down_revision = 'g'

                def upgrade():
                    for t in ['a', 'b']:
                        op.add_column(t, sa.Column('deleted_at', sa.DateTime(timezone=True)))
                """);
        List<Migration> ms = MigrationSources.read(dir, MigrationFormat.ALEMBIC).migrations();
        assertThat(ms.get(0).toolData().get(AlembicReader.UNREAD)).isEqualTo("6:op.bulk_insert(…) at line 6");
        assertThat(ms.get(1).toolData().get(AlembicReader.UNREAD)).isEqualTo("10:the helper _add_audit_columns() at line 10");
        assertThat(ms.get(2).toolData().get(AlembicReader.UNREAD)).isEqualTo("6:op.add_column(…) at line 6");
    }

    @Test
    void serverDefaultsWrittenAsSqlalchemyExpressionsAreDefaults() throws Exception {
        Files.writeString(versions().resolve("d.py"), """
                revision = 'd'
                down_revision = None

                def upgrade():
                    op.add_column('users', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
                    op.add_column('users', sa.Column('banned', sa.Boolean(), nullable=False, server_default=sa.false()))
                    op.add_column('users', sa.Column('seen', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))
                    op.add_column('users', sa.Column('n', sa.Integer(), nullable=False, server_default=sa.text('0')))
                """);
        String sql = MigrationSources.read(dir, MigrationFormat.ALEMBIC).migrations().get(0).up().sql();
        assertThat(sql).contains("ADD COLUMN active boolean NOT NULL DEFAULT true")
                .contains("ADD COLUMN banned boolean NOT NULL DEFAULT false")
                .contains("ADD COLUMN seen timestamptz NOT NULL DEFAULT now()")
                .contains("ADD COLUMN n int NOT NULL DEFAULT 0");
    }
}
