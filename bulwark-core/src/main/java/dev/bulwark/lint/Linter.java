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
        List<MigrationContext> downs = new ArrayList<>();
        List<Finding> internal = new ArrayList<>();
        for (Migration m : set.migrations()) {
            MigrationContext up = analyze(m, model, internal);
            contexts.add(up);
            if (up.downContext != null) {
                downs.add(up.downContext);
            }
        }
        SchemaModel end = model.snapshot();
        contexts.forEach(c -> c.atSetEnd = end);
        downs.forEach(c -> c.atSetEnd = end);
        List<Finding> findings = new ArrayList<>();
        List<Rule> active = new ArrayList<>();
        for (Rule rule : rules) {
            Optional<Severity> sev = options.severities().getOrDefault(rule.id(), Optional.of(rule.defaultSeverity()));
            if (sev.isEmpty()) {
                continue;
            }
            active.add(rule);
            // Downs are linted like ups: they are what runs during an incident.
            for (List<MigrationContext> part : List.of(contexts, downs)) {
                for (MigrationContext c : part) {
                    c.rule = rule;
                    c.severity = sev.get();
                    try {
                        rule.check(c);
                    } catch (StatementRule.Failure e) {
                        internal.add(AnalysisError.at(c, e.statement(), rule.id() + " failed", e.getCause()));
                    } catch (RuntimeException e) {
                        internal.add(AnalysisError.at(c, null, rule.id() + " failed", e));
                    }
                }
            }
        }
        SetContext setContext = new SetContext(set, projectDir, contexts, options);
        for (Rule rule : active) {
            setContext.rule = rule;
            setContext.severity = options.severities().getOrDefault(rule.id(), Optional.of(rule.defaultSeverity())).get();
            try {
                rule.checkSet(setContext);
            } catch (RuntimeException e) {
                internal.add(AnalysisError.about(set, rule.id() + " failed", e));
            }
        }
        contexts.forEach(c -> findings.addAll(c.findings));
        downs.forEach(c -> findings.addAll(c.findings));
        findings.addAll(setContext.findings);
        java.util.Map<String, Migration> byId = new java.util.HashMap<>();
        set.migrations().forEach(m -> byId.putIfAbsent(m.id(), m));
        List<Finding> kept = new ArrayList<>(Suppressions.apply(findings, contexts, options, ruleIds()).stream()
                .map(f -> inDown(f, byId) ? f.withPart(Finding.Part.DOWN) : f).toList());
        // Not suppressible, not configurable: a crash in the analysis is never "no findings".
        kept.addAll(internal);
        if (!internal.isEmpty()) {
            active.add(AnalysisError.RULE);
        }
        return new LintResult(set, kept, active);
    }

    /** A set-level finding that points into a migration's down section or down file. */
    private static boolean inDown(Finding f, java.util.Map<String, Migration> byId) {
        if (f.part() == Finding.Part.DOWN || f.migration() == null) {
            return f.part() == Finding.Part.DOWN;
        }
        Migration m = byId.get(f.migration());
        if (m != null && m.down() != null && f.file().equals(m.down().file())) {
            if (!m.down().file().equals(m.up().file())) {
                return true;
            }
            // One file holding both: its down is the part from the down section's first line on, when that
            // section starts after the up (dbmate, Bulwark). Alembic's downgrade() and a Liquibase rollback
            // are scripts numbered from the same first line as the up: there a line tells nothing, and a
            // finding the up's statements made stays the up's.
            return m.down().firstLine() > m.up().firstLine() && f.line() >= m.down().firstLine();
        }
        return false;
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
        java.util.Map<String, List<Analyzed>> downs = new java.util.HashMap<>();
        for (Migration m : set.migrations()) {
            MigrationContext c = analyze(m, model, new ArrayList<>());
            out.put(m.id(), c.statements());
            downs.put(m.id(), c.down());
        }
        return new Analysis(out, downs);
    }

    /** Statements per migration id, up and down. */
    public record Analysis(java.util.Map<String, List<Analyzed>> byMigration, java.util.Map<String, List<Analyzed>> downs) {
        public Analysis(java.util.Map<String, List<Analyzed>> byMigration) {
            this(byMigration, java.util.Map.of());
        }

        public List<Analyzed> statements(Migration m) {
            return byMigration.getOrDefault(m.id(), List.of());
        }

        public List<Analyzed> downStatements(Migration m) {
            return downs.getOrDefault(m.id(), List.of());
        }
    }

    private Set<String> ruleIds() {
        Set<String> ids = new HashSet<>();
        rules.forEach(r -> ids.add(r.id()));
        RuleRegistry.all().forEach(r -> ids.add(r.id()));
        return ids;
    }

    private MigrationContext analyze(Migration m, SchemaModel model, List<Finding> internal) {
        SchemaModel atStart = model.snapshot();
        List<Statement> statements;
        SqlSyntaxException error = null;
        try {
            statements = SqlSplitter.split(m.up().sql(), m.up().file().toString(), m.up().firstLine());
        } catch (SqlSyntaxException e) {
            statements = List.of();
            error = e;
        }
        List<Analyzed> up = fold(m, statements, m.up().file(), model, internal, Finding.Part.UP);
        SchemaModel atEnd = model.snapshot();
        MigrationContext downContext = down(m, atEnd, internal);
        if (downContext != null) {
            downContext.upStatements = up;
        }
        MigrationContext c = new MigrationContext(m, up, downContext == null ? List.of() : downContext.statements(),
                atStart, atEnd, options, error);
        c.downContext = downContext;
        return c;
    }

    /**
     * Reads statements in order, applying each to {@code model}: every statement gets the version of
     * the schema before and after it (versions share structure, so keeping them all costs what the
     * statements changed). A statement the reader could not follow stays in the list (as
     * {@link Recognized.Unreadable}, which unreadable-statement reports); a failure of the reader or
     * of the model becomes an analysis-error finding, and the rest of the file is still read.
     */
    private List<Analyzed> fold(Migration m, List<Statement> statements, Path file, SchemaModel model,
                                List<Finding> internal, Finding.Part part) {
        boolean wrapped = wrapped(m, statements, options.pgVersion());
        List<int[]> autocommit = autocommitLines(m);
        List<Analyzed> out = new ArrayList<>();
        int current = wrapped ? 0 : -1;
        int counter = 0;
        boolean explicit = false;
        SchemaModel before = model.snapshot();
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            Recognized r = Recognizers.recognize(s);
            if (r instanceof Recognized.Unreadable u && u.failure() != null) {
                internal.add(AnalysisError.at(file, m, part, s, "reading the statement failed", u.failure()));
            }
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
            try {
                model.apply(r, m.id());
            } catch (RuntimeException e) {
                internal.add(AnalysisError.at(file, m, part, s, "updating the schema model failed", e));
            }
            SchemaModel after = model.snapshot();
            // a down is analysed under its migration's id like the up: what the up created counts as new
            // there too (removing it is the expected inverse, Analyzed#existing), unlike in
            // StatementAnalysis.downs, where a rollback snapshots it
            out.add(new Analyzed(s, r, i, txn, before, after, m.id(), options.pgVersion()));
            before = after;
        }
        return List.copyOf(out);
    }

    /**
     * The down, linted like an up: its statements applied in order to a version of the schema at
     * the end of the up (the main model is not changed). Objects the up created count as created
     * here too: a down that removes what its own up added is the expected inverse (irreversible-down
     * judges the rest). Null when the migration has no down.
     */
    private MigrationContext down(Migration m, SchemaModel atEnd, List<Finding> internal) {
        Script d = m.down();
        if (d == null) {
            return null;
        }
        List<Statement> statements;
        SqlSyntaxException error = null;
        try {
            statements = SqlSplitter.split(d.sql(), d.file().toString(), d.firstLine());
        } catch (SqlSyntaxException e) {
            statements = List.of();
            error = e;
        }
        SchemaModel model = atEnd.snapshot();
        List<Analyzed> out = fold(m, statements, d.file(), model, internal, Finding.Part.DOWN);
        return new MigrationContext(m, out, List.of(), atEnd, model.snapshot(), options, error,
                Finding.Part.DOWN);
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
            case DIESEL, GOOSE -> m.options().transactional();
            case LIQUIBASE -> m.options().transactional();
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
