package dev.bulwark.cli;

import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.cli.options.OutputOptions;
import dev.bulwark.cli.options.PgBinOptions;
import dev.bulwark.copy.TablePatterns;
import dev.bulwark.pg.ConnectionResolver;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.replicate.ReplicationState;
import dev.bulwark.replicate.ReplicationStatus;
import dev.bulwark.replicate.Replicator;
import dev.bulwark.replicate.Replicator.SwitchOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "replicate", mixinStandardHelpOptions = true,
        description = {"Blue-green: sync a new database, switch, fall back.",
                "Logical replication. start: checks both servers and reports every problem at once (exit 1), then creates the schema on green as"
                        + " copy does, a publication on blue and a subscription on green. status: per table state, lag,"
                        + " WAL held by the slot. switchover: fences blue, waits for green to apply blue's last LSN, sets"
                        + " sequences, compares fingerprints, runs --switch-cmd, turns replication around so blue stays a"
                        + " fallback, opens green and prints the write-unavailable window. rollback: the same back to blue."
                        + " stop: removes subscriptions, publications and slots. State is kept on both sides: after a kill,"
                        + " status explains and the same command resumes."},
        subcommands = {ReplicateCommand.Start.class, ReplicateCommand.Status.class, ReplicateCommand.Switchover.class,
                ReplicateCommand.Rollback.class, ReplicateCommand.Stop.class})
final class ReplicateCommand extends CommandGroup {
    /** The pair: every subcommand names it as start did. */
    static final class Pair {
        @Option(names = "--from", required = true, paramLabel = "URL",
                description = "Blue: the database replicated from (postgres://user@host/db or jdbc:postgresql://…; password"
                        + " from PGPASSWORD or ~/.pgpass). Green connects to it with the same host, port and credentials.")
        String from;

        @Option(names = "--to", required = true, paramLabel = "URL", description = "Green: the database replicated to (empty for start).")
        String to;

        ConnectionSpec resolve(BulwarkCommand root, String url, String option) {
            return ConnectionResolver.resolve(url, root.env, null, ConnectionResolver.defaultPgpassFile(root.env))
                    .orElseThrow(() -> BulwarkException.usage(option + " needs a database URL", "e.g. " + option
                            + " postgres://user@host:5432/db"));
        }

        Replicator replicator(BulwarkCommand root, PrintWriter out) {
            return new Replicator(resolve(root, from, "--from"), resolve(root, to, "--to"), line -> {
                out.println(line);
                out.flush();
            });
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        ReplicateCommand parent;

        @Spec
        CommandSpec spec;

        @Mixin
        Pair pair;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Check both sides, then publish blue, subscribe green.",
                    "Creates green's schema as copy does. Exits 1 listing every problem with its fix (wal_level, free slots and WAL senders, privileges, tables"
                            + " without a primary key or replica identity, unlogged tables, large objects) and changes nothing."
                            + " Green's first rows are copied in parallel from the snapshot of the slot the subscription then"
                            + " streams from (or by the subscription's own COPY with --initial-copy subscription)."
                            + " Rerun after a kill: it resumes."})
    static final class Start extends Sub {
        @Option(names = "--tables", split = ",", paramLabel = "PATTERN",
                description = "Only these tables: schema.table or table, * and ? as wildcards. Repeatable.")
        List<String> tables;

        @Option(names = "--exclude", split = ",", paramLabel = "PATTERN", description = "Leave these tables out (same patterns).")
        List<String> exclude;

        @Option(names = "--initial-copy", paramLabel = "HOW", defaultValue = "parallel",
                converter = InitialCopyConverter.class,
                description = "How green gets blue's rows: parallel (Bulwark copies them over --jobs connections from the"
                        + " snapshot the replication slot exports; the default, measured faster in bench/switchover.sh) or"
                        + " subscription (the subscription's own COPY, a table per sync worker). Default: ${DEFAULT-VALUE}.")
        Replicator.InitialCopy initialCopy;

        @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Connections to each side for the parallel initial"
                + " copy. Default: the number of processors.")
        Integer jobs;

        @Mixin
        PgBinOptions pgTools;

