package dev.bulwark.lint;

import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognizers;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.Script;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.SqlSyntaxException;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.analysis.StatementAnalysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Lints a migration set: folds every migration, in apply order, into a schema model, runs each
 * rule on each migration and on the whole set, then applies suppressions and severity overrides.
 */
public final class Linter {
    /** Lines of an Alembic migration inside {@code op.get_context().autocommit_block()}: "12-15,30-31". */
    public static final String ALEMBIC_AUTOCOMMIT_LINES = "alembic.autocommit";
    /**
     * Tool data of a migration made from SQL a tool printed (--render-cmd): it runs as psql runs a
     * script, each statement on its own unless the script says BEGIN, and it has no down of its own.
     */
    public static final String RENDERED = "lint.rendered";

    private final List<Rule> rules;
    private final LintOptions options;

    public Linter(List<Rule> rules, LintOptions options) {
        this.rules = List.copyOf(rules);
        this.options = options;
    }

    /** The built-in rules with the given options. */
    public static Linter standard(LintOptions options) {
        return new Linter(RuleRegistry.all(), options);
    }

    /**
     * @param projectDir the project folder, where set-level rules look for config files
     */
    public LintResult lint(MigrationSet set, Path projectDir) {
        SchemaModel model = new SchemaModel();
        List<MigrationContext> contexts = new ArrayList<>();
        for (Migration m : set.migrations()) {
            contexts.add(analyze(m, model));
        }
        SchemaModel end = model.snapshot();
        contexts.forEach(c -> c.atSetEnd = end);
        List<Finding> findings = new ArrayList<>();
        List<Rule> active = new ArrayList<>();
        for (Rule rule : rules) {
            Optional<Severity> sev = options.severities().getOrDefault(rule.id(), Optional.of(rule.defaultSeverity()));
            if (sev.isEmpty()) {
                continue;
            }
            active.add(rule);
            for (MigrationContext c : contexts) {
                c.rule = rule;
                c.severity = sev.get();
                rule.check(c);
            }
        }
        SetContext setContext = new SetContext(set, projectDir, contexts, options);
        for (Rule rule : active) {
            setContext.rule = rule;
            setContext.severity = options.severities().getOrDefault(rule.id(), Optional.of(rule.defaultSeverity())).get();
            rule.checkSet(setContext);
        }
        contexts.forEach(c -> findings.addAll(c.findings));
        findings.addAll(setContext.findings);
        List<Finding> kept = Suppressions.apply(findings, contexts, options, ruleIds());
        return new LintResult(set, kept, active);
    }

    /**
     * Lints SQL a migration tool printed ({@code alembic upgrade head --sql}, {@code prisma migrate
     * diff --script}): one script, run as psql runs it.
     *
     * @param file where the SQL was saved, so findings can point into it
     */
    public LintResult lintRendered(Path file, String sql, MigrationFormat tool, Path projectDir) {
        Migration m = new Migration(dev.bulwark.migration.MigrationVersion.of("1"), "rendered",
                dev.bulwark.migration.MigrationKind.VERSIONED, tool, file, new Script(sql, file, 1), null,
                dev.bulwark.migration.MigrationOptions.DEFAULT, sql, "rendered", java.util.Map.of(RENDERED, "true"));
        return lint(new MigrationSet(file.getParent(), tool, List.of(m)), projectDir);
    }

    /** The analyzed statements of every migration, for tools that work on them (--fix). */
    public Analysis analyze(MigrationSet set) {
        SchemaModel model = new SchemaModel();
        java.util.Map<String, List<Analyzed>> out = new java.util.HashMap<>();
        for (Migration m : set.migrations()) {
            out.put(m.id(), analyze(m, model).statements());
        }
        return new Analysis(out);
    }

    /** Statements per migration id. */
    public record Analysis(java.util.Map<String, List<Analyzed>> byMigration) {
        public List<Analyzed> statements(Migration m) {
            return byMigration.getOrDefault(m.id(), List.of());
        }
    }

    private Set<String> ruleIds() {
        Set<String> ids = new HashSet<>();
        rules.forEach(r -> ids.add(r.id()));
        RuleRegistry.all().forEach(r -> ids.add(r.id()));
        return ids;
    }

