package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.Durations;
import dev.bulwark.Listener;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.pg.ConnectionResolver;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.cli.options.ConnectionOptions;
import dev.bulwark.cli.options.ProjectOptions;
import dev.bulwark.cli.options.TimeoutOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** A command that works on the migrations of a project and one database. */
abstract class DatabaseCommand implements Callable<Integer> {
    /** The top command (-C, environment), found from the spec so commands nested under a group (backup) work too. */
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Mixin
    ConnectionOptions connection;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    BulwarkConfig config() {
        BulwarkConfig c = BulwarkConfig.load(root.projectDir());
        if (project.dir != null) {
            c = c.withMigrationsDir(root.workingDir.resolve(project.dir));
        }
        if (project.format != null) {
            c = c.withFormat(MigrationFormat.fromId(project.format));
        }
        TimeoutOptions timeouts = timeouts();
        if (timeouts == null) {
            return c;
        }
        return c.withTimeouts(
                timeouts.lockTimeout == null ? null : Durations.parseTimeout(timeouts.lockTimeout, "--lock-timeout"),
                timeouts.statementTimeout == null ? null : Durations.parseTimeout(timeouts.statementTimeout, "--statement-timeout"),
                timeouts.lockRetryBudget == null ? null : Durations.parse(timeouts.lockRetryBudget, "--lock-retry-budget"),
                timeouts.lockWait == null ? null : Durations.parse(timeouts.lockWait, "--lock-wait"));
    }

    /** Lock and statement timeouts: null on commands that run no statements of the user's (status, history, check…). */
    TimeoutOptions timeouts() {
        return null;
    }

    /** The configured database, or empty for the embedded default. */
    Optional<ConnectionSpec> target(BulwarkConfig c) {
        return configuredTarget(c);
    }

    final Optional<ConnectionSpec> configuredTarget(BulwarkConfig c) {
        String home = root.env.getOrDefault("HOME", System.getProperty("user.home"));
        Path pgpass = root.env.containsKey("PGPASSFILE") ? Path.of(root.env.get("PGPASSFILE")) : Path.of(home, ".pgpass");
        return ConnectionResolver.resolve(connection.url, root.env, c.databaseUrl(), pgpass);
    }

    /** Progress lines go to stderr when stdout carries a machine-readable report. */
    boolean progressToStderr() {
        return false;
    }

    Listener listener() {
        PrintWriter out = progressToStderr() ? err() : out();
        PrintWriter err = err();
        return new Listener() {
            @Override
            public void info(String line) {
                out.println(dev.bulwark.pg.Masking.mask(line));
                out.flush();
            }

            @Override
            public void warn(String line) {
                err.println(dev.bulwark.pg.Masking.mask(line));
                err.flush();
            }
        };
    }

    @Override
    public final Integer call() {
        root = (BulwarkCommand) spec.root().userObject();
        BulwarkConfig c = config();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (Bulwark b = Bulwark.open(c, target(c).orElse(null), listener())) {
            // Ctrl-C: cancel the running statement (its transaction rolls back, its locks go), then let
            // the command record what happened and close its connections before the JVM halts
            Thread hook = new Thread(() -> {
                onSignal(b);
                boolean finished = false;
                try {
                    finished = done.await(signalGrace().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                Integer code = signalExitCode(finished);
                if (code != null) {
                    // System.exit blocks while the JVM shuts down: the command's own code is only kept by halting here
                    out().flush();
                    err().flush();
                    Runtime.getRuntime().halt(code);
                }
            }, "bulwark-cancel");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return run(b);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // already shutting down: the hook runs and waits for us
                }
            }
        } finally {
            done.countDown();
        }
    }

    abstract int run(Bulwark b);

    /** SIGTERM or SIGINT arrived while the command runs: by default, cancel the running statement. */
    void onSignal(Bulwark b) {
        b.cancel();
    }

    /** How long the shutdown hook lets the command finish after a signal. */
    java.time.Duration signalGrace() {
        return java.time.Duration.ofSeconds(15);
    }

    /**
     * The process's exit code after a signal, or null to keep the JVM's (128 + signal).
     *
     * @param finished whether the command finished within {@link #signalGrace()}
     */
    Integer signalExitCode(boolean finished) {
        return null;
    }

    String rel(Path p) {
        try {
            return root.projectDir().relativize(p.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }
}
