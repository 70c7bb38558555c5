package dev.bulwark.audit;

import dev.bulwark.audit.AuditReport.Action;
import dev.bulwark.audit.AuditReport.BlastRadius;
import dev.bulwark.audit.AuditReport.Cascades;
import dev.bulwark.audit.AuditReport.ChainEdge;
import dev.bulwark.audit.AuditReport.ChainNode;
import dev.bulwark.audit.AuditReport.Configuration;
import dev.bulwark.audit.AuditReport.Credential;
import dev.bulwark.audit.AuditReport.FkEdge;
import dev.bulwark.audit.AuditReport.Horizon;
import dev.bulwark.audit.AuditReport.Issue;
import dev.bulwark.audit.AuditReport.MigrationChain;
import dev.bulwark.audit.AuditReport.NodeStatus;
import dev.bulwark.audit.AuditReport.Reached;
import dev.bulwark.audit.AuditReport.RiskRow;
import dev.bulwark.audit.AuditReport.RollbackCoverage;
import dev.bulwark.audit.AuditReport.RollbackRow;
import dev.bulwark.audit.AuditReport.RollbackStatus;
import dev.bulwark.audit.AuditReport.Setting;
import dev.bulwark.audit.AuditReport.SettingStatus;
import dev.bulwark.audit.AuditReport.TableRisk;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.Linter;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.model.CascadeGraph;
import dev.bulwark.lint.model.ForeignKey;
import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.model.TableModel;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.analysis.StatementEffect;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationKind;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.pg.Masking;
import dev.bulwark.rehearse.RehearsalResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code bulwark audit}: builds the {@link AuditReport} from lint's findings and schema model,
 * plus, when given, the live database's catalog (sizes, row estimates) and a rehearsal's trace.
 * It reads files only; it never connects anywhere itself.
 */
public final class Auditor {
    private static final Pattern BEGIN_TRANSACTION = Pattern.compile("begin_transaction\\s*\\(");
    private static final Pattern LOCK_TIMEOUT = Pattern.compile("(?i)lock_timeout");

    private final MigrationSet set;
    private final Path projectDir;
    private final Path baseDir;
    private final LintOptions options;
    private CatalogSnapshot live;
    private String database;
    private RehearsalResult rehearsal;
    private String traceNote;
    private PreflightSource preflight = PreflightSource.NONE;
    private Clock clock = Clock.systemUTC();

    /**
     * @param projectDir where the tool's config files are (alembic.ini, .env, flyway.conf, bulwark.toml)
     * @param baseDir    paths in the report are relative to this folder
     */
    public Auditor(MigrationSet set, Path projectDir, Path baseDir, LintOptions options) {
        this.set = set;
        this.projectDir = projectDir.toAbsolutePath().normalize();
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.options = options;
    }

    /** Sizes and row estimates from the live database; {@code description} is its masked URL. */
    public Auditor withLive(CatalogSnapshot snapshot, String description) {
        this.live = snapshot;
        this.database = description;
        return this;
    }

    public Auditor withRehearsal(RehearsalResult r) {
        this.rehearsal = r;
        return this;
    }

    /** Why {@code --trace} could not rehearse (e.g. Alembic files are not run), shown in its section. */
    public Auditor withTraceNote(String note) {
        this.traceNote = note;
        return this;
    }

    public Auditor withPreflight(PreflightSource source) {
        this.preflight = source;
        return this;
    }

    Auditor withClock(Clock c) {
        this.clock = c;
        return this;
    }

    // ---- state shared by the steps of one run ----
    private LintResult lint;
    private Map<String, Migration> byId;
    private Map<String, List<Analyzed>> statements;
    private SchemaModel end;
    private List<String> heads = List.of();
    private Set<String> brokenIds;

    public AuditReport run() {
        Linter linter = Linter.standard(options);
        lint = linter.lint(set, projectDir);
        Linter.Analysis analysis = linter.analyze(set);
        byId = new LinkedHashMap<>();
        statements = new HashMap<>();
        end = new SchemaModel();
        for (Migration m : set.migrations()) {
            byId.put(m.id(), m);
            List<Analyzed> s = analysis.statements(m);
            statements.put(m.id(), s);
            if (!s.isEmpty()) {
                end = s.get(s.size() - 1).after();
            }
        }
        brokenIds = lint.findings().stream().filter(f -> f.ruleId().equals("empty-migration") && f.migration() != null)
                .map(Finding::migration).collect(Collectors.toSet());

        MigrationChain chain = chain();
        List<RollbackRow> rollbackRows = rollbackRows();
        int applicable = (int) rollbackRows.stream().filter(r -> r.status() != RollbackStatus.NOT_APPLICABLE).count();
        int covered = (int) rollbackRows.stream().filter(r -> r.status().restoresSchema()).count();
        // Undo migrations (U files) are a Flyway Teams feature: a Community project without any has
        // nothing to measure, which is not the same as 0 % coverage.
        boolean flywayWithoutUndo = set.format() == MigrationFormat.FLYWAY && set.migrations().stream().noneMatch(Migration::hasDown);
        RollbackCoverage rollback = new RollbackCoverage(rollbackRows, covered, applicable,
                applicable == 0 ? 100 : Math.round(100f * covered / applicable),
                flywayWithoutUndo && applicable > 0 ? "not available in Flyway Community" : null);

        List<Issue> issues = issues(rollback);
        Cascades cascades = cascades();
        List<TableRisk> tables = tables(issues, cascades);
        Configuration configuration = configuration();
        AuditReport.Trace trace = trace();
        List<RiskRow> matrix = riskMatrix(issues);
        List<Action> actions = actions(issues);
        AuditReport.Summary summary = summary(issues, rollback, actions);
        return new AuditReport(projectDir.getFileName() == null ? projectDir.toString() : projectDir.getFileName().toString(),
                rel(set.directory()), set.format().id(), clock.instant(), database, summary, chain, rollback, issues,
                cascades, tables, configuration, preflight.run(), trace, matrix, actions);
    }

    // ---- migration chain ------------------------------------------------------------------------

