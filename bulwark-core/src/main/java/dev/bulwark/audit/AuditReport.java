package dev.bulwark.audit;

import dev.bulwark.lint.Severity;

import java.time.Instant;
import java.util.List;

/**
 * What {@code bulwark audit} found: the report a reviewer writes by hand about a migration
 * directory (and, with a database, about the live schema), as one model that every renderer
 * (Markdown, HTML, JSON) draws from. Every list is in the order it is presented.
 *
 * @param project       the project folder's name
 * @param migrationsDir the migrations folder, relative to where the audit ran
 * @param database      the live database it read (password masked), or null for a static audit
 * @param preflight     results of the preflight checks, when a {@link PreflightSource} supplied them; else empty
 * @param trace         the rehearsal's locks and round trips ({@code --trace}), or null
 */
public record AuditReport(String project, String migrationsDir, String format, Instant generatedAt, String database,
                          Summary summary, MigrationChain chain, RollbackCoverage rollback, List<Issue> issues,
                          Cascades cascades, List<TableRisk> tables, Configuration configuration,
                          List<PreflightItem> preflight, Trace trace, List<RiskRow> riskMatrix, List<Action> actions) {
    public AuditReport {
        issues = List.copyOf(issues);
        tables = List.copyOf(tables);
        preflight = List.copyOf(preflight);
        riskMatrix = List.copyOf(riskMatrix);
        actions = List.copyOf(actions);
    }

    /**
     * @param overall    the worst risk of any problem found (low when nothing was found)
     * @param headline   one sentence an executive reads
     * @param topActions the three most urgent actions
     */
    public record Summary(RiskLevel overall, String headline, int migrations, int errors, int warnings, int infos,
                          int critical, int high, int medium, int low, int rollbackPercent, List<Action> topActions) {
    }

    // ---- migration chain ---------------------------------------------------------------------

    public enum NodeStatus {
        OK("ok"), EMPTY("empty"), BROKEN("unparseable"), MISSING("missing file");

        private final String label;

        NodeStatus(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One migration in the graph.
     *
     * @param id     the revision (Alembic) or version
     * @param file   the file, relative; null for a parent no file defines
     * @param note   why it is broken, or null
     */
    public record ChainNode(String id, String label, String file, NodeStatus status, String note, boolean root,
                            boolean head, boolean merge, boolean branchPoint) {
    }

    /** {@code parent} comes before {@code child}. */
    public record ChainEdge(String parent, String child) {
    }

    /**
     * The revision graph: linear for versioned formats, a DAG for Alembic.
     *
     * @param problems sentences naming each problem of the graph (several heads, a missing parent, a broken file)
     */
    public record MigrationChain(List<ChainNode> nodes, List<ChainEdge> edges, List<String> roots, List<String> heads,
                                 List<String> branchPoints, List<String> merges, List<String> problems) {
    }

    // ---- rollback ----------------------------------------------------------------------------

    public enum RollbackStatus {
        COMPLETE("complete"), DATA_LOSING("data-losing"), PARTIAL("partial"), EMPTY("empty"), MISSING("missing"),
        IRREVERSIBLE("irreversible"), NOT_APPLICABLE("n/a");

        private final String label;

        RollbackStatus(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** A down that restores the schema (data written since may still be lost). */
        public boolean restoresSchema() {
            return this == COMPLETE || this == DATA_LOSING;
        }
    }

    /**
     * @param rehearsed the round-trip outcome on a real server ({@code --trace}), or null
     */
    public record RollbackRow(String migration, String file, RollbackStatus status, RiskLevel risk, String detail,
                              String rehearsed) {
    }

    /**
     * @param percent     migrations whose down restores the schema, of those that change something
     * @param unavailable why the tool has no rollbacks to count (Flyway Community has no undo
     *                    migrations), or null; a report then shows this instead of a percentage
     */
    public record RollbackCoverage(List<RollbackRow> rows, int covered, int applicable, int percent, String unavailable) {
        public RollbackCoverage(List<RollbackRow> rows, int covered, int applicable, int percent) {
            this(rows, covered, applicable, percent, null);
        }

        /** "83%", or the reason there is no percentage. */
        public String shown() {
            return unavailable != null ? unavailable : percent + "%";
        }
    }

    // ---- findings ----------------------------------------------------------------------------

    /**
     * One problem, from a lint rule or from the audit's own checks.
     *
     * @param id        {@code A1}, {@code A2}, … in presentation order, for cross references
     * @param statement the statement it is about (for Alembic, the SQL the op call generates), or null
     * @param fix       the safe rewrite: SQL, or a shell command when {@code fixKind} says so
     * @param fixKind   the language of {@code fix} ({@code sql}, {@code bash}, {@code python}, {@code ini}), or {@code text}
     * @param tables    the tables it touches
     */
    public record Issue(String id, String rule, Severity severity, RiskLevel risk, String category, String file,
                        int line, String migration, String statement, String message, String help, String fix,
                        String fixKind, List<String> tables) {
        public String where() {
            return file + ":" + line;
        }
    }

    // ---- cascades ----------------------------------------------------------------------------

    /** A foreign key of the final schema, child → parent, with its ON DELETE action. */
    public record FkEdge(String name, String child, List<String> columns, String parent, String onDelete,
                         boolean indexed) {
        public boolean cascades() {
            return onDelete.equals("CASCADE");
        }
    }

    /**
     * A table reached when one row of the root is deleted.
     *
     * @param deletes       true when its rows are deleted, false when updated (SET NULL / SET DEFAULT)
     * @param estimatedRows rows per deleted root row, from the live database's estimates; null without one
     */
    public record Reached(String table, int depth, String via, String parent, boolean deletes, Double estimatedRows) {
    }

    /** What one deleted row of {@code root} takes with it. */
    public record BlastRadius(String root, List<Reached> reached, int depth, boolean cycle, Double estimatedRows,
                              List<String> criticalReached, RiskLevel risk) {
    }

    public record Cascades(List<FkEdge> edges, List<BlastRadius> roots) {
    }

    // ---- data criticality --------------------------------------------------------------------

    /**
     * @param kind           what its rows are, from its name and the protected-tables setting
     * @param inboundCascades tables whose one-row delete deletes rows here
     */
    public record TableRisk(String table, String kind, RiskLevel criticality, Long bytes, Long rows,
                            List<String> inboundCascades, int findings, RiskLevel risk, String why) {
    }

    // ---- configuration -----------------------------------------------------------------------

    /** A password in a committed file: where and which key, never the value. */
    public record Credential(String file, int line, String key, String masked, String fix) {
    }

    public enum SettingStatus { OK, WARN }

    /** @param fixKind the language of {@code fix}: sql, bash, python, ini */
    public record Setting(String name, SettingStatus status, String detail, String fix, String fixKind) {
    }

    public record Configuration(List<Credential> credentials, List<Setting> settings) {
    }

    // ---- preflight and trace -----------------------------------------------------------------

    /** One preflight check's result, as a {@link PreflightSource} reports it. */
    public record PreflightItem(String id, String status, String value, String fix) {
    }

    public record TracedStatement(int line, String sql, List<String> locks, List<String> rewrites, String error) {
    }

    public record TracedMigration(String id, String file, List<TracedStatement> statements, String roundTrip,
                                  boolean failed, List<String> findings) {
    }

    /** @param note why it could not run, or null */
    public record Trace(String server, long durationMs, List<TracedMigration> migrations, String note) {
    }

    // ---- risk matrix and actions -------------------------------------------------------------

    /** One row of the risk matrix: a category of problem, as found here. */
    public record RiskRow(String category, RiskLevel level, String impact, String probability, int count,
                          Horizon priority) {
    }

    public enum Horizon {
        NOW("now"), THIS_WEEK("this week"), THIS_MONTH("this month");

        private final String label;

        Horizon(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Horizon of(RiskLevel r) {
            return switch (r) {
                case CRITICAL -> NOW;
                case HIGH -> THIS_WEEK;
                default -> THIS_MONTH;
            };
        }
    }

    /**
     * @param issues the ids of the problems it fixes
     */
    public record Action(Horizon horizon, RiskLevel risk, String title, String where, String fix, String fixKind,
                         List<String> issues) {
    }
}
