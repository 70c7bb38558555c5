package dev.bulwark.verify;

import dev.bulwark.catalog.TableRef;
import dev.bulwark.migration.Directives;
import dev.bulwark.migration.Migration;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.analysis.StatementEffect;

import static dev.bulwark.sql.TokenWalk.isName;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tables whose data is allowed to differ from a snapshot, and who said so: a migration's own
 * statements (the tables whose rows the statement model says they remove, change or add), its {@code -- bulwark:expect-change <table>} lines, or a
 * name given on the command line. An unqualified name matches the table in any schema: the
 * migration's search_path is not known afterwards, and a false "expected" is rarer than a
 * missed one when schemas share table names.
 */
public final class ExpectedChanges {
    private record Entry(String schema, String table, String source, boolean statement) {
        Entry(String schema, String table, String source) {
            this(schema, table, source, false);
        }
    }

    /** Migration tools' history tables: applying any migration writes a row there. */
    static final List<String> HISTORY_TABLES = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(dev.bulwark.history.HistoryTable.NAME), dev.bulwark.history.ToolHistory.TABLES.stream().sorted()).toList();

    private final List<Entry> entries;

    private ExpectedChanges(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static ExpectedChanges none() {
        return new ExpectedChanges(List.of());
    }

    /**
     * @param migrations the migrations applied since the snapshot, in order (their schema is
     *                   folded from these alone; see {@link #of(List, Set, List)})
     * @param declared   table names given by the user ({@code orders}, {@code public."Order Items"})
     */
    public static ExpectedChanges of(List<Migration> migrations, List<String> declared) {
        return of(migrations, migrations.stream().map(Migration::id).collect(Collectors.toSet()), declared);
    }

    /**
     * @param ordered  every migration of the set, in order (the schema the statement model folds)
     * @param applied  the ids of those applied since the snapshot
     * @param declared table names given by the user ({@code orders}, {@code public."Order Items"})
     */
    public static ExpectedChanges of(List<Migration> ordered, Set<String> applied, List<String> declared) {
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
        for (Migration m : ordered) {
            if (!applied.contains(m.id())) {
                continue;
            }
            String source = m.location().getFileName().toString();
            for (Directives.ExpectChange e : Directives.expectedChanges(m.up())) {
                out.add(new Entry(e.schema(), e.table(), source + ":" + e.line() + " (expect-change)"));
            }
        }
        // the statement model's row changes: the tables whose rows each statement removes, changes or adds
        StatementAnalysis.ups(ordered, applied, StatementAnalysis.DEFAULT_PG_MAJOR).forEach((id, effects) -> {
            for (StatementEffect e : effects) {
                for (StatementEffect.RowChange r : e.rows()) {
                    out.add(new Entry(r.schema(), r.bareName(), e.statement().source() + ":" + e.statement().line()
                            + " (" + r.kind().label() + ")", true));
                }
            }
        });
        return new ExpectedChanges(out);
    }

    /**
     * The tables the migrations' statements change, as the statement model names them
     * ({@code table} or {@code schema.table}): the ones verify expects because a statement said so.
     */
    public java.util.SortedSet<String> statementTables() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        entries.stream().filter(e -> e.statement()).forEach(e -> out.add(e.schema() == null ? e.table() : e.schema() + "." + e.table()));
        return out;
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
