package dev.bulwark.verify;

import dev.bulwark.catalog.TableRef;
import dev.bulwark.migration.Directives;
import dev.bulwark.migration.Migration;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import static dev.bulwark.sql.TokenWalk.isName;
import static dev.bulwark.sql.TokenWalk.skip;
import static dev.bulwark.sql.TokenWalk.word;

import java.util.ArrayList;
import java.util.List;

/**
 * Tables whose data is allowed to differ from a snapshot, and who said so: a migration's own
 * statements ({@code DROP TABLE}, {@code ALTER TABLE}, {@code TRUNCATE}, {@code UPDATE},
 * {@code DELETE}, {@code INSERT}), its {@code -- bulwark:expect-change <table>} lines, or a
 * name given on the command line. An unqualified name matches the table in any schema: the
 * migration's search_path is not known afterwards, and a false "expected" is rarer than a
 * missed one when schemas share table names.
 */
public final class ExpectedChanges {
    private record Entry(String schema, String table, String source) {
    }

    /** Migration tools' history tables: applying any migration writes a row there. */
    static final List<String> HISTORY_TABLES = List.of("bulwark_history", "flyway_schema_history", "schema_migrations",
            "_prisma_migrations", "__drizzle_migrations", "alembic_version");

    private final List<Entry> entries;

    private ExpectedChanges(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static ExpectedChanges none() {
        return new ExpectedChanges(List.of());
    }

    /**
     * @param migrations the migrations applied since the snapshot
     * @param declared   table names given by the user ({@code orders}, {@code public."Order Items"})
     */
    public static ExpectedChanges of(List<Migration> migrations, List<String> declared) {
        List<Entry> out = new ArrayList<>();
        HISTORY_TABLES.forEach(t -> out.add(new Entry(null, t, "migration history")));
        for (String name : declared) {
            List<String> parts = parseName(name);
            if (parts == null) {
                throw dev.bulwark.BulwarkException.usage("--expect-change needs a table name, found '" + name + "'",
                        "write e.g. --expect-change orders or --expect-change 'public.\"Order Items\"'");
            }
            out.add(new Entry(parts.size() == 2 ? parts.get(0) : null, parts.get(parts.size() - 1), "--expect-change"));
        }
        for (Migration m : migrations) {
            String source = m.location().getFileName().toString();
            for (Directives.ExpectChange e : Directives.expectedChanges(m.up())) {
                out.add(new Entry(e.schema(), e.table(), source + ":" + e.line() + " (expect-change)"));
            }
            List<Statement> statements;
            try {
                statements = SqlSplitter.split(m.up().sql(), source, m.up().firstLine());
            } catch (RuntimeException unreadable) {
                continue; // lint reports unreadable SQL; here it only declares nothing
            }
            for (Statement s : statements) {
                for (List<String> name : changedTables(s.tokens())) {
                    out.add(new Entry(name.size() == 2 ? name.get(0) : null, name.get(name.size() - 1),
                            source + ":" + s.line() + " (" + verb(s.tokens()) + ")"));
                }
            }
        }
        return new ExpectedChanges(out);
    }

    /** What declared that {@code table} changes, or null when nothing did. */
    public String why(TableRef table) {
        for (Entry e : entries) {
            if (e.table().equals(table.name()) && (e.schema() == null || e.schema().equals(table.schema()))) {
                return e.source();
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    private static String verb(List<Token> t) {
        return t.get(0).value().toUpperCase(java.util.Locale.ROOT) + (t.size() > 1 && t.get(1).kind() == TokenKind.WORD
                && !t.get(0).isWord("update") ? " " + t.get(1).value().toUpperCase(java.util.Locale.ROOT) : "");
    }

    /** Tables a statement changes the data of, each as [schema, table] or [table]. */
    static List<List<String>> changedTables(List<Token> t) {
        List<List<String>> out = new ArrayList<>();
        if (t.isEmpty()) {
            return out;
        }
        int i;
        boolean list = false;
        if (word(t, 0, "drop") && word(t, 1, "table")) {
            i = skip(t, 2, "if", "exists");
            list = true;
        } else if (word(t, 0, "alter") && word(t, 1, "table")) {
            i = skip(t, skip(t, 2, "if", "exists"), "only");
        } else if (word(t, 0, "truncate")) {
            i = skip(t, skip(t, 1, "table"), "only");
            list = true;
        } else if (word(t, 0, "update")) {
            i = skip(t, 1, "only");
        } else if (word(t, 0, "delete") && word(t, 1, "from")) {
            i = skip(t, 2, "only");
        } else if (word(t, 0, "insert") && word(t, 1, "into")) {
            i = 2;
        } else {
            return out;
        }
        while (i < t.size()) {
            List<String> name = new ArrayList<>();
            while (i < t.size() && isName(t.get(i))) {
                name.add(t.get(i).value());
                if (i + 1 < t.size() && t.get(i + 1).isPunctuation('.')) {
                    i += 2;
                } else {
                    i++;
                    break;
                }
            }
            if (name.isEmpty() || name.size() > 2) {
                break;
            }
            out.add(name);
            if (!list || i >= t.size() || !t.get(i).isPunctuation(',')) {
                break;
            }
            i = skip(t, i + 1, "only");
        }
        return out;
    }




    private static List<String> parseName(String text) {
        List<Token> tokens;
        try {
            tokens = dev.bulwark.sql.SqlLexer.tokenize(text, "option", 1);
        } catch (RuntimeException e) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (i % 2 == 1 ? !tokens.get(i).isPunctuation('.') : !isName(tokens.get(i))) {
                return null;
            }
            if (i % 2 == 0) {
                parts.add(tokens.get(i).value());
            }
        }
        return tokens.size() % 2 == 1 && parts.size() <= 2 ? parts : null;
    }
}
