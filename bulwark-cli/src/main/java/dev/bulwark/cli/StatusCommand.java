package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.execute.PhaseBarrier;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.replicate.ReplicationSlot;
import picocli.CommandLine.Command;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show every migration and its state.",
                "States: applied, baseline, pending, out of order, outdated (repeatable), failed, running, edited after apply,"
                        + " file missing. Exits 1 when a migration is failed, edited or missing; 7 when a deploy is unfinished"
                        + " (interrupted: 'bulwark deploy --resume' finishes it; or running now)."})
final class StatusCommand extends DatabaseCommand {
    @picocli.CommandLine.Mixin
    dev.bulwark.cli.options.OutputOptions output;

    @Override
    boolean progressToStderr() {
        return output.json();
    }

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Override
    int run(Bulwark b) {
        List<MigrationStatus> states = b.status();
        PhaseBarrier barrier = PhaseBarrier.inStatus(states);
        boolean bad = states.stream().anyMatch(s -> s.state() == MigrationState.FAILED || s.state() == MigrationState.EDITED
                || s.state() == MigrationState.MISSING);
        if (output.json()) {
            Json.print(out(), Json.obj("database", b.targetDescription(), "migrationsDir", rel(b.config().migrationsDir()),
                    "format", b.migrations().format().id(),
                    "migrations", states.stream().map(s -> Json.obj("version", s.id(), "description", s.description(),
                            "state", s.state().label(),
                            "appliedAt", s.last() != null && s.state().isApplied() ? Json.when(s.last().startedAt()) : null,
                            "recordedBy", s.recordedBy(), "hasDown", s.migration() != null && s.migration().hasDown(),
                            "note", s.detail(), "phase", s.migration() == null || s.migration().options().phase() == null ? null
                                    : s.migration().options().phase().id())).toList(),
                    "barrier", barrier == null ? null : Json.obj("version", barrier.id(), "description", barrier.description(),
                            "waiting", barrier.waiting()),
                    "counts", states.stream().collect(Collectors.groupingBy(s -> s.state().label(), java.util.TreeMap::new,
                            Collectors.counting())),
                    "ok", !bad));
            // the JSON keeps its documented keys; an unfinished deploy is said on stderr and in the exit code
            if (UnfinishedDeploys.print(b, err())) {
                return ExitCodes.DEPLOY_UNFINISHED;
            }
            return bad ? ExitCodes.FINDINGS : ExitCodes.OK;
        }
        out().println("Database:   " + b.targetDescription());
        out().println("Migrations: " + rel(b.config().migrationsDir()) + " (" + b.migrations().format().id() + ", "
                + b.migrations().migrations().size() + " files)");
        out().println();
        Table t = new Table("VERSION", "DESCRIPTION", "STATE", "APPLIED AT", "NOTE");
        for (MigrationStatus s : states) {
            t.add(s.id(), s.description(), s.state().label(),
                    s.last() != null && s.state().isApplied() ? WHEN.format(s.last().startedAt()) : "",
                    note(s));
        }
        if (t.isEmpty()) {
            out().println("  no migrations in " + rel(b.config().migrationsDir()) + " — create one with 'bulwark new <name>'");
        } else {
            t.print(out());
        }
        Map<MigrationState, Long> counts = states.stream()
                .collect(Collectors.groupingBy(MigrationStatus::state, () -> new EnumMap<>(MigrationState.class), Collectors.counting()));
        out().println();
        out().println(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label())
                .collect(Collectors.joining(", ")) + (counts.isEmpty() ? "" : "."));
        if (barrier != null) {
            out().println("Phase barrier: before " + barrier.id() + " " + barrier.description() + " (-- bulwark:phase contract; "
                    + barrier.waiting() + " pending from there). migrate and deploy stop there; after the application"
                    + " release, run them with --phase contract.");
        }
        replicationSlot(b);
        if (UnfinishedDeploys.print(b, out())) {
            return ExitCodes.DEPLOY_UNFINISHED;
        }
        return bad ? ExitCodes.FINDINGS : ExitCodes.OK;
    }

    /**
     * A slot left by bulwark replicate holds WAL until the disk fills: said here. The status above is the answer, so
     * a slot that cannot be read does not fail the command, but it is said: silence would read as "no slot".
     */
    private void replicationSlot(Bulwark b) {
        java.util.Optional<ReplicationSlot> slot;
        try (java.sql.Connection c = b.target().open("bulwark-status")) {
            slot = ReplicationSlot.read(c);
        } catch (java.sql.SQLException | dev.bulwark.BulwarkException e) {
            out().println("replication slots: not read (" + dev.bulwark.pg.Masking.mask(String.valueOf(e.getMessage()))
                    + "): whether a slot of bulwark replicate holds WAL is unknown");
            return;
        }
        slot.ifPresent(s -> {
            if (s.warning() != null) {
                out().println();
                out().println("WARNING: " + s.warning());
                out().println("  fix: " + s.note());
            } else {
                out().println(s.note() + ".");
            }
        });
    }

    private static String note(MigrationStatus s) {
        String n = s.detail() == null ? "" : s.detail();
        if (s.recordedBy() != null && !s.recordedBy().equals("bulwark_history")) {
            n = (n.isEmpty() ? "" : n + "; ") + "recorded in " + s.recordedBy();
        }
        if (s.migration() != null && s.migration().options().phase() != null) {
            n = (n.isEmpty() ? "" : n + "; ") + s.migration().options().phase().id() + " phase";
        }
        if (s.migration() != null && !s.migration().hasDown() && s.state() != MigrationState.MISSING) {
            n = (n.isEmpty() ? "" : n + "; ") + "no down";
        }
        return n;
    }
}
