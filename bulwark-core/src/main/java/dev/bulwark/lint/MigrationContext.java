package dev.bulwark.lint;

import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.sql.SqlSyntaxException;
import dev.bulwark.sql.Token;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a rule sees of one migration: its statements, the schema around them, and a way to report. */
public final class MigrationContext {
    private final Migration migration;
    private final List<Analyzed> statements;
    private final List<Analyzed> down;
    private final SchemaModel atStart;
    private final SchemaModel atEnd;
    private final LintOptions options;
    private final SqlSyntaxException parseError;
    private final Finding.Part part;
    final List<Finding> findings = new ArrayList<>();
    Rule rule;
    Severity severity;
    SchemaModel atSetEnd;
    /** The down's own context (the Linter runs rules on it too), or null. */
    MigrationContext downContext;
    /** In a down's context, the up's statements. */
    List<Analyzed> upStatements = List.of();

    MigrationContext(Migration migration, List<Analyzed> statements, List<Analyzed> down, SchemaModel atStart,
                     SchemaModel atEnd, LintOptions options, SqlSyntaxException parseError) {
        this(migration, statements, down, atStart, atEnd, options, parseError, Finding.Part.UP);
    }

    MigrationContext(Migration migration, List<Analyzed> statements, List<Analyzed> down, SchemaModel atStart,
                     SchemaModel atEnd, LintOptions options, SqlSyntaxException parseError,
                     Finding.Part part) {
        this.migration = migration;
        this.part = part;
        this.statements = statements;
        this.down = down;
        this.atStart = atStart;
        this.atEnd = atEnd;
        this.options = options;
        this.parseError = parseError;
    }

    public Migration migration() {
        return migration;
    }

    public MigrationFormat format() {
        return migration.format();
    }

    /**
     * Which part of the migration this context holds: rules run once on the up and once on the
     * down, and see the down's statements as {@link #statements()} there.
     */
    public Finding.Part part() {
        return part;
    }

    /**
     * The statements of this part (the up's, or the down's when {@link #part()} is DOWN), in order.
     * Empty when the file could not be split ({@link #parseError()}).
     */
    public List<Analyzed> statements() {
        return statements;
    }

    /**
     * The down statements, each with the schema just before and after it (the down starts from the
     * schema at the end of the up). Empty in the down's own context.
     */
    public List<Analyzed> down() {
        return down;
    }

    /** The schema before this part runs (for a down: at the end of its up). */
    /** The up's statements, also in the down's context (to tell a down that undoes its up). */
    public List<Analyzed> upStatements() {
        return part == Finding.Part.DOWN ? upStatements : statements;
    }

    public SchemaModel atStart() {
        return atStart;
    }

    public SchemaModel atEnd() {
        return atEnd;
    }

    /** The schema after every migration of the set (so a later migration's index counts). */
    public SchemaModel atSetEnd() {
        return atSetEnd == null ? atEnd : atSetEnd;
    }

    public LintOptions options() {
        return options;
    }

    public int pgVersion() {
        return options.pgVersion();
    }

    /** Why the up SQL could not be split into statements, or null. */
    public SqlSyntaxException parseError() {
        return parseError;
    }

    /** The file of this part (a down may live in a file of its own). */
    public Path file() {
        return part == Finding.Part.DOWN && migration.down() != null ? migration.down().file() : migration.up().file();
    }

    /** Reports a finding at the statement's first token. */
    public void report(Analyzed s, String message, String help) {
        report(s, s.statement().tokens().get(0), message, help);
    }

    /** Reports a finding at {@code at}, marking the rest of that line of the statement. */
    public void report(Analyzed s, Token at, String message, String help) {
        Token token = at == null ? s.statement().tokens().get(0) : at;
        if (migration.format() == MigrationFormat.ALEMBIC) {
            // Alembic statements are generated from op.* calls: point at the call, not into the generated SQL.
            token = s.statement().tokens().get(0);
            reportAt(token.line(), token.column(), 3, message, help);
            return;
        }
        int length = 0;
        for (Token t : s.statement().tokens()) {
            if (t.offset() >= token.offset() && t.line() == token.line()) {
                length = t.endOffset() - token.offset();
            }
        }
        reportAt(token.line(), token.column(), Math.max(1, length), message, help);
    }

    /** Reports a finding at a position of the migration's file. */
    public void reportAt(int line, int column, int length, String message, String help) {
        findings.add(new Finding(rule.id(), severity, file(), line, column, length, message,
                help == null ? rule.help() : help, migration.id(), part));
    }

    /** True for a recognized form of the given type; a shorthand for rules. */
    public static boolean is(Analyzed s, Class<? extends Recognized> type) {
        return type.isInstance(s.what());
    }
}