    private MigrationChain chain() {
        List<ChainNode> nodes = new ArrayList<>();
        List<ChainEdge> edges = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> parents = new LinkedHashMap<>();
        Map<String, Migration> nodeMigration = new LinkedHashMap<>();
        Map<String, String> brokenNote = new LinkedHashMap<>();
        String previous = null;
        for (Migration m : set.migrations()) {
            String error = m.toolData().get(AlembicReader.ERROR);
            if (m.format() == MigrationFormat.ALEMBIC) {
                String id = error != null ? m.location().getFileName().toString() : m.toolData().getOrDefault(AlembicReader.REVISION, m.id());
                nodeMigration.put(id, m);
                String p = m.toolData().getOrDefault(AlembicReader.DOWN_REVISION, "");
                parents.put(id, error != null || p.isEmpty() ? List.of() : Arrays.asList(p.split(",")));
                if (error != null) {
                    brokenNote.put(id, error);
                }
            } else if (m.kind() == MigrationKind.VERSIONED) {
                nodeMigration.put(m.id(), m);
                parents.put(m.id(), previous == null ? List.of() : List.of(previous));
                previous = m.id();
            }
        }
        Map<String, Integer> children = new HashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        parents.forEach((child, ps) -> {
            for (String p : ps) {
                edges.add(new ChainEdge(p, child));
                children.merge(p, 1, Integer::sum);
                if (!parents.containsKey(p)) {
                    missing.add(p);
                }
            }
        });
        List<String> roots = new ArrayList<>();
        List<String> headList = new ArrayList<>();
        List<String> branchPoints = new ArrayList<>();
        List<String> merges = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : parents.entrySet()) {
            String id = e.getKey();
            Migration m = nodeMigration.get(id);
            NodeStatus status = NodeStatus.OK;
            String note = null;
            if (brokenNote.containsKey(id)) {
                status = brokenNote.get(id).contains("empty") ? NodeStatus.EMPTY : NodeStatus.BROKEN;
                note = brokenNote.get(id);
                problems.add(rel(m.location()) + " is " + (status == NodeStatus.EMPTY ? "empty" : "not a usable migration")
                        + " (" + note + "): alembic fails on every command until it is deleted or fixed");
            } else if (brokenIds.contains(m.id())) {
                status = NodeStatus.EMPTY;
                note = "empty: records a version and changes nothing";
                problems.add(rel(m.up().file()) + " is empty: it records version " + m.id() + " and changes nothing");
            }
            boolean broken = status == NodeStatus.BROKEN || (status == NodeStatus.EMPTY && brokenNote.containsKey(id));
            boolean root = !broken && e.getValue().isEmpty();
            boolean head = !broken && !children.containsKey(id);
            boolean merge = e.getValue().size() > 1;
            boolean branch = children.getOrDefault(id, 0) > 1;
            if (root) {
                roots.add(id);
            }
            if (head) {
                headList.add(id);
            }
            if (branch) {
                branchPoints.add(id);
            }
            if (merge) {
                merges.add(id);
            }
            // Alembic file names usually start with the revision: "0001 initial schema" describes 0001 as "initial schema"
            String description = m.description().startsWith(id) ? m.description().substring(id.length()).strip() : m.description();
            String label = m.format() == MigrationFormat.ALEMBIC && !broken ? id + (description.isEmpty() ? "" : " " + description)
                    : m.id() + " " + m.description();
            if (broken) {
                label = id;
            }
            nodes.add(new ChainNode(id, label, rel(m.location()), status, note, root, head, merge, branch));
        }
        for (String p : missing) {
            nodes.add(new ChainNode(p, p, null, NodeStatus.MISSING, "named as a parent, but no file defines it",
                    false, false, false, children.getOrDefault(p, 0) > 1));
            problems.add("revision " + p + " is named as a parent but no file defines it: alembic cannot build the history");
        }
        if (headList.size() > 1) {
            problems.add(0, headList.size() + " heads (" + String.join(", ", headList) + "): `alembic upgrade head` refuses to run"
                    + (branchPoints.isEmpty() ? "" : "; the history branches at " + String.join(", ", branchPoints))
                    + " and nothing merges it");
        }
        heads = headList;
        return new MigrationChain(nodes, edges, roots, headList, branchPoints, merges, problems);
    }

    // ---- rollback --------------------------------------------------------------------------------

    private List<RollbackRow> rollbackRows() {
        List<RollbackRow> rows = new ArrayList<>();
        boolean anyDown = set.migrations().stream().anyMatch(m -> m.hasDown() || m.format() == MigrationFormat.ALEMBIC
                && !"missing".equals(m.toolData().get(AlembicReader.DOWNGRADE)));
        Map<String, String> rehearsed = new HashMap<>();
        if (rehearsal != null) {
            for (RehearsalResult.MigrationRehearsal r : rehearsal.migrations()) {
                if (r.roundTrip() != null) {
                    rehearsed.put(r.id(), r.roundTrip().outcome().meaning()
                            + (r.roundTrip().detail() == null || r.roundTrip().detail().isBlank() ? "" : ": " + r.roundTrip().detail()));
                }
            }
        }
        for (Migration m : set.migrations()) {
            if (m.kind() != MigrationKind.VERSIONED) {
                continue;
            }
            String label = label(m);
            String file = rel(m.location());
            List<Analyzed> up = statements.get(m.id());
            if (m.toolData().containsKey(AlembicReader.ERROR) || brokenIds.contains(m.id())) {
                rows.add(new RollbackRow(label, file, RollbackStatus.NOT_APPLICABLE, RiskLevel.LOW,
                        "the migration itself is empty or broken", rehearsed.get(m.id())));
                continue;
            }
            RollbackStatus status;
            String detail;
            RiskLevel risk;
            String alembicDown = m.toolData().get(AlembicReader.DOWNGRADE);
            Finding irreversible = lint.findings().stream()
                    .filter(f -> f.ruleId().equals("irreversible-down") && m.id().equals(f.migration())).findFirst().orElse(null);
            if (m.format() == MigrationFormat.ALEMBIC && "raises".equals(alembicDown)) {
                status = RollbackStatus.IRREVERSIBLE;
                detail = "downgrade() raises: marked irreversible";
                risk = RiskLevel.HIGH;
            } else if (m.format() == MigrationFormat.ALEMBIC && alembicDown != null) {
                status = alembicDown.equals("missing") ? RollbackStatus.MISSING : RollbackStatus.EMPTY;
                detail = alembicDown.equals("missing") ? "no downgrade()" : "downgrade() does nothing (" + alembicDown + ")";
                risk = RiskLevel.HIGH;
            } else if (m.format() != MigrationFormat.ALEMBIC && !m.hasDown()) {
                status = RollbackStatus.MISSING;
                detail = switch (m.format()) {
                    case PRISMA -> "Prisma writes no down migration (a down.sql beside migration.sql would be one)";
                    case FLYWAY -> anyDown ? "no U" + m.id() + "__ undo file"
                            : "no undo file (undo migrations are a Flyway Teams feature)";
                    default -> "no down section";
                };
                risk = anyDown ? RiskLevel.HIGH : RiskLevel.MEDIUM;
            } else if (m.format() != MigrationFormat.ALEMBIC && m.down().isBlank()) {
                status = RollbackStatus.EMPTY;
                detail = "the down section is empty";
                risk = RiskLevel.HIGH;
            } else if (irreversible != null) {
                status = RollbackStatus.IRREVERSIBLE;
                detail = irreversible.message();
                risk = RiskLevel.HIGH;
            } else {
                List<Analyzed> down = downStatements(m);
                List<String> left = notUndone(up, down);
                List<String> critical = droppedCritical(down);
                if (!left.isEmpty()) {
                    status = RollbackStatus.PARTIAL;
                    detail = "the down leaves " + String.join(", ", left);
                    risk = RiskLevel.MEDIUM;
                } else if (!critical.isEmpty()) {
                    status = RollbackStatus.DATA_LOSING;
                    detail = "the down drops " + String.join(", ", critical) + ": every row written since the up is lost";
                    risk = RiskLevel.HIGH;
                } else {
                    status = RollbackStatus.COMPLETE;
                    detail = down.size() + " statement" + (down.size() == 1 ? " undoes" : "s undo") + " the up";
                    risk = RiskLevel.LOW;
                }
            }
            String r = rehearsed.get(m.id());
            if (rehearsal != null) {
                RehearsalResult.MigrationRehearsal mr = rehearsal.migrations().stream().filter(x -> x.id().equals(m.id()))
                        .findFirst().orElse(null);
                if (mr != null && mr.roundTrip() != null && mr.roundTrip().outcome().isFailure() && status.restoresSchema()) {
                    // the server's verdict wins over a static reading that found nothing wrong with the down
                    status = mr.roundTrip().outcome() == RehearsalResult.RoundTrip.Outcome.DATA_LOSS
                            ? RollbackStatus.IRREVERSIBLE : RollbackStatus.PARTIAL;
                    risk = RiskLevel.HIGH;
                }
            }
            rows.add(new RollbackRow(label, file, status, risk, detail, r));
        }
        return rows;
    }

    private List<Analyzed> downStatements(Migration m) {
        if (m.down() == null || m.down().isBlank()) {
            return List.of();
        }
        try {
            List<Analyzed> out = new ArrayList<>();
            for (var s : dev.bulwark.sql.SqlSplitter.split(m.down().sql(), m.down().file().toString(), m.down().firstLine())) {
                out.add(new Analyzed(s, dev.bulwark.lint.recognize.Recognizers.recognize(s), out.size(), 0, end, end));
            }
            return out;
        } catch (dev.bulwark.sql.SqlSyntaxException e) {
            return List.of();
        }
    }

    /** Objects the up created that the down does not remove: {@code table t}, {@code column t.c}, {@code index i}. */
    private static List<String> notUndone(List<Analyzed> up, List<Analyzed> down) {
        Set<String> droppedTables = new HashSet<>();
        Set<String> droppedColumns = new HashSet<>();
        Set<String> droppedIndexes = new HashSet<>();
        for (Analyzed s : down) {
            if (s.what() instanceof Recognized.Drop d && d.objectKind().equals("table")) {
                d.names().forEach(n -> droppedTables.add(n.name()));
            } else if (s.what() instanceof Recognized.DropIndex di) {
                di.names().forEach(n -> droppedIndexes.add(n.name()));
            } else if (s.what() instanceof Recognized.AlterTable at) {
                for (Recognized.Action a : at.actions()) {
                    if (a instanceof Recognized.DropColumn dc) {
                        droppedColumns.add(at.table().name() + "." + dc.column());
                    }
                }
            }
        }
        List<String> left = new ArrayList<>();
        for (Analyzed s : up) {
            if (s.what() instanceof Recognized.CreateTable ct && !droppedTables.contains(ct.table().name())) {
                left.add("table " + ct.table().name());
            } else if (s.what() instanceof Recognized.CreateIndex ci && ci.name() != null && ci.table() != null
                    && !droppedIndexes.contains(ci.name().name()) && !droppedTables.contains(ci.table().name())
                    && ci.columns().stream().noneMatch(c -> droppedColumns.contains(ci.table().name() + "." + c))) {
                left.add("index " + ci.name().name());
            } else if (s.what() instanceof Recognized.AlterTable at && !droppedTables.contains(at.table().name())) {
                for (Recognized.Action a : at.actions()) {
                    if (a instanceof Recognized.AddColumn ac && !droppedColumns.contains(at.table().name() + "." + ac.column().name())) {
                        left.add("column " + at.table().name() + "." + ac.column().name());
                    }
                }
            }
        }
        return left;
    }

    /** Critical tables (money, accounts) the down drops, or whose columns it drops. */
    private List<String> droppedCritical(List<Analyzed> down) {
        Set<String> out = new LinkedHashSet<>();
        for (Analyzed s : down) {
            if (s.what() instanceof Recognized.Drop d && d.objectKind().equals("table")) {
                for (Name n : d.names()) {
                    // by level, not by kind: accounts are as critical as payments, so the same DROP gets the same verdict
                    if (Criticality.of(n.name(), options.protectedTables()).level() == RiskLevel.CRITICAL) {
                        out.add(n.name());
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    // ---- issues ----------------------------------------------------------------------------------

    private List<Issue> issues(RollbackCoverage rollback) {
        record Draft(Finding f, String statement, SafeRewrite.Fix fix, List<String> tables, RiskModel.Rating rating) {
        }
        List<Draft> drafts = new ArrayList<>();
        for (Finding f : lint.findings()) {
            Migration m = f.migration() == null ? null : byId.get(f.migration());
            List<Analyzed> up = m == null ? List.of() : statements.getOrDefault(m.id(), List.of());
            Analyzed s = statementAt(up, f);
            List<String> tables = s == null ? List.of() : tablesOf(s);
            if (f.ruleId().equals("cascade-chain") || f.ruleId().equals("cascade-delete")) {
                tables = new ArrayList<>(tables);
                for (TableModel t : end.tables()) {
                    if (f.message().contains(" " + t.name() + " ") || f.message().contains(" " + t.name() + ",")
                            || f.message().contains("(" + t.name()) || f.message().contains(t.name() + ")")) {
                        if (!tables.contains(t.name())) {
                            tables.add(t.name());
                        }
                    }
                }
            }
            boolean critical = critical(f, s, tables);
            boolean alembic = m != null && m.toolData().containsKey(AlembicReader.ERROR);
            SafeRewrite.Fix fix = SafeRewrite.of(f, s, m, up, end, heads, rel(f.file()));
            drafts.add(new Draft(f, s == null ? null : s.statement().sql().strip(), fix, tables,
                    RiskModel.rate(f.ruleId(), critical, alembic)));
        }
        List<Issue> out = new ArrayList<>();
        for (Draft d : drafts) {
            Finding f = d.f();
            // statements and messages may quote a connection string: through the one masking function, like every message
            out.add(new Issue(null, f.ruleId(), f.severity(), d.rating().level(), d.rating().category(), rel(f.file()),
                    f.line(), f.migration() == null ? null : label(byId.get(f.migration())), Masking.mask(d.statement()),
                    Masking.mask(f.message()),
                    f.help(), d.fix().text(), d.fix().kind(), d.tables()));
        }
        out.addAll(ownIssues(rollback));
        out.sort(Comparator.comparing(Issue::risk).thenComparing(i -> -i.severity().ordinal())
                .thenComparing(Issue::file).thenComparingInt(Issue::line).thenComparing(Issue::rule));
        List<Issue> numbered = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Issue x = out.get(i);
            numbered.add(new Issue("A" + (i + 1), x.rule(), x.severity(), x.risk(), x.category(), x.file(), x.line(),
                    x.migration(), x.statement(), x.message(), x.help(), x.fix(), x.fixKind(), x.tables()));
        }
        return numbered;
    }

    /** Problems the audit finds beyond lint's: lossy rollbacks, one transaction around every migration, no way back. */
    private List<Issue> ownIssues(RollbackCoverage rollback) {
        List<Issue> out = new ArrayList<>();
        for (RollbackRow r : rollback.rows()) {
            if (r.status() == RollbackStatus.DATA_LOSING) {
                RiskModel.Rating rating = RiskModel.rate("data-losing-down", true, false);
                String tables = r.detail().replaceFirst("^the down drops ", "").replaceFirst(":.*$", "");
                out.add(new Issue(null, "data-losing-down", Severity.WARNING, rating.level(), rating.category(), r.file(),
                        downLine(r), r.migration(), null,
                        "rolling back migration " + r.migration() + " drops " + tables + ": every row written since it was applied is lost",
                        "take a data snapshot before any rollback, or make the down archive the rows first",
                        "pg_dump --data-only " + Arrays.stream(tables.split(", ")).map(t -> "--table=" + t)
                                .collect(Collectors.joining(" ")) + " \"$DATABASE_URL\" > before-rollback.sql",
                        "bash", Arrays.asList(tables.split(", "))));
            }
        }
        boolean lintSaysMissing = lint.findings().stream().anyMatch(f -> f.ruleId().equals("missing-down"));
        if (rollback.applicable() > 0 && rollback.covered() == 0 && !lintSaysMissing) {
            RiskModel.Rating rating = RiskModel.rate("no-rollback-path", false, false);
            out.add(new Issue(null, "no-rollback-path", Severity.INFO, rating.level(), rating.category(), rel(set.directory()),
                    1, null, null, "none of the " + rollback.applicable() + " migrations has a down: the only way back from a bad"
                    + " deploy is restoring a backup",
                    "take a verified backup before every deploy (bulwark deploy does), or write downs for new migrations",
                    "pg_dump --format=custom --file=before-deploy.dump \"$DATABASE_URL\"\nbulwark verify --snapshot before.json",
                    "bash", List.of()));
        }
        Issue single = singleTransaction();
        if (single != null) {
            out.add(single);
        }
        Issue lock = noMigrationLock();
        if (lock != null) {
            out.add(lock);
        }
        out.addAll(largeMigrations());
        return out;
    }

    private static final int LARGE_STATEMENTS = 15;
    private static final int LARGE_TABLES = 4;

    /**
     * Migrations doing several things at once (the seeds' "complex migration"): many statements or
     * many tables in one unit, so one failure rolls back, and one review must judge, all of it. The
     * first migration is exempt: an initial schema creates everything by nature.
     */
    private List<Issue> largeMigrations() {
        List<Issue> out = new ArrayList<>();
        boolean first = true;
        for (Migration m : set.migrations()) {
            List<Analyzed> up = statements.getOrDefault(m.id(), List.of());
            if (first) {
                first = up.isEmpty(); // the first migration that does something is the initial schema
                continue;
            }
            Set<String> tables = new TreeSet<>();
            up.forEach(a -> tables.addAll(tablesOf(a)));
            if (up.size() >= LARGE_STATEMENTS || tables.size() >= LARGE_TABLES) {
                RiskModel.Rating rating = RiskModel.rate("large-migration", false, false);
                out.add(new Issue(null, "large-migration", Severity.INFO, rating.level(), rating.category(), rel(m.up().file()),
                        m.up().firstLine(), label(m), null, "migration " + label(m) + " runs " + up.size() + " statements on "
                        + tables.size() + " tables (" + String.join(", ", tables) + ") as one unit: one failure rolls all of it back,"
                        + " and its review and its rollback are all or nothing",
                        "split it into one migration per concern (one table, or one feature), each with its own down",
                        "split it into one migration per concern (one table, or one feature), each with its own down", "text",
                        List.copyOf(tables)));
            }
        }
        return out;
    }

    /**
     * Alembic takes no lock of its own (Flyway, Prisma and Bulwark take an advisory lock): two
     * deploys that run {@code alembic upgrade head} at once both apply the same migration.
     */
    private Issue noMigrationLock() {
        if (set.format() != MigrationFormat.ALEMBIC) {
            return null;
        }
        Path env = findFile("env.py");
        String text = read(env);
        if (text == null || text.contains("advisory_lock") || text.contains("advisory_xact_lock")) {
            return null;
        }
        Matcher m = Pattern.compile("run_migrations\\s*\\(").matcher(text);
        int line = m.find() ? lineOf(text, m.start()) : 1;
        RiskModel.Rating rating = RiskModel.rate("no-migration-lock", false, false);
        return new Issue(null, "no-migration-lock", Severity.WARNING, rating.level(), rating.category(), rel(env), line, null, null,
                "env.py takes no lock before running migrations: two deploys that run `alembic upgrade head` at the same time"
                        + " both apply the same migration, and the second fails half way",
                "take a session advisory lock in env.py before context.run_migrations()",
                "# env.py, on the migration connection, before context.run_migrations():\n"
                        + "connection.exec_driver_sql(\"SELECT pg_advisory_lock(hashtext('alembic'))\")",
                "python", List.of());
    }

    /** Alembic's env.py runs every pending migration in one transaction unless transaction_per_migration is set. */
    private Issue singleTransaction() {
        RiskModel.Rating rating = RiskModel.rate("single-transaction", false, false);
        if (set.format() == MigrationFormat.ALEMBIC) {
            Path env = findFile("env.py");
            String text = read(env);
            if (text == null) {
                return null;
            }
            Matcher m = BEGIN_TRANSACTION.matcher(text);
            if (m.find() && !text.contains("transaction_per_migration")) {
                return new Issue(null, "single-transaction", Severity.WARNING, rating.level(), rating.category(), rel(env),
                        lineOf(text, m.start()), null, null,
                        "env.py runs every pending migration in one transaction (no transaction_per_migration=True): the locks"
                                + " the first migration takes are held until the last one finishes, and one failure rolls back all",
                        "pass transaction_per_migration=True to context.configure()",
                        configureWithPerMigration(text), "python", List.of());
            }
        } else if (set.format() == MigrationFormat.FLYWAY) {
            Path conf = findFile("flyway.conf");
            String text = read(conf);
            if (text != null) {
                Matcher m = Pattern.compile("(?m)^\\s*flyway\\.group\\s*=\\s*true").matcher(text);
                if (m.find()) {
                    return new Issue(null, "single-transaction", Severity.WARNING, rating.level(), rating.category(), rel(conf),
                            lineOf(text, m.start()), null, null,
                            "flyway.group=true runs every pending migration in one transaction: the locks the first takes are"
                                    + " held until the last finishes", "remove flyway.group", "flyway.group=false", "ini", List.of());
                }
            }
        }
        return null;
    }

    /** env.py's own context.configure(...) call with transaction_per_migration=True added. */
    private static String configureWithPerMigration(String envPy) {
        Matcher c = Pattern.compile("context\\.configure\\(([^()]*(?:\\([^()]*\\)[^()]*)*)\\)").matcher(envPy);
        String args = c.find() ? c.group(1).strip().replaceFirst(",$", "") : "connection=connection, target_metadata=target_metadata";
        return "# env.py\ncontext.configure(" + args + ",\n                  transaction_per_migration=True)";
    }

    private boolean critical(Finding f, Analyzed s, List<String> tables) {
        if (f.ruleId().equals("cascade-chain")) {
            return f.message().contains("it reaches ");
        }
        if (f.ruleId().equals("cascade-delete")) {
            // the child of the key: "foreign key channels(user_id) → users"
            Matcher m = Pattern.compile("foreign key (\\S+)\\(").matcher(f.message());
            return m.find() && Criticality.of(m.group(1), options.protectedTables()).level() == RiskLevel.CRITICAL;
        }
        if (f.ruleId().equals("missing-down")) {
            return true; // the set has downs elsewhere: this one is the gap
        }
        return tables.stream().anyMatch(t -> Criticality.of(t, options.protectedTables()).level() == RiskLevel.CRITICAL);
    }

    private static Analyzed statementAt(List<Analyzed> up, Finding f) {
        Analyzed best = null;
        for (Analyzed a : up) {
            if (!a.statement().source().equals(f.file().toString()) && !Path.of(a.statement().source()).equals(f.file())) {
                continue;
            }
            int first = a.statement().line();
            int last = first + (int) a.statement().sql().chars().filter(c -> c == '\n').count();
            if (f.line() >= first && f.line() <= last) {
                best = a;
            } else if (first == f.line()) {
                best = a;
            }
        }
        return best;
    }

    /**
     * The tables a statement works on, as the statement model says (the same description lint, deploy and verify
     * read): the relation it is about, then every table whose rows it removes, changes or adds (the children a
     * cascade reaches among them).
     */
    private static List<String> tablesOf(Analyzed a) {
        StatementEffect e = a.effect();
        Set<String> out = new LinkedHashSet<>();
        if (e.target() != null) {
            out.add(e.target());
        }
        e.rows().forEach(r -> out.add(r.table()));
        return new ArrayList<>(out);
    }

    // ---- cascades --------------------------------------------------------------------------------

    private Cascades cascades() {
        List<FkEdge> edges = new ArrayList<>();
        for (ForeignKey fk : end.foreignKeys()) {
            TableModel child = end.table(fk.child());
            boolean indexed = child != null && child.hasIndexLeadingWith(fk.columns());
            edges.add(new FkEdge(fk.name(), fk.child(), fk.columns(), fk.parent(),
                    fk.onDelete() == null ? "NO ACTION" : fk.onDelete().sql(), indexed));
        }
        Map<String, Long> rows = liveRows();
        List<BlastRadius> roots = new ArrayList<>();
        for (String table : new TreeSet<>(end.tables().stream().map(TableModel::name).toList())) {
            CascadeGraph.Chain chain = CascadeGraph.from(end, table);
            if (chain.deleted().isEmpty()) {
                continue;
            }
            List<Reached> reached = new ArrayList<>();
            Map<String, Double> perRoot = new HashMap<>();
            perRoot.put(table, 1.0);
            double total = 0;
            boolean allKnown = !rows.isEmpty();
            for (CascadeGraph.Reach r : chain.reached()) {
                Double est = null;
                Double parentRows = perRoot.get(r.via().parent());
                Long childRows = rows.get(r.table());
                Long parentTotal = rows.get(r.via().parent());
                if (parentRows != null && childRows != null && parentTotal != null) {
                    // rows per parent row, multiplied down the path: the planner's estimates, not a count
                    est = parentRows * childRows / Math.max(1, parentTotal);
                    perRoot.put(r.table(), est);
                    if (r.deletes()) {
                        total += est;
                    }
                } else {
                    allKnown = false;
                }
                reached.add(new Reached(r.table(), r.depth(), r.via().name(), r.via().parent(), r.deletes(), est));
            }
            List<String> critical = chain.deleted().stream().map(CascadeGraph.Reach::table)
                    .filter(t -> Criticality.of(t, options.protectedTables()).level() == RiskLevel.CRITICAL).toList();
            RiskLevel risk = !critical.isEmpty() || chain.cycle() ? RiskLevel.CRITICAL
                    : chain.deleted().size() >= 2 || chain.depth() >= 2 ? RiskLevel.HIGH : RiskLevel.MEDIUM;
            roots.add(new BlastRadius(table, reached, chain.depth(), chain.cycle(), allKnown ? total : null, critical, risk));
        }
        roots.sort(Comparator.comparing(BlastRadius::risk).thenComparing(b -> -b.reached().size()).thenComparing(BlastRadius::root));
        return new Cascades(edges, roots);
    }

    /** Row estimates of the live database by bare table name (public first when a name is in several schemas). */
    private Map<String, Long> liveRows() {
        Map<String, Long> out = new HashMap<>();
        if (live == null) {
            return out;
        }
        for (CatalogSnapshot.Table t : live.tables()) {
            if (t.rowEstimate() != null && (t.schema().equals("public") || !out.containsKey(t.name()))) {
                out.put(t.name(), Math.max(0, t.rowEstimate()));
            }
        }
        return out;
    }

    private Map<String, Long> liveBytes() {
        Map<String, Long> out = new HashMap<>();
        if (live != null) {
            for (CatalogSnapshot.Table t : live.tables()) {
                if (t.schema().equals("public") || !out.containsKey(t.name())) {
                    out.put(t.name(), t.totalBytes());
                }
            }
        }
        return out;
    }

    // ---- tables ----------------------------------------------------------------------------------

    private List<TableRisk> tables(List<Issue> issues, Cascades cascades) {
        Map<String, Long> rows = liveRows();
        Map<String, Long> bytes = liveBytes();
        Set<String> names = new TreeSet<>(end.tables().stream().map(TableModel::name).toList());
        if (live != null) {
            live.tables().stream().filter(t -> t.schema().equals("public")).forEach(t -> names.add(t.name()));
        }
        List<TableRisk> out = new ArrayList<>();
        for (String t : names) {
            Criticality.Kind kind = Criticality.of(t, options.protectedTables());
            List<String> inbound = cascades.roots().stream()
                    .filter(b -> b.reached().stream().anyMatch(r -> r.deletes() && r.table().equals(t)))
                    .map(BlastRadius::root).toList();
            int findings = (int) issues.stream().filter(i -> i.tables().contains(t)).count();
            // risk = what its rows are worth × whether anything here can destroy or block them
            RiskLevel risk;
            String why;
            if (kind.level() == RiskLevel.CRITICAL && !inbound.isEmpty()) {
                risk = RiskLevel.CRITICAL;
                why = kind.label() + " deleted by a cascade from " + String.join(", ", inbound);
            } else if (kind.level() == RiskLevel.CRITICAL || kind.level() == RiskLevel.HIGH && !inbound.isEmpty()) {
                risk = RiskLevel.HIGH;
                why = kind.label() + (inbound.isEmpty() ? "" : ", deleted by a cascade from " + String.join(", ", inbound));
            } else if (findings > 0 || !inbound.isEmpty()) {
                risk = RiskLevel.MEDIUM;
                why = kind.label() + (inbound.isEmpty() ? "" : ", deleted by a cascade from " + String.join(", ", inbound));
            } else {
                risk = RiskLevel.LOW;
                why = kind.label();
            }
            Long r = rows.get(t);
            if (r != null && r > 1_000_000 && findings > 0 && RiskLevel.HIGH.worseThan(risk)) {
                risk = RiskLevel.HIGH;
                why += "; " + r + " rows and blocking statements touch it";
            }
            out.add(new TableRisk(t, kind.label(), kind.level(), bytes.get(t), r, inbound, findings, risk, why));
        }
        out.sort(Comparator.comparing(TableRisk::risk).thenComparing(TableRisk::criticality).thenComparing(TableRisk::table));
        return out;
    }

    // ---- configuration ---------------------------------------------------------------------------

    private Configuration configuration() {
        List<Credential> creds = new ArrayList<>();
        for (Finding f : lint.findings()) {
            if (!f.ruleId().equals("hardcoded-credentials")) {
                continue;
            }
            String line = lineText(f.file(), f.line());
            String key = "?";
            String masked = "***";
            if (line != null) {
                int start = Math.max(0, f.column() - 1);
                int stop = Math.min(line.length(), start + f.length());
                masked = (line.substring(0, start) + "***" + line.substring(stop)).strip();
                Matcher k = Pattern.compile("^\\s*([A-Za-z0-9_.\\-]+)\\s*[=:]").matcher(line);
                key = k.find() ? k.group(1) : "line " + f.line();
                int eq = masked.indexOf('=');
                if (eq > 0 && masked.substring(0, eq).strip().equals(key)) {
                    masked = masked.substring(eq + 1).strip();
                }
            }
            creds.add(new Credential(rel(f.file()), f.line(), key, Masking.mask(masked),
                    "remove it from the file and from git history, rotate the password, read the URL from DATABASE_URL"));
        }
        List<Setting> settings = new ArrayList<>();
        long noTimeout = lint.findings().stream().filter(f -> f.ruleId().equals("missing-lock-timeout")).count();
        String timeoutFix = lockTimeoutFix();
        if (set.format() == MigrationFormat.BULWARK) {
            settings.add(new Setting("lock timeout", SettingStatus.OK, "Bulwark's runner sets lock_timeout on every"
                    + " statement (default 2s, [execution] lock_timeout)", null, null));
        } else if (noTimeout > 0) {
            settings.add(new Setting("lock timeout", SettingStatus.WARN, noTimeout + " statement" + (noTimeout == 1 ? "" : "s")
                    + " wait for a blocking lock with no lock_timeout: behind a long transaction every query on the table queues",
                    timeoutFix, lockTimeoutFixKind()));
        } else {
            settings.add(new Setting("lock timeout", SettingStatus.OK, "every statement that takes a blocking lock runs"
                    + " under a lock_timeout", null, null));
        }
        Issue single = singleTransaction();
        if (single != null) {
            settings.add(new Setting("transactions", SettingStatus.WARN, single.message(), single.fix(), single.fixKind()));
        } else {
            settings.add(new Setting("transactions", SettingStatus.OK, switch (set.format()) {
                case ALEMBIC -> "each migration runs in its own transaction";
                case PRISMA, GOLANG_MIGRATE -> "each migration file runs as one implicit transaction";
                default -> "one transaction per migration";
            }, null, null));
        }
        Issue lock = noMigrationLock();
        if (lock != null) {
            settings.add(new Setting("concurrent runs", SettingStatus.WARN, lock.message(), lock.fix(), lock.fixKind()));
        } else {
            settings.add(new Setting("concurrent runs", SettingStatus.OK, switch (set.format()) {
                case ALEMBIC -> "env.py takes an advisory lock";
                case BULWARK -> "Bulwark holds a session advisory lock while it migrates";
                case FLYWAY, PRISMA -> set.format().id() + " takes a lock on its history while it migrates";
                default -> "one run at a time is the deploy pipeline's job";
            }, null, null));
        }
        settings.add(new Setting("credentials", creds.isEmpty() ? SettingStatus.OK : SettingStatus.WARN,
                creds.isEmpty() ? "no password found in committed config files"
                        : creds.size() + " password" + (creds.size() == 1 ? "" : "s") + " committed in config files",
                creds.isEmpty() ? null : "read the URL from the environment", "text"));
        return new Configuration(creds, settings);
    }

    private String lockTimeoutFixKind() {
        return switch (set.format()) {
            case ALEMBIC -> "python";
            case FLYWAY -> "ini";
            default -> "sql";
        };
    }

    /** Where this tool takes a session setting for every migration. */
    private String lockTimeoutFix() {
        return switch (set.format()) {
            case ALEMBIC -> "# env.py, before context.run_migrations():\nconnection.exec_driver_sql(\"SET lock_timeout = '2s'\")";
            case FLYWAY -> "# flyway.conf\nflyway.initSql=SET lock_timeout = '2s'";
            default -> "-- first line of each migration file\nSET lock_timeout = '2s';";
        };
    }

    // ---- trace -----------------------------------------------------------------------------------

    private AuditReport.Trace trace() {
        if (rehearsal == null) {
            return traceNote == null ? null : new AuditReport.Trace(null, 0, List.of(), traceNote);
        }
        List<AuditReport.TracedMigration> out = new ArrayList<>();
        for (RehearsalResult.MigrationRehearsal m : rehearsal.migrations()) {
            List<AuditReport.TracedStatement> st = new ArrayList<>();
            for (var t : m.up()) {
                st.add(new AuditReport.TracedStatement(t.statement().line(), abbreviate(t.statement().sql().strip(), 160),
                        // the locks that make other sessions wait for writes; ACCESS SHARE and index locks are noise here
                        t.locks().stream().filter(l -> l.blocksWrites() && !"index".equals(l.kind()))
                                .map(l -> l.modeName() + " on " + l.relation()).distinct().toList(),
                        t.rewritten(), t.error()));
            }
            String rt = m.skipped() != null ? "not rehearsed: " + m.skipped()
                    : m.failure() != null ? "FAILED at line " + m.failure().statement().line() + ": " + m.failure().error()
                    : m.roundTrip() == null ? "not run"
                    : m.roundTrip().outcome() == RehearsalResult.RoundTrip.Outcome.PASSED ? "passed"
                    : (m.roundTrip().outcome().isFailure() ? "FAILED — " : "") + m.roundTrip().outcome().meaning();
            out.add(new AuditReport.TracedMigration(m.id(), rel(Path.of(m.file())), st, rt, m.failed(),
                    m.findings().stream().map(f -> f.severityLabel() + " [" + f.rule() + "] " + f.message()).toList()));
        }
        return new AuditReport.Trace(rehearsal.serverVersion(), rehearsal.durationMs(), out, traceNote);
    }

    // ---- risk matrix, actions, summary ------------------------------------------------------------

    private static List<RiskRow> riskMatrix(List<Issue> issues) {
        Map<String, List<Issue>> byCategory = new LinkedHashMap<>();
        issues.forEach(i -> byCategory.computeIfAbsent(i.category(), k -> new ArrayList<>()).add(i));
        List<RiskRow> rows = new ArrayList<>();
        for (Map.Entry<String, List<Issue>> e : byCategory.entrySet()) {
            Issue worst = e.getValue().stream().min(Comparator.comparing(Issue::risk)).orElseThrow();
            RiskModel.Rating r = RiskModel.rate(worst.rule(), worst.risk() == RiskLevel.CRITICAL || worst.risk() == RiskLevel.HIGH,
                    worst.risk() == RiskLevel.CRITICAL);
            rows.add(new RiskRow(e.getKey(), worst.risk(), r.impactLabel(), probability(worst.risk(), r), e.getValue().size(),
                    Horizon.of(worst.risk())));
        }
        rows.sort(Comparator.comparing(RiskRow::level).thenComparing(r -> -r.count()));
        return rows;
    }

    private static String probability(RiskLevel level, RiskModel.Rating r) {
        return r.probabilityLabel();
    }

    private List<Action> actions(List<Issue> issues) {
        // one action per distinct fix: a key's cascade-delete, update-cascade and cascade-chain share one ALTER
        Map<String, List<Issue>> byFix = new LinkedHashMap<>();
        List<Issue> timeouts = new ArrayList<>();
        List<Issue> hygiene = new ArrayList<>();
        for (Issue i : issues) {
            if (i.rule().equals("missing-lock-timeout") && set.format() != MigrationFormat.BULWARK) {
                timeouts.add(i);
            } else if (i.rule().startsWith("prefer-")) {
                hygiene.add(i);
            } else {
                byFix.computeIfAbsent(i.fixKind() + "\u0000" + i.fix(), k -> new ArrayList<>()).add(i);
            }
        }
        List<Action> out = new ArrayList<>();
        for (List<Issue> group : byFix.values()) {
            Issue first = group.get(0);
            RiskLevel risk = group.stream().map(Issue::risk).min(Comparator.naturalOrder()).orElseThrow();
            out.add(new Action(Horizon.of(risk), risk, title(first, group), where(group), first.fix(), first.fixKind(),
                    group.stream().map(Issue::id).toList()));
        }
        if (!timeouts.isEmpty()) {
            RiskLevel risk = timeouts.stream().map(Issue::risk).min(Comparator.naturalOrder()).orElseThrow();
            out.add(new Action(Horizon.of(risk), risk, "Set a lock_timeout for every migration (" + timeouts.size()
                    + " statement" + (timeouts.size() == 1 ? "" : "s") + " can wait forever and stall every query behind them)",
                    where(timeouts), lockTimeoutFix(), lockTimeoutFixKind(), timeouts.stream().map(Issue::id).toList()));
        }
        if (!hygiene.isEmpty()) {
            out.add(new Action(Horizon.THIS_MONTH, RiskLevel.LOW, "Type hygiene in new migrations: " + hygiene.size()
                    + " column" + (hygiene.size() == 1 ? "" : "s") + " with serial, int keys or timestamp without time zone",
                    where(hygiene), hygiene.stream().map(Issue::help).distinct().collect(Collectors.joining("\n")), "text",
                    hygiene.stream().map(Issue::id).toList()));
        }
        out.sort(Comparator.comparing(Action::horizon).thenComparing(Action::risk)
                .thenComparingInt(a -> categoryRank(issues, a)));
        return out;
    }

    /** Within one horizon: what stops every deploy first, then lost data, then leaked secrets, then the rest. */
    private static int categoryRank(List<Issue> issues, Action a) {
        String category = issues.stream().filter(i -> i.id().equals(a.issues().get(0))).map(Issue::category).findFirst().orElse("");
        List<String> order = List.of(RiskModel.CHAIN, RiskModel.DEPLOY, RiskModel.CASCADES, RiskModel.DATA_LOSS, RiskModel.SECRETS,
                RiskModel.ROLLBACK, RiskModel.LOCKS, RiskModel.CONFIG, RiskModel.KEYS);
        int i = order.indexOf(category);
        return i < 0 ? order.size() : i;
    }

    private static String where(List<Issue> group) {
        List<String> places = group.stream().map(Issue::where).distinct().toList();
        return places.size() <= 2 ? String.join(", ", places) : places.get(0) + " and " + (places.size() - 1) + " more";
    }

    private String title(Issue i, List<Issue> group) {
        String t = i.tables().isEmpty() ? "" : i.tables().get(0);
        Matcher fk = Pattern.compile("foreign key (\\S+\\([^)]*\\) → \\S+)").matcher(i.message());
        for (Issue g : group) {
            Matcher x = Pattern.compile("foreign key (\\S+\\([^)]*\\) → \\S+)").matcher(g.message());
            if (x.find()) {
                fk = Pattern.compile("foreign key (\\S+\\([^)]*\\) → \\S+)").matcher(g.message());
                break;
            }
        }
        return switch (i.rule()) {
            case "empty-migration" -> "Delete the empty migration " + i.file();
            case "multiple-heads" -> "Merge the Alembic heads " + String.join(" and ", heads);
            case "missing-parent" -> "Point " + i.file() + " at an existing parent revision";
            case "hardcoded-credentials" -> "Remove the password from " + i.file() + " and rotate it";
            case "cascade-delete", "cascade-chain", "update-cascade" -> fk.find()
                    ? "Replace the cascading foreign key " + fk.group(1) + " with RESTRICT"
                    : "Break the delete cascade at " + t;
            case "fk-without-index" -> "Index the foreign key columns of " + t;
            case "require-concurrent-index" -> "Build the index on " + t + " CONCURRENTLY, outside a transaction";
            case "add-required-column" -> "Give the new NOT NULL column of " + t + " a default (the deploy fails on a non-empty table)";
            case "missing-down" -> "Write the down of migration " + i.migration();
            case "data-losing-down" -> "Back up " + String.join(", ", i.tables()) + " before any rollback of " + i.migration();
            case "no-rollback-path" -> "Take a verified backup before every deploy (no migration can be rolled back)";
            case "single-transaction" -> "Run each migration in its own transaction";
            case "no-migration-lock" -> "Let only one deploy migrate at a time (advisory lock in env.py)";
            case "large-migration" -> "Split migration " + i.migration() + " into one migration per concern";
            case "unbounded-dml" -> "Backfill " + t + " in batches, outside the migration's transaction";
            case "statements-after-access-exclusive", "validate-in-same-transaction" ->
                    "Split migration " + i.migration() + " so its lock is released before the next statement";
            default -> capitalize(i.message().contains(":") ? i.message().substring(0, i.message().indexOf(':')) : i.message());
        };
    }

    private AuditReport.Summary summary(List<Issue> issues, RollbackCoverage rollback, List<Action> actions) {
        int[] byRisk = new int[RiskLevel.values().length];
        issues.forEach(i -> byRisk[i.risk().ordinal()]++);
        RiskLevel overall = issues.stream().map(Issue::risk).min(Comparator.naturalOrder()).orElse(RiskLevel.LOW);
        long errors = issues.stream().filter(i -> i.severity() == Severity.ERROR).count();
        long warnings = issues.stream().filter(i -> i.severity() == Severity.WARNING).count();
        long infos = issues.stream().filter(i -> i.severity() == Severity.INFO).count();
        List<String> order = List.of(RiskModel.CHAIN, RiskModel.DEPLOY, RiskModel.CASCADES, RiskModel.DATA_LOSS, RiskModel.SECRETS,
                RiskModel.ROLLBACK, RiskModel.LOCKS, RiskModel.CONFIG, RiskModel.KEYS);
        // the same order as the action plan: what stops deploys, then lost data, then secrets
        List<String> worst = issues.stream().filter(i -> i.risk() == overall).map(Issue::category).distinct()
                .sorted(Comparator.comparingInt(c -> order.indexOf(c) < 0 ? order.size() : order.indexOf(c))).toList();
        String headline = issues.isEmpty()
                ? "No problems found in " + set.migrations().size() + " migrations."
                : issues.size() + " problem" + (issues.size() == 1 ? "" : "s") + " in " + set.migrations().size()
                + " migrations; the worst: " + worst.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ".";
        return new AuditReport.Summary(overall, headline, (int) set.migrations().stream().filter(m -> m.kind() == MigrationKind.VERSIONED).count(),
                (int) errors, (int) warnings, (int) infos, byRisk[0], byRisk[1], byRisk[2], byRisk[3], rollback.percent(),
                actions.stream().limit(3).toList());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private String label(Migration m) {
        if (m == null) {
            return null;
        }
        if (m.format() == MigrationFormat.ALEMBIC) {
            return m.toolData().getOrDefault(AlembicReader.REVISION, m.location().getFileName().toString());
        }
        return m.id() + " " + m.description();
    }

    private int downLine(RollbackRow r) {
        for (Migration m : set.migrations()) {
            if (label(m).equals(r.migration())) {
                Matcher d = Pattern.compile("(?m)^def\\s+downgrade\\b").matcher(m.rawFile());
                if (m.format() == MigrationFormat.ALEMBIC && d.find()) {
                    return lineOf(m.rawFile(), d.start());
                }
                return m.down() != null ? m.down().firstLine() : 1;
            }
        }
        return 1;
    }

    private Path findFile(String name) {
        Path dir = set.directory().toAbsolutePath().normalize();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(name))) {
                return p.resolve(name);
            }
            if (p.equals(projectDir) || !p.startsWith(projectDir)) {
                break;
            }
        }
        return Files.isRegularFile(projectDir.resolve(name)) ? projectDir.resolve(name) : null;
    }

    private static String read(Path p) {
        if (p == null) {
            return null;
        }
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }

    private static String lineText(Path file, int line) {
        String text = read(file);
        if (text == null) {
            return null;
        }
        String[] lines = text.split("\\r?\\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1] : null;
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    String rel(Path p) {
        Path a = p.toAbsolutePath().normalize();
        return a.startsWith(baseDir) ? baseDir.relativize(a).toString() : a.toString();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String abbreviate(String s, int max) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
