package dev.bulwark.cli;

import dev.bulwark.embedded.EmbeddedStatus;
import dev.bulwark.pg.Embedded;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "db", mixinStandardHelpOptions = true,
        description = {"Manage the project's embedded PostgreSQL.",
                "Its data is in .bulwark/pgdata. To use psql on it (db url starts it when it is stopped):",
                "  psql \"$(bulwark db url)\""},
        subcommands = {DbCommand.Start.class, DbCommand.Stop.class, DbCommand.Status.class, DbCommand.Url.class})
final class DbCommand extends CommandGroup {
    abstract static class Sub implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        DbCommand db;

        @Spec
        CommandSpec spec;

        java.nio.file.Path project() {
            return db.root.projectDir();
        }

        java.io.PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start it and keep it running until 'bulwark db stop'.")
    static final class Start extends Sub {
        @Override
        public Integer call() {
            EmbeddedStatus s = Embedded.startPersistent(project());
            out().println("Embedded PostgreSQL " + s.version() + " running on port " + s.port() + " (pid " + s.pid() + "), data in "
                    + s.dataDir() + ".");
            out().println("Connect with: psql \"" + Embedded.url(project()) + "\"");
            return ExitCodes.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop it (waits for other Bulwark runs using it).")
    static final class Stop extends Sub {
        @Override
        public Integer call() {
            EmbeddedStatus before = Embedded.status(project());
            EmbeddedStatus after = Embedded.stop(project());
            out().println(after.running() ? "Embedded PostgreSQL is in use by another Bulwark run; it stops when that run ends."
                    : before.running() ? "Embedded PostgreSQL stopped." : "Embedded PostgreSQL was not running.");
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {"Say whether it runs, where, and on which port.", "Exits 1 when it is stopped."})
    static final class Status extends Sub {
        @picocli.CommandLine.Mixin
        dev.bulwark.cli.options.OutputOptions output;

        @Override
        public Integer call() {
            EmbeddedStatus s = Embedded.status(project());
            if (output.json()) {
                Json.print(out(), Json.obj("running", s.running(), "pid", s.running() ? s.pid() : null,
                        "port", s.port() > 0 ? s.port() : null, "version", s.version(),
                        "dataDir", s.dataDir() == null ? null : s.dataDir().toString(), "persistent", s.persistent(),
                        "url", s.port() > 0 ? Embedded.url(project()) : null));
                return s.running() ? ExitCodes.OK : ExitCodes.FINDINGS;
            }
            if (s.running()) {
                out().println("running: PostgreSQL " + s.version() + ", pid " + s.pid() + ", port " + s.port() + ", data " + s.dataDir()
                        + (s.persistent() ? " (started with 'bulwark db start')" : ""));
                return ExitCodes.OK;
            }
            out().println("stopped" + (s.dataDir() != null ? ": data in " + s.dataDir() : "") + "; commands start it when they need it");
            return ExitCodes.FINDINGS;
        }
    }

    @Command(name = "url", mixinStandardHelpOptions = true, description = {"Print its URL for psql (starts it when stopped).",
            "Prints postgresql://postgres@127.0.0.1:PORT/bulwark. A stopped server is started and kept running (as 'bulwark db"
                    + " start' does; standard error says so) so that psql \"$(bulwark db url)\" works as written."})
    static final class Url extends Sub {
        @Override
        public Integer call() {
            // a URL of a stopped server would send psql "$(bulwark db url)" to a refused connection: start it instead
            if (!Embedded.status(project()).running()) {
                EmbeddedStatus s = Embedded.startPersistent(project());
                spec.commandLine().getErr().println("bulwark: started the embedded PostgreSQL " + s.version() + " on port " + s.port()
                        + "; it keeps running until 'bulwark db stop'");
                spec.commandLine().getErr().flush();
            }
            out().println(Embedded.url(project()));
            return ExitCodes.OK;
        }
    }
}
