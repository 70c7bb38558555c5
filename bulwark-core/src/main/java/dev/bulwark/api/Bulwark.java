package dev.bulwark.api;

import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.execute.Applied;
import dev.bulwark.Listener;
import dev.bulwark.execute.MigrateResult;
import dev.bulwark.execute.Migrator;
import dev.bulwark.lint.LintConfig;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.Linter;
import dev.bulwark.lint.report.JunitRenderer;
import dev.bulwark.lint.report.SarifRenderer;
import dev.bulwark.lint.report.TextRenderer;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.pg.ConnectionResolver;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Embedded;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.rehearse.Rehearsal;
import dev.bulwark.rehearse.RehearsalResult;
import dev.bulwark.rehearse.TraceFinding;
import dev.bulwark.verify.Verifier;
import dev.bulwark.verify.VerifyResult;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Bulwark as a library: configure once with {@link #configure()}, then run operations that
 * return typed results. Thread-safe; each operation borrows its connections and returns them.
 *
 * <pre>{@code
 * Bulwark bulwark = Bulwark.configure()
 *         .dataSource(dataSource)
 *         .locations("classpath:db/migration")
 *         .load();
 * for (MigrationInfo m : bulwark.status()) { ... }
 * MigrationReport report = bulwark.migrate();
 * }</pre>
 */
public final class Bulwark {
    private static final String APPLICATION_NAME = "bulwark";

    private final Configuration configuration;
    private final DataSource dataSource;
    private final ConnectionSpec spec;
    private final BulwarkConfig base;
    private final ClassLoader classLoader;
    private final Consumer<BulwarkEvent> events;

    private Bulwark(Configuration configuration, DataSource dataSource, ConnectionSpec spec, BulwarkConfig base,
                    ClassLoader classLoader, Consumer<BulwarkEvent> events) {
        this.configuration = configuration;
        this.dataSource = dataSource;
        this.spec = spec;
        this.base = base;
        this.classLoader = classLoader;
        this.events = events;
    }

    /** Starts a configuration; classpath locations are read from the thread's context class loader. */
    public static FluentConfiguration configure() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return new FluentConfiguration(cl != null ? cl : Bulwark.class.getClassLoader());
    }

    /** Starts a configuration whose classpath locations are read from {@code classLoader}. */
    public static FluentConfiguration configure(ClassLoader classLoader) {
        return new FluentConfiguration(classLoader);
    }

    public Configuration configuration() {
        return configuration;
    }

    // ---------------------------------------------------------------- configuration

    static Bulwark load(FluentConfiguration f) {
        if (f.projectDirectory == null) {
            throw config("projectDirectory cannot be null", "leave it unset for the working directory");
        }
        Path projectDir = f.projectDirectory.toAbsolutePath().normalize();
        boolean hasFile = Files.isRegularFile(projectDir.resolve(BulwarkConfig.FILE_NAME));
        BulwarkConfig file;
        try {
            file = hasFile ? BulwarkConfig.load(projectDir) : BulwarkConfig.defaults(projectDir);
        } catch (BulwarkException e) {
            throw config(e.getMessage(), e.fix());
        }
        Duration lockTimeout = f.lockTimeout != null ? f.lockTimeout : file.lockTimeout();
        if (lockTimeout.isNegative() || lockTimeout.isZero() || lockTimeout.compareTo(FluentConfiguration.MAX_LOCK_TIMEOUT) > 0) {
            throw config("lockTimeout must be greater than 0 and at most " + FluentConfiguration.MAX_LOCK_TIMEOUT.toMinutes()
                    + " minutes, was " + lockTimeout, "0 would wait forever behind a long transaction and stall every query queued behind it; use e.g. 2s");
        }
        Duration statementTimeout = f.statementTimeout != null ? f.statementTimeout : file.statementTimeout();
        requireRange("statementTimeout", statementTimeout, null);
        Duration retryBudget = f.lockRetryBudget != null ? f.lockRetryBudget : file.lockRetryBudget();
        requireRange("lockRetryBudget", retryBudget, FluentConfiguration.MAX_RETRY_BUDGET);
        Duration lockWait = f.lockWait != null ? f.lockWait : file.lockWait();
        requireRange("lockWait", lockWait, FluentConfiguration.MAX_LOCK_WAIT);
        String historySchema = f.historySchema != null ? f.historySchema : file.historySchema();
        if (historySchema.isBlank()) {
            throw config("historySchema cannot be empty", "leave it unset for 'public'");
        }
        if (f.dataSource != null && f.url != null) {
            throw config("dataSource: give either a DataSource or a URL, not both", "remove one of the dataSource(...) calls");
        }
        ConnectionSpec spec = null;
        String database = null;
        if (f.url != null) {
            spec = resolve(f.url, Map.of(), null, "dataSource url");
            if (f.user != null || f.password != null) {
                spec = new ConnectionSpec(spec.jdbcUrl(), f.user != null ? f.user : spec.user(),
                        f.password != null ? f.password : spec.password(), spec.properties());
            }
        } else if (f.dataSource == null && file.databaseUrl() != null) {
            spec = resolve(null, System.getenv(), file.databaseUrl(), BulwarkConfig.FILE_NAME + " [database] url");
        }
        if (spec != null) {
            database = spec.masked();
        } else if (f.dataSource != null) {
            database = "DataSource";
        }
        List<String> locations = f.locations != null ? List.copyOf(f.locations)
                : hasFile ? List.of(MigrationLocations.FILESYSTEM + file.migrationsDir())
                : List.of(MigrationLocations.CLASSPATH + "db/migration");
        MigrationLocations.validate(locations);
        MigrationFormat format = f.formatSet ? f.format
                : file.format() == null ? null : MigrationFormat.valueOf(file.format().name());
        Severity failOn = f.lintFailOn;
        if (failOn == null) {
            try {
                failOn = Severity.valueOf(LintConfig.load(projectDir).failOn().name());
            } catch (BulwarkException e) {
                throw config(e.getMessage(), e.fix());
            }
        }
        if (f.classLoader == null) {
            throw config("classLoader cannot be null", "leave it unset for the thread's context class loader");
        }
        BulwarkConfig internal = new BulwarkConfig(projectDir, file.migrationsDir(),
                format == null ? null : dev.bulwark.migration.MigrationFormat.valueOf(format.name()), null,
                lockTimeout, statementTimeout, retryBudget, lockWait, historySchema, file.checksDir());
        Configuration c = new Configuration(database, locations, format, lockTimeout, statementTimeout, retryBudget,
                lockWait, historySchema, projectDir, failOn);
        return new Bulwark(c, f.dataSource, spec, internal, f.classLoader, f.eventListener);
    }

    private static ConnectionSpec resolve(String url, Map<String, String> env, String configUrl, String what) {
        try {
            return ConnectionResolver.resolve(url, env, configUrl, null)
                    .orElseThrow(() -> config(what + " names no database", "give a URL such as postgresql://user@host:5432/db"));
        } catch (BulwarkException e) {
            throw config(what + ": " + e.getMessage(), e.fix());
        }
    }

    private static void requireRange(String name, Duration d, Duration max) {
        if (d == null || d.isNegative()) {
            throw config(name + " cannot be negative, was " + d, "use 0 for none");
        }
        if (max != null && d.compareTo(max) > 0) {
            throw config(name + " must be at most " + max.toHours() + " hours, was " + d, "check the unit: Duration.ofSeconds, not ofHours");
        }
    }

    private static BulwarkFailure config(String message, String fix) {
        return new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION, message, fix);
    }

    // ---------------------------------------------------------------- operations

    /** Every migration's state, reconciling the files with the database's history. */
    public List<MigrationInfo> status() {
        return withMigrator((m, g) -> m.status().stream().map(s -> info(s, g)).toList());
    }

    /**
     * Applies every pending migration, in order, under the lock timeout and retry budget, up to the
     * phase barrier: a pending {@code -- bulwark:phase contract} migration runs only with
     * {@link MigrateOptions#includingContractPhase()}, and the report says where it stopped
     * ({@link MigrationReport#stoppedAtPhaseBarrier()}).
     */
    public MigrationReport migrate() {
        return migrate(MigrateOptions.defaults());
    }

    public MigrationReport migrate(MigrateOptions options) {
        return withMigrator((m, g) -> {
            m.allowContractPhase(options.contractPhase());
            return report(m.migrate(options.target(), options.dryRun(), options.allowOutOfOrder()));
        });
    }

    /** Runs the downs of applied migrations, newest first. */
    public MigrationReport rollback(RollbackOptions options) {
        return withMigrator((m, g) -> report(m.rollback(options.steps(), options.toVersion(), options.dryRun())));
    }

    /** Lints the migrations with the project's rules ({@code [lint]} of {@code bulwark.toml}); needs no database. */
    public LintReport lint() {
        return call(() -> {
            try (MigrationLocations.Gathered g = gather()) {
                MigrationSet set = read(g);
                Path projectDir = configuration.projectDirectory();
                LintResult result = Linter.standard(LintConfig.load(projectDir).options()).lint(set, projectDir);
                List<LintIssue> issues = result.findings().stream().map(x -> new LintIssue(x.ruleId(),
                        Severity.valueOf(x.severity().name()), g.origin(x.file()), x.line(), x.column(), x.message(),
                        x.help(), x.migration())).toList();
                Path renderBase = g.temporary() ? g.directory() : projectDir;
                dev.bulwark.lint.Severity threshold = dev.bulwark.lint.Severity.valueOf(configuration.lintFailOn().name());
                Map<LintFormat, String> rendered = new EnumMap<>(LintFormat.class);
                rendered.put(LintFormat.TEXT, render(out -> new TextRenderer(renderBase, false).render(result, out)));
                rendered.put(LintFormat.SARIF, render(out -> new SarifRenderer(renderBase, version()).render(result, out)));
                rendered.put(LintFormat.JUNIT, render(out -> new JunitRenderer(renderBase, threshold).render(result, out)));
                return new LintReport(issues, configuration.lintFailOn(), set.migrations().size(), rendered);
            }
        });
    }

    /**
     * The migration set's audit (risk per migration, lint findings, what each locks and rewrites)
     * as one self-contained HTML page; reads no database.
     */
    public String auditHtml() {
        return call(() -> {
            try (MigrationLocations.Gathered g = gather()) {
                MigrationSet set = read(g);
                Path projectDir = configuration.projectDirectory();
                dev.bulwark.audit.AuditReport r = new dev.bulwark.audit.Auditor(set, projectDir, g.temporary() ? g.directory() : projectDir,
                        LintConfig.load(projectDir).options()).run();
                return dev.bulwark.audit.AuditFormat.HTML.render(r);
            }
        });
    }

    /** Schema and data integrity checks on the database (invalid indexes, constraint violations, invariants). */
    public VerifyReport verify() {
        return verify(VerifyOptions.defaults());
    }

    public VerifyReport verify(VerifyOptions options) {
        return call(() -> {
            try (Connection c = connection("-verify")) {
                VerifyResult r = new Verifier(c, new dev.bulwark.verify.VerifyOptions(options.schemas(), base.checksDir(),
                        java.util.Set.of(), dev.bulwark.verify.VerifyOptions.DEFAULT_SAMPLE_ROWS)).run(configuration.database());
                return new VerifyReport(configuration.database(), r.tables(), r.findings().stream()
                        .map(x -> new VerifyIssue(x.check().id(), x.object(), x.message(), x.fix(), x.count())).toList());
            } catch (SQLException e) {
                throw new BulwarkFailure(BulwarkFailure.Kind.DATABASE, "verify failed: " + e.getMessage(), null, e);
            }
        });
    }

    /** Rehearses every migration on a throwaway database (dropped afterwards). */
    public RehearsalReport rehearse() {
        return rehearse(RehearseOptions.defaults());
    }

    /**
     * Rehearses every migration, with its round trip, on a throwaway database: on the configured
     * URL's server, else (with a DataSource or no database) on the embedded server of the project
     * directory, which needs {@code bulwark-embedded}'s binaries on the class path.
     */
    public RehearsalReport rehearse(RehearseOptions options) {
        return call(() -> {
            try (MigrationLocations.Gathered g = gather()) {
                MigrationSet set = read(g);
                RehearsalResult r;
                if (spec != null) {
                    r = new Rehearsal(set, spec, configuration.projectDirectory(), options.sampleRows(), listener()).run();
                } else {
                    try (Embedded server = Embedded.open(configuration.projectDirectory())) {
                        r = new Rehearsal(set, server.connection(), configuration.projectDirectory(), options.sampleRows(), listener()).run();
                    }
                }
                List<RehearsedMigration> out = new ArrayList<>();
                for (RehearsalResult.MigrationRehearsal m : r.migrations()) {
                    out.add(new RehearsedMigration(m.id(), m.description(), m.file() == null ? null : g.origin(configuration.projectDirectory().resolve(m.file())), m.up().size(),
                            m.failure() == null ? null : m.failure().error(),
                            m.roundTrip() == null ? null : m.roundTrip().outcome().name(),
                            m.roundTrip() == null ? null : m.roundTrip().detail(),
                            m.findings().stream().map(Bulwark::trace).toList(), m.skipped(), m.failed()));
                }
                return new RehearsalReport(r.serverVersion(), Duration.ofMillis(r.durationMs()), out);
            }
        });
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface MigratorWork<T> {
        T run(Migrator migrator, MigrationLocations.Gathered gathered);
    }

    private <T> T withMigrator(MigratorWork<T> work) {
        return call(() -> {
            try (MigrationLocations.Gathered g = gather()) {
                MigrationSet set = read(g);
                if (set.format() == dev.bulwark.migration.MigrationFormat.ALEMBIC) {
                    throw new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION, "Bulwark reads Alembic migrations to lint them, but does not apply them",
                            "apply them with `alembic upgrade head`");
                }
                try (Connection w = connection(""); Connection monitor = connection("-lock")) {
                    return work.run(new Migrator(base.withMigrationsDir(g.directory()), w, monitor, set, listener()), g);
                } catch (SQLException e) {
                    throw new BulwarkFailure(BulwarkFailure.Kind.DATABASE, "closing the connection failed: " + e.getMessage(), null, e);
                }
            }
        });
    }

    private Connection connection(String suffix) {
        if (spec != null) {
            return spec.open(APPLICATION_NAME + suffix);
        }
        if (dataSource == null) {
            throw config("no database is configured", "call dataSource(DataSource) or dataSource(url, user, password) on the configuration");
        }
        try {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("SET application_name = '" + APPLICATION_NAME + suffix + "'");
            }
            return c;
        } catch (SQLException e) {
            throw new BulwarkFailure(BulwarkFailure.Kind.DATABASE, "cannot connect through the DataSource: " + e.getMessage(),
                    "check the DataSource's URL, user and password", e);
        }
    }

    private MigrationLocations.Gathered gather() {
        return MigrationLocations.gather(configuration.locations(), configuration.projectDirectory(), classLoader);
    }

    private MigrationSet read(MigrationLocations.Gathered g) {
        return MigrationSources.read(g.directory(), base.format());
    }

    private Listener listener() {
        return new Listener() {
            @Override
            public void info(String line) {
                events.accept(new BulwarkEvent.Progress(line));
            }

            @Override
            public void warn(String line) {
                events.accept(new BulwarkEvent.Warning(line));
            }
        };
    }

    private MigrationReport report(MigrateResult r) {
        List<AppliedMigration> out = new ArrayList<>();
        for (Applied a : r.applied()) {
            AppliedMigration m = new AppliedMigration(a.id(), a.description(), a.down(), Duration.ofMillis(a.durationMs()),
                    a.statements(), a.rowsAffected(), Duration.ofMillis(a.lockWaitMs()), a.lockRetries());
            out.add(m);
            events.accept(a.down() ? new BulwarkEvent.MigrationReverted(m.id(), m.description(), m.duration())
                    : new BulwarkEvent.MigrationApplied(m.id(), m.description(), m.duration(), m.statements(), m.lockRetries()));
        }
        return new MigrationReport(out, r.dryRunSql(), r.current(), r.barrier() == null ? List.of() : r.barrier().waitingIds());
    }

    private static MigrationInfo info(MigrationStatus s, MigrationLocations.Gathered g) {
        var last = s.last();
        boolean applied = s.state().isApplied() || s.state() == dev.bulwark.plan.MigrationState.FAILED;
        return new MigrationInfo(s.id(), s.description(), MigrationState.valueOf(s.state().name()),
                s.migration() == null ? null : g.origin(s.migration().location()),
                applied && last != null ? last.startedAt() : null,
                applied && last != null && last.durationMs() != null ? Duration.ofMillis(last.durationMs()) : null,
                s.detail());
    }

    private static TraceIssue trace(TraceFinding f) {
        return new TraceIssue(f.rule(), Severity.valueOf(f.severity().name()), f.position(), f.message(), f.help());
    }

    private static String render(Consumer<PrintWriter> renderer) {
        StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            renderer.accept(out);
        }
        return s.toString();
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = Bulwark.class.getResourceAsStream("/dev/bulwark/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // the version is decoration in a report
        }
        return p.getProperty("bulwark.version", "unknown");
    }

    /** Runs an operation, turning the engine's exceptions into {@link BulwarkFailure}s. */
    private static <T> T call(Supplier<T> op) {
        try {
            return op.get();
        } catch (BulwarkException e) {
            BulwarkFailure.Kind kind = switch (e.code()) {
                case USAGE -> BulwarkFailure.Kind.MIGRATIONS;
                case DATABASE, FAILED_ROLLED_BACK, FAILED_NOT_ROLLED_BACK -> BulwarkFailure.Kind.DATABASE;
                case LOCK_NOT_ACQUIRED -> BulwarkFailure.Kind.LOCK;
                default -> BulwarkFailure.Kind.OTHER;
            };
            throw new BulwarkFailure(kind, e.getMessage(), e.fix(), e);
        }
    }
}
