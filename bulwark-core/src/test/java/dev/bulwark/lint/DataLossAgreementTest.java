package dev.bulwark.lint;

import dev.bulwark.deploy.Snapshots;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.analysis.StatementEffect;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;
import dev.bulwark.verify.ExpectedChanges;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lint, deploy and verify agree on what every statement of the rule fixtures and the samples does
 * to data: the statements lint calls destructive (drop-table on a table, drop-column, truncate)
 * are exactly those deploy snapshots, and the tables verify expects to change are exactly those
 * the statement model says the statements remove, change or add rows of. For downs: what a rollback
 * snapshots before running them is exactly what lint calls destructive in them, plus what a down
 * removes of the tables and columns its own up created (lint leaves that expected inverse to the
 * audit's data-losing-down; when a rollback runs it, they hold the rows written since).
 */
class DataLossAgreementTest {
    /** Lint's data-loss rules, and the row changes each stands for. */
    private static final Map<String, Set<RowKind>> DATA_LOSS_RULES = Map.of(
            "drop-table", Set.of(RowKind.DROP_TABLE), "drop-column", Set.of(RowKind.DROP_COLUMN), "truncate", Set.of(RowKind.TRUNCATE));
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> lintDeployAndVerifyAgreeOnEveryFixtureAndSample() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(RuleFixturesTest.FIXTURES)) {
            for (Path dir : dirs.sorted().toList()) {
                for (String fixture : List.of("fire.txt", "ok.txt")) {
                    if (Files.exists(dir.resolve(fixture))) {
                        tests.add(DynamicTest.dynamicTest(dir.getFileName() + "/" + fixture, () -> {
                            Path project = Files.createTempDirectory(tmp, dir.getFileName().toString());
                            // a suppression silences the report, not the loss: deploy still snapshots, so lint unsuppressed
                            LintFixtures.write(Files.readString(dir.resolve(fixture)).replace("bulwark:ignore", "suppression-off"), project);
                            agree(project, project.resolve("migrations"), LintFixtures.options(project));
                        }));
                    }
                }
            }
        }
        for (String sample : List.of("shop", "flyway-payments", "prisma-blog", "rehearsal/broken", "rehearsal/fixed")) {
            tests.add(DynamicTest.dynamicTest("examples/" + sample, () -> {
                Path project = EXAMPLES.resolve(sample);
                agree(project, project.resolve(sample.equals("prisma-blog") ? "prisma/migrations" : "migrations"), LintOptions.defaults());
            }));
        }
        return tests;
    }

    private static void agree(Path project, Path migrations, LintOptions options) {
        if (!Files.isDirectory(migrations)) {
            return;
        }
        MigrationSet set = MigrationSources.read(migrations, null);
        List<Migration> ordered = set.migrations();
        Set<String> all = ordered.stream().map(Migration::id).collect(Collectors.toSet());
        Map<String, List<StatementEffect>> effects = StatementAnalysis.ups(ordered, all, StatementAnalysis.DEFAULT_PG_MAJOR);
        List<Statement> statements = effects.values().stream().flatMap(List::stream).map(StatementEffect::statement).toList();

        // lint: the statements its data-loss rules report on in the ups (DROP SCHEMA / DATABASE are the backup's to
        // cover). Deploy snapshots before it applies ups; a down's losses are data-losing-down's and the rollback's.
        SortedSet<String> lint = new TreeSet<>();
        List<Finding> findings = Linter.standard(options).lint(set, project).findings();
        for (Finding f : findings) {
            if (DATA_LOSS_RULES.containsKey(f.ruleId()) && f.part() == Finding.Part.UP) {
                Statement s = statementAt(statements, f.file().getFileName().toString(), f.line());
                if (s != null && !(s.tokens().size() > 1 && s.tokens().get(0).isWord("drop")
                        && (s.tokens().get(1).isWord("schema") || s.tokens().get(1).isWord("database")))) {
                    lint.add(f.ruleId() + " " + where(s));
                }
            }
        }
        // deploy: the statements it snapshots, as the same rule ids
        SortedSet<String> deploy = new TreeSet<>();
        for (Snapshots.Planned p : Snapshots.plan(ordered, all)) {
            DATA_LOSS_RULES.forEach((rule, kinds) -> {
                if (kinds.contains(p.change().kind()) && !isDropSchema(p.statement())) {
                    deploy.add(rule + " " + where(p.statement()));
                }
            });
        }
        assertThat(deploy).as("what deploy snapshots vs what lint calls destructive in " + migrations).isEqualTo(lint);

        // downs: what a rollback snapshots before it runs them is what lint calls destructive in them, plus what
        // a down removes of its own up's tables and columns (lint leaves that expected inverse to data-losing-down;
        // at rollback time it holds the rows written since the up ran)
        Map<String, List<StatementEffect>> downs = StatementAnalysis.downs(ordered, all, StatementAnalysis.DEFAULT_PG_MAJOR);
        List<Statement> downStatements = downs.values().stream().flatMap(List::stream).map(StatementEffect::statement).toList();
        SortedSet<String> lintDowns = new TreeSet<>();
        for (Finding f : findings) {
            if (DATA_LOSS_RULES.containsKey(f.ruleId()) && f.part() == Finding.Part.DOWN) {
                Statement s = statementAt(downStatements, f.file().getFileName().toString(), f.line());
                if (s != null && !isDropSchemaOrDatabase(s)) {
                    lintDowns.add(f.ruleId() + " " + where(s));
                }
            }
        }
        SortedSet<String> deployDowns = new TreeSet<>();
        SortedSet<String> inverses = new TreeSet<>();
        for (Snapshots.Planned p : Snapshots.planDowns(ordered, all)) {
            DATA_LOSS_RULES.forEach((rule, kinds) -> {
                if (kinds.contains(p.change().kind()) && !isDropSchema(p.statement())) {
                    deployDowns.add(rule + " " + where(p.statement()));
                    if (removesWhatItsUpCreated(effects.getOrDefault(p.migration(), List.of()), p.change())) {
                        inverses.add(rule + " " + where(p.statement()));
                    }
                }
            });
        }
        SortedSet<String> expected = new TreeSet<>(lintDowns);
        expected.addAll(inverses);
        assertThat(deployDowns).as("what a rollback snapshots before the downs vs what lint calls destructive in them (+ inverses of the up) in "
                + migrations).isEqualTo(expected);

        // verify: the tables it expects to change are those whose rows the statements change
        SortedSet<String> rows = new TreeSet<>();
        effects.values().forEach(list -> list.forEach(e -> e.rows().forEach(r -> rows.add(r.table()))));
        assertThat(ExpectedChanges.of(ordered, all, List.of()).statementTables()).as("verify's expected changes in " + migrations)
                .isEqualTo(rows);
    }

    private static boolean isDropSchemaOrDatabase(Statement s) {
        return s.tokens().size() > 1 && s.tokens().get(0).isWord("drop")
                && (s.tokens().get(1).isWord("schema") || s.tokens().get(1).isWord("database"));
    }

    /** The up of the same migration created the table, or (for a dropped column) the column or its table. */
    private static boolean removesWhatItsUpCreated(List<StatementEffect> up, StatementEffect.RowChange change) {
        Set<String> created = up.stream().flatMap(e -> e.objects().stream())
                .filter(o -> o.action() == StatementEffect.Action.CREATE).map(o -> o.kind() + " " + o.name()).collect(Collectors.toSet());
        if (created.contains(StatementEffect.ObjectKind.TABLE + " " + change.table())) {
            return true;
        }
        return change.kind() == RowKind.DROP_COLUMN && !change.columns().isEmpty() && change.columns().stream()
                .allMatch(col -> created.contains(StatementEffect.ObjectKind.COLUMN + " " + change.table() + "." + col));
    }

    private static boolean isDropSchema(Statement s) {
        return s.tokens().size() > 1 && s.tokens().get(0).isWord("drop") && s.tokens().get(1).isWord("schema");
    }

    /** The statement of {@code file} that holds {@code line}. */
    private static Statement statementAt(List<Statement> statements, String file, int line) {
        Statement found = null;
        for (Statement s : statements) {
            if (Path.of(s.source()).getFileName().toString().equals(file) && s.line() <= line
                    && (found == null || s.line() >= found.line())) {
                found = s;
            }
        }
        return found;
    }

    private static String where(Statement s) {
        return Path.of(s.source()).getFileName() + ":" + s.line();
    }
}