    private MigrationContext analyze(Migration m, SchemaModel model) {
        SchemaModel atStart = model.snapshot();
        List<Statement> statements;
        SqlSyntaxException error = null;
        try {
            statements = SqlSplitter.split(m.up().sql(), m.up().file().toString(), m.up().firstLine());
        } catch (SqlSyntaxException e) {
            statements = List.of();
            error = e;
        }
        boolean wrapped = wrapped(m, statements, options.pgVersion());
        List<int[]> autocommit = autocommitLines(m);
        List<Analyzed> out = new ArrayList<>();
        Set<String> created = new HashSet<>();
        int current = wrapped ? 0 : -1;
        int counter = 0;
        boolean explicit = false;
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            Recognized r = Recognizers.recognize(s);
            int txn;
            if (r instanceof Recognized.TransactionControl tc) {
                if (tc.begins()) {
                    if (current < 0) {
                        current = ++counter;
                    }
                    explicit = true;
                    txn = current;
                } else {
                    txn = current;
                    current = -1;
                    explicit = false;
                }
            } else if (!explicit && current >= 0 && runsAlone(m, s, autocommit)) {
                txn = -1;
            } else {
                txn = current;
            }
            if (r instanceof Recognized.CreateTable ct) {
                created.add(ct.table().name());
            } else if (r instanceof Recognized.AlterTable at) {
                for (Recognized.Action a : at.actions()) {
                    if (a instanceof Recognized.RenameAction ra && ra.what().equals("table")
                            && created.contains(at.table().name())) {
                        created.add(ra.to());
                    }
                }
            }
            SchemaModel before = model.snapshot();
            model.apply(r, m.id());
            out.add(new Analyzed(s, r, i, txn, before, null));
        }
        // Fill in "after" now that every snapshot exists.
        List<Analyzed> done = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Analyzed a = out.get(i);
            SchemaModel after = i + 1 < out.size() ? out.get(i + 1).before() : model.snapshot();
            done.add(new Analyzed(a.statement(), a.what(), a.index(), a.transaction(), a.before(), after));
        }
        SchemaModel atEnd = model.snapshot();
        return new MigrationContext(m, List.copyOf(done), down(m, atEnd), atStart, atEnd, Set.copyOf(created),
                options, error);
    }

    private static List<Analyzed> down(Migration m, SchemaModel atEnd) {
        Script d = m.down();
        if (d == null) {
            return List.of();
        }
        try {
            List<Analyzed> out = new ArrayList<>();
            for (Statement s : SqlSplitter.split(d.sql(), d.file().toString(), d.firstLine())) {
                out.add(new Analyzed(s, Recognizers.recognize(s), out.size(), 0, atEnd, atEnd));
            }
            return out;
        } catch (SqlSyntaxException e) {
            return List.of();
        }
    }

    /**
     * Whether the tool that runs this migration wraps it in a transaction. golang-migrate and
     * Prisma send the file as one multi-statement query, which PostgreSQL runs as one implicit
     * transaction when it holds more than one statement.
     */
    static boolean wrapped(Migration m, List<Statement> statements, int pgVersion) {
        if (m.toolData().containsKey(RENDERED)) {
            return false;
        }
        return switch (m.format()) {
            case BULWARK, DBMATE, DRIZZLE, ALEMBIC -> m.options().transactional();
            // Flyway runs a migration whose statements all need autocommit outside a transaction.
            case FLYWAY -> m.options().transactional() && !(statements.size() > 0 && statements.stream()
                    .allMatch(s -> StatementAnalysis.requiresAutocommit(s, pgVersion)));
            case GOLANG_MIGRATE, PRISMA -> statements.size() > 1;
        };
    }

    /**
     * Bulwark's runner takes statements that cannot run in a transaction out of it; Alembic runs
     * what is inside {@code autocommit_block()} outside it.
     */
    private boolean runsAlone(Migration m, Statement s, List<int[]> autocommit) {
        if (m.format() == MigrationFormat.BULWARK) {
            return StatementAnalysis.requiresAutocommit(s, options.pgVersion());
        }
        for (int[] range : autocommit) {
            if (s.line() >= range[0] && s.line() <= range[1]) {
                return true;
            }
        }
        return false;
    }

    private static List<int[]> autocommitLines(Migration m) {
        String spec = m.toolData().get(ALEMBIC_AUTOCOMMIT_LINES);
        List<int[]> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String part : spec.split(",")) {
            String[] ends = part.split("-");
            out.add(new int[]{Integer.parseInt(ends[0].trim()), Integer.parseInt(ends[ends.length - 1].trim())});
        }
        return out;
    }
}