        @Override
        public Integer call() {
            PrintWriter out = out();
            Replicator r = pair.replicator(parent.root, out);
            Replicator.StartOptions options = Replicator.StartOptions.defaults().withTables(new TablePatterns(tables, exclude))
                    .withPgDump(pgTools.pgBin == null ? null : parent.root.workingDir.resolve(pgTools.pgBin).resolve("pg_dump"))
                    .withInitialCopy(initialCopy);
            if (jobs != null) {
                options = options.withJobs(jobs);
            }
            Replicator.StartResult res = r.start(options);
            if (!res.ok()) {
                out.println("replicate start refused: " + res.problems().size() + " problem" + (res.problems().size() == 1 ? "" : "s")
                        + ", nothing was changed");
                res.problems().forEach(p -> out.println("  " + p.side() + ": " + p.what() + "\n      fix: " + p.fix()));
                res.notes().forEach(n -> out.println("  note: " + n));
                out.flush();
                return ExitCodes.FINDINGS;
            }
            if (!res.alreadyRunning()) {
                out.println("replicating " + res.tables().size() + " table" + (res.tables().size() == 1 ? "" : "s")
                        + " blue -> green (" + res.total().toMillis() + " ms); " + (res.initialCopy() == Replicator.InitialCopy.PARALLEL
                        ? res.rowsCopied() + " rows copied, every table ready: changes stream from the slot's snapshot on"
                        : "initial rows are being copied by the subscription: watch bulwark replicate status until every"
                        + " table is ready"));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** parallel or subscription, with the choices named when neither. */
    static final class InitialCopyConverter implements CommandLine.ITypeConverter<Replicator.InitialCopy> {
        @Override
        public Replicator.InitialCopy convert(String value) {
            for (Replicator.InitialCopy c : Replicator.InitialCopy.values()) {
                if (c.label().equalsIgnoreCase(value)) {
                    return c;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not an initial copy: use parallel or subscription");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show the pair's stage, per-table state and lag.",
                    "The stage and what to run next, per table state, lag in bytes and seconds, WAL the slot holds on the primary, rows applied per second, which side is read-only."})
    static final class Status extends Sub {
        @Option(names = "--no-rate", description = "Skip the one-second sample of rows applied per second.")
        boolean noRate;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            boolean json = output.json();
            ConnectionSpec blue = pair.resolve(parent.root, pair.from, "--from");
            ConnectionSpec green = pair.resolve(parent.root, pair.to, "--to");
            ReplicationStatus s = ReplicationStatus.read(blue, green, !noRate);
            PrintWriter out = out();
            ReplicationState st = s.state();
            if (json) {
                Json.print(out, Json.obj("blue", blue.masked(), "green", green.masked(),
                        "pair", st == null ? null : st.pair(),
                        "primary", st == null ? null : st.primary(),
                        "stage", st == null ? null : st.stage().label(),
                        "stageAt", st == null ? null : Json.when(st.stageAt()),
                        "startedAt", st == null ? null : Json.when(st.startedAt()),
                        "lastWindowMs", st == null ? null : st.windowMs(),
                        "explanation", s.explanation(),
                        "tables", s.tables().stream().map(t -> Json.obj("table", t.table(), "state", t.state())).toList(),
                        "lagBytes", s.lagBytes(), "lagSeconds", s.lagSeconds(), "retainedWalBytes", s.retainedBytes(),
                        "slotActive", s.slotActive(), "applyRunning", s.applyRunning(),
                        "rowsPerSecond", s.rowsPerSecond(),
                        "readOnly", Json.obj("blue", s.blueReadOnly(), "green", s.greenReadOnly())));
                return ExitCodes.OK;
            }
            out.println("blue:  " + blue.masked() + (s.blueReadOnly() ? "  (read-only for new sessions)" : ""));
            out.println("green: " + green.masked() + (s.greenReadOnly() ? "  (read-only for new sessions)" : ""));
            if (st == null) {
                out.println(s.explanation());
                out.flush();
                return ExitCodes.OK;
            }
            out.println("stage: " + st.stage().label() + ", primary " + st.primary() + " (since " + Json.when(st.stageAt()) + ": "
                    + st.detail() + ")" + (st.windowMs() == null ? "" : ", last switch window " + st.windowMs() + " ms"));
            out.println(s.explanation());
            if (s.slotActive() != null) { // the slot exists (its byte figures are unknown on a standby)
                out.println(String.format(Locale.ROOT, "lag: %s%s; slot holds %s of WAL on %s%s", bytes(s.lagBytes()),
                        s.lagSeconds() == null ? "" : String.format(Locale.ROOT, ", %.3f s", s.lagSeconds()),
                        bytes(s.retainedBytes()), st.primary(), Boolean.TRUE.equals(s.slotActive()) ? "" : " (slot INACTIVE)"));
            } else {
                out.println("slot: none on " + st.primary());
            }
            if (s.rowsPerSecond() != null) {
                out.println(String.format(Locale.ROOT, "applied: %.0f rows/s", s.rowsPerSecond()));
            }
            if (!s.tables().isEmpty()) {
                Table t = new Table("TABLE", "STATE");
                s.tables().forEach(x -> t.add(x.table(), x.state()));
                t.print(out);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    abstract static class SwitchSub extends Sub {
        @Option(names = "--switch-cmd", paramLabel = "CMD",
                description = "Shell command that points the application at the new primary, run once the sides are equal"
                        + " (env BULWARK_NEW_PRIMARY, password masked, and BULWARK_NEW_PRIMARY_SIDE). Its failure undoes the switch."
                        + " Rerun after a kill: it may run again, so make it idempotent.")
        String switchCmd;

        @Option(names = "--max-lag", paramLabel = "SIZE", defaultValue = "16MB",
                description = "Refuse while the other side is further behind than this (default ${DEFAULT-VALUE}; B, kB, MB, GB).")
        String maxLag;

        @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "2s",
                description = "How long sessions connected before the fence may finish a running transaction before they are"
                        + " ended (default ${DEFAULT-VALUE}; idle ones are ended at once).")
        String grace;

        @Option(names = "--catch-up-timeout", paramLabel = "DURATION", defaultValue = "60s",
                description = "Give up (and unfence) if the other side has not applied the fenced side's last LSN by then"
                        + " (default ${DEFAULT-VALUE}).")
        String catchUp;

        @Option(names = "--verify", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Compare every table's fingerprint on both sides while fenced (default); --no-verify trusts"
                        + " the LSN wait alone and shortens the window by the time the comparison takes.")
        boolean verify;

        @Mixin
        OutputOptions output;

        /** {@link Replicator#switchover} or {@link Replicator#rollback}. */
        private final java.util.function.BiFunction<Replicator, SwitchOptions, Replicator.SwitchResult> direction;

        SwitchSub(java.util.function.BiFunction<Replicator, SwitchOptions, Replicator.SwitchResult> direction) {
            this.direction = direction;
        }

        @Override
        public Integer call() {
            boolean json = output.json();
            PrintWriter out = json ? spec.commandLine().getErr() : out();
            SwitchOptions o = SwitchOptions.defaults().withMaxLagBytes(size(maxLag))
                    .withGrace(Durations.parse(grace, "--grace")).withCatchUpTimeout(Durations.parse(catchUp, "--catch-up-timeout"))
                    .withCommand(switchCmd, parent.root.workingDir).withVerify(verify);
            Replicator.SwitchResult r = direction.apply(pair.replicator(parent.root, out), o);
            if (json) {
                Json.print(out(), Json.obj("switched", r.switched(), "primary", r.primary(), "windowMs", r.windowMs(),
                        "fenceToCaughtUpMs", r.fenceToCaughtUpMs(), "verifyMs", r.verifyMs(), "sequencesSet", r.sequencesSet(),
                        "sessionsEnded", r.sessionsTerminated(), "alreadyDone", r.alreadyDone(), "ok", r.ok(),
                        "problems", r.problems()));
            } else if (!r.ok()) {
                out.println(spec.name() + " FAILED: " + String.join("; ", r.problems()));
            }
            out.flush();
            return r.ok() ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true,
            description = {"Make green the primary without losing a write.",
                    "Fences blue, waits, verifies, runs --switch-cmd, keeps blue following green. Refused (exit 1) while a table is in initial sync or the lag is above --max-lag. Blue's new sessions"
                            + " become read-only, sessions connected before are ended after --grace; green is opened only"
                            + " after it applied blue's last LSN, its sequences are past blue's and every table's"
                            + " fingerprint matches. Prints the write-unavailable window."})
    static final class Switchover extends SwitchSub {
        Switchover() {
            super(Replicator::switchover);
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Make blue the primary again, the same way.",
                    "Fences green, waits, verifies, runs --switch-cmd, keeps green following blue. During an unfinished switchover (killed before replication was turned around) it undoes it instead:"
                            + " blue is opened again."})
    static final class Rollback extends SwitchSub {
        Rollback() {
            super(Replicator::rollback);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Remove subscriptions, publications and slots.",
                    "On both sides, with the pair's state. The side that followed stays read-only for new sessions; the output says how to open it."})
    static final class Stop extends Sub {
        @Override
        public Integer call() {
            PrintWriter out = out();
            Replicator.StopResult r = pair.replicator(parent.root, out).stop();
            if (r.removed().isEmpty()) {
                out.println("nothing to remove: no subscription, publication or slot of bulwark replicate on either side");
            }
            r.removed().forEach(x -> out.println("removed " + x));
            for (String side : r.readOnly()) {
                out.println(side + " stays read-only for new sessions: ALTER DATABASE <db> RESET default_transaction_read_only"
                        + " opens it (make sure the application writes to one side only)");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static final Pattern SIZE = Pattern.compile("(?i)\\s*(\\d+)\\s*(b|kb|mb|gb)?\\s*");

    static long size(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw BulwarkException.usage("--max-lag '" + text + "' is not a size", "write e.g. 16MB, 512kB or 1048576");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "kb" -> n * 1024;
            case "mb" -> n * 1024 * 1024;
            case "gb" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    static String bytes(Long b) {
        return b == null ? "?" : Replicator.bytes(b);
    }
}
