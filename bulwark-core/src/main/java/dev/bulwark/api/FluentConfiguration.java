package dev.bulwark.api;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds a {@link Bulwark}: set what differs from the defaults, then {@link #load()}, which
 * validates everything once and names the setting and its limit in the message of the first
 * problem. Settings not given here come from {@code bulwark.toml} in the
 * {@link #projectDirectory project directory} when there is one, else from Bulwark's defaults.
 */
public final class FluentConfiguration {
    /** Limits on the durations, so a typo (hours for seconds) fails at configuration, not in production. */
    public static final Duration MAX_LOCK_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MAX_RETRY_BUDGET = Duration.ofHours(24);
    public static final Duration MAX_LOCK_WAIT = Duration.ofHours(24);

    DataSource dataSource;
    String url;
    String user;
    String password;
    List<String> locations;
    MigrationFormat format;
    boolean formatSet;
    Duration lockTimeout;
    Duration statementTimeout;
    Duration lockRetryBudget;
    Duration lockWait;
    String historySchema;
    Path projectDirectory = Path.of("");
    Severity lintFailOn;
    ClassLoader classLoader;
    Consumer<BulwarkEvent> eventListener = e -> { };

    FluentConfiguration(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /** The database to migrate; connections are borrowed per operation and closed afterwards. */
    public FluentConfiguration dataSource(DataSource dataSource) {
        this.dataSource = dataSource;
        return this;
    }

    /** The database to migrate, by JDBC or {@code postgresql://} URL; user and password may be null when the URL has them. */
    public FluentConfiguration dataSource(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        return this;
    }

    /**
     * Where the migrations are: {@code classpath:db/migration} (directories, jars and Spring Boot's
     * nested jars on the class loader) or {@code filesystem:sql} (relative to the project
     * directory; no prefix means filesystem). Default: {@code classpath:db/migration}, or the
     * {@code [migrations] dir} of {@code bulwark.toml}.
     */
    public FluentConfiguration locations(String... locations) {
        this.locations = new ArrayList<>(List.of(locations));
        return this;
    }

    /** The migration layout, or null (the default) to detect it from the files. */
    public FluentConfiguration format(MigrationFormat format) {
        this.format = format;
        this.formatSet = true;
        return this;
    }

    /** lock_timeout of every migration statement: above 0, at most {@link #MAX_LOCK_TIMEOUT}. Default 2s. */
    public FluentConfiguration lockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
        return this;
    }

    /** statement_timeout of every migration statement; 0 (the default) for none. */
    public FluentConfiguration statementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
        return this;
    }

    /** Total time spent retrying statements that hit the lock timeout: 0 to {@link #MAX_RETRY_BUDGET}. Default 5m. */
    public FluentConfiguration lockRetryBudget(Duration lockRetryBudget) {
        this.lockRetryBudget = lockRetryBudget;
        return this;
    }

    /** How long a run waits for another run's migration lock: 0 to {@link #MAX_LOCK_WAIT}. Default 60s. */
    public FluentConfiguration lockWait(Duration lockWait) {
        this.lockWait = lockWait;
        return this;
    }

    /** Schema of the history table {@code bulwark_history}. Default {@code public}. */
    public FluentConfiguration historySchema(String schema) {
        this.historySchema = schema;
        return this;
    }

    /**
     * The folder holding {@code bulwark.toml} (its settings fill what is not set here) and, for
     * rehearsals without a URL, the embedded server's data ({@code .bulwark/}). Default: the working directory.
     */
    public FluentConfiguration projectDirectory(Path dir) {
        this.projectDirectory = dir;
        return this;
    }

    /** The severity at which {@link LintReport#failed()} is true. Default: {@code [lint] fail_on}, else ERROR. */
    public FluentConfiguration lintFailOn(Severity severity) {
        this.lintFailOn = severity;
        return this;
    }

    /** The class loader {@code classpath:} locations are read from. Default: the thread's context class loader. */
    public FluentConfiguration classLoader(ClassLoader loader) {
        this.classLoader = loader;
        return this;
    }

    /** Receives every {@link BulwarkEvent} of every operation, on the thread running it. */
    public FluentConfiguration eventListener(Consumer<BulwarkEvent> listener) {
        this.eventListener = Objects.requireNonNull(listener, "eventListener");
        return this;
    }

    /** Validates the configuration and returns the Bulwark it describes. Nothing connects yet. */
    public Bulwark load() {
        return Bulwark.load(this);
    }
}
