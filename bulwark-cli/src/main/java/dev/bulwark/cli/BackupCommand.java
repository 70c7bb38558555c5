package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.backup.BackupCipher;
import dev.bulwark.backup.BackupManifest;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.Backups;
import dev.bulwark.Listener;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.PgTools;
import dev.bulwark.cli.options.PgBinOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Make, list, verify, restore and prune backups.",
                "Backups with pg_dump, a JSON manifest each (row counts, fingerprints, SHA-256), optional AES-256-GCM"
                        + " encryption, verification by a real restore, and a restore that never touches the target until"
                        + " the restored copy matches the manifest. Backups go to .bulwark/backups (owner-only)."},
        subcommands = {BackupCommand.Create.class, BackupCommand.ListBackups.class, BackupCommand.Verify.class,
                BackupCommand.Restore.class, BackupCommand.Prune.class})
final class BackupCommand extends CommandGroup {
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** Where backups are and how they are made and read. */
    static final class Options {
        @Option(names = "--backup-dir", paramLabel = "DIR", description = "Backup folder (default: [backup] dir, else .bulwark/backups).")
        Path dir;

        @Mixin
        PgBinOptions pgTools;

        @Option(names = "--key-env", paramLabel = "VAR", description = "Environment variable holding the encryption key (default BULWARK_BACKUP_KEY).")
        String keyEnv;

        @Option(names = "--key-file", paramLabel = "FILE", description = "File holding the encryption key (32 bytes as hex or base64, or a passphrase).")
        Path keyFile;

        BackupSettings settings(BulwarkCommand root, Boolean encrypt, Integer jobs) {
            Path wd = root.workingDir;
            return BackupSettings.load(root.projectDir()).with(dir == null ? null : wd.resolve(dir), encrypt, keyEnv,
                    keyFile == null ? null : wd.resolve(keyFile), jobs, pgTools.pgBin == null ? null : wd.resolve(pgTools.pgBin));
        }

        Backups backups(BulwarkCommand root, BackupSettings s, Listener listener) {
            return new Backups(s.dir(), new PgTools(s.pgBin(), root.env), BulwarkConfig.load(root.projectDir()).historySchema(), listener);
        }

        /** The key when one was configured or given, else null (an unencrypted backup needs none). */
        BackupCipher.Key keyIfGiven(BulwarkCommand root, BackupSettings s) {
            if (s.keyFile() != null || root.env.containsKey(s.keyEnv())) {
                return s.key(root.env);
            }
            return null;
        }
    }

    private static BulwarkCommand top(CommandSpec spec) {
        return (BulwarkCommand) spec.root().userObject();
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Dump the database with its manifest.",
                    "pg_dump's custom format (--jobs N: its folder format). Row counts and fingerprints come from the same"
                            + " snapshot as the dump."})
    static final class Create extends DatabaseCommand {
        @Mixin
        Options options;

        @Option(names = "--encrypt", description = "Encrypt with AES-256-GCM (key from --key-env or --key-file); fails rather than write plaintext.")
        Boolean encrypt;

        @Option(names = "--jobs", paramLabel = "N", description = "Parallel dump jobs; more than 1 writes a folder (not with --encrypt).")
        Integer jobs;

        @Override
        int run(Bulwark b) {
            BackupSettings s = options.settings(root, encrypt, jobs);
            // the key is read before anything is dumped: no key, no backup — never a silent plaintext one
            BackupCipher.Key key = s.encrypt() ? s.key(root.env) : null;
            out().println("Database:   " + b.targetDescription());
            Backups.Backup backup = options.backups(root, s, listener()).create(b.target(),
                    new Backups.CreateOptions(s.jobs(), key, VersionProvider.version(), b.isEmbedded()));
            BackupManifest m = backup.manifest();
            out().println("Backup " + backup.name() + ": " + m.data().tables().size() + " tables, " + m.rows() + " rows, "
                    + Backups.human(m.bytes()) + (m.encrypted() ? ", encrypted" : "") + ", migration version "
                    + (m.migrationVersion() == null ? "none" : m.migrationVersion())
                    + (m.sha256() != null ? ", sha256 " + m.sha256().substring(0, 16) + "…" : ", a template-copy database"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"List the backups.",
            "Every backup, newest first, with its manifest facts and verification state."})
    static final class ListBackups implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Options options;

        @Mixin
        dev.bulwark.cli.options.OutputOptions output;

        @Override
        public Integer call() {
            BulwarkCommand root = top(spec);
            PrintWriter out = spec.commandLine().getOut();
            BackupSettings s = options.settings(root, null, null);
            java.util.List<Backups.Backup> all = options.backups(root, s, Listener.SILENT).list();
            if (output.json()) {
                Json.print(out, Json.obj("dir", s.dir().toString(), "backups", all.stream().map(b -> {
                    BackupManifest m = b.manifest();
                    BackupManifest.Verification v = m.verification();
                    return Json.obj("name", b.name(), "createdAt", Json.when(m.createdAt()), "database", m.database(),
                            "migrationVersion", m.migrationVersion(), "tables", m.data().tables().size(), "rows", m.rows(),
                            "bytes", m.bytes(), "encrypted", m.encrypted(), "sha256", m.sha256(),
                            "verification", v == null ? null : Json.obj("ok", v.ok(), "level", String.valueOf(v.level()),
                                    "at", Json.when(v.at())));
                }).toList()));
                return ExitCodes.OK;
            }
            if (all.isEmpty()) {
                out.println("No backups in " + s.dir() + "; make one with 'bulwark backup create'.");
                return ExitCodes.OK;
            }
            Table t = new Table("BACKUP", "CREATED", "DATABASE", "VERSION", "TABLES", "ROWS", "SIZE", "ENCRYPTED", "VERIFIED");
            for (Backups.Backup b : all) {
                BackupManifest m = b.manifest();
                BackupManifest.Verification v = m.verification();
                t.add(b.name(), WHEN.format(m.createdAt()), m.database(), m.migrationVersion() == null ? "none" : m.migrationVersion(),
                        m.data().tables().size(), m.rows(), Backups.human(m.bytes()), m.encrypted() ? "yes" : "no",
                        v == null ? "never" : (v.ok() ? "ok (" : "FAILED (") + v.level() + ", " + WHEN.format(v.at()) + ")");
            }
            t.print(out);
            out.println();
            out.println(all.size() + " backup" + (all.size() == 1 ? "" : "s") + " in " + s.dir() + ".");
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check that a backup can be restored.",
                    "SHA-256, decryption of every chunk, pg_restore --list; with --drill, restore it into a scratch database"
                            + " and compare row counts and fingerprints with the manifest. Exits 1 when it fails."})
    static final class Verify extends DatabaseCommand {
        @Mixin
        Options options;

        @Parameters(index = "0", defaultValue = "latest", paramLabel = "BACKUP", description = "Backup file or manifest name, or 'latest' (default).")
        String name;

        @Option(names = "--drill", description = "Restore into a scratch database (dropped afterwards) and compare.")
        boolean drill;

        @Override
        int run(Bulwark b) {
            BackupSettings s = options.settings(root, null, null);
            Backups backups = options.backups(root, s, listener());
            if (!drill) {
                backups.sweep(b.target()); // a drill sweeps by itself; without one, the server is still there to sweep
            }
            Backups.Backup backup = backups.find(name);
            Backups.VerifyOutcome v = backups.verify(backup, options.keyIfGiven(root, s), drill ? b.target() : null);
            if (v.ok()) {
                out().println("ok: " + backup.name() + ": " + v.backup().manifest().verification().detail());
                return ExitCodes.OK;
            }
            out().println("FAILED: " + backup.name());
            v.problems().forEach(p -> out().println("  " + p));
            out().println("  fix: do not rely on this backup; take a new one with 'bulwark backup create'");
            return ExitCodes.FINDINGS;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Restore a backup into the target or a new database.",
                    "The file is checked whole first; it is restored into a new database (--new-db: that one), compared"
                            + " with the manifest, and only then swapped in; the previous database is kept, renamed. A safety"
                            + " backup of the target is taken first unless --no-safety-backup."})
    static final class Restore extends StatementCommand {
        @Mixin
        Options options;

        @Parameters(index = "0", paramLabel = "BACKUP", description = "Backup file or manifest name, or 'latest'.")
        String name;

        @Option(names = "--new-db", paramLabel = "NAME", description = "Restore into this new database on the target's server instead.")
        String newDb;

        @Option(names = "--force", description = "End other sessions on the target database instead of refusing.")
        boolean force;

        @Option(names = "--no-safety-backup", description = "Do not back up the target before replacing it.")
        boolean noSafetyBackup;

        @Override
        int run(Bulwark b) {
            BackupSettings s = options.settings(root, null, null);
            Backups backups = options.backups(root, s, listener());
            Backups.Backup backup = backups.find(name);
            ConnectionSpec target = newDb != null ? b.target().withDatabase(newDb) : b.target();
            if (newDb != null && dev.bulwark.backup.Backups.exists(target)) {
                throw BulwarkException.usage("--new-db " + newDb + " already exists", "choose a new name, or restore into it with --url");
            }
            BackupCipher.Key key = options.keyIfGiven(root, s);
            Backups.RestoreOutcome r = backups.restore(backup, key, target, force, !noSafetyBackup,
                    new Backups.CreateOptions(1, s.encrypt() ? s.key(root.env) : null, VersionProvider.version()));
            out().println("Restored " + backup.name() + " into " + r.database() + "; row counts and fingerprints equal the manifest.");
            if (r.safetyBackup() != null) {
                out().println("Safety backup of the previous contents: " + r.safetyBackup().name());
            }
            if (r.replaced() != null) {
                out().println("The previous database is kept as " + r.replaced() + "; DROP DATABASE it when satisfied.");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Delete old backups.",
                    "Deletes backups older than --max-age (default 30 days), keeping at least --keep (default 3) and always"
                            + " the newest verified backup."})
    static final class Prune implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Options options;

        @Option(names = "--max-age", paramLabel = "DURATION", description = "Delete backups older than this (default: [backup] max_age, else 30d).")
        String maxAge;

        @Option(names = "--keep", paramLabel = "N", description = "Keep at least this many newest backups (default: [backup] keep, else 3).")
        Integer keep;

        @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            BulwarkCommand root = top(spec);
            PrintWriter out = spec.commandLine().getOut();
            BackupSettings s = options.settings(root, null, null);
            Duration age = maxAge == null ? s.maxAge() : Durations.parse(maxAge, "--max-age");
            Backups backups = options.backups(root, s, Listener.SILENT);
            Backups.PruneOutcome r;
            if (backups.list().stream().anyMatch(b -> "template".equals(b.manifest().dumpFormat()))) {
                // template copies are databases on the embedded server: it is needed to drop them
                try (dev.bulwark.pg.Embedded server = dev.bulwark.pg.Embedded.open(root.projectDir())) {
                    r = backups.prune(age, keep == null ? s.keep() : keep, dryRun, server.connection());
                }
            } else {
                r = backups.prune(age, keep == null ? s.keep() : keep, dryRun);
            }
            for (Backups.Backup b : r.deleted()) {
                out.println((dryRun ? "would delete " : "deleted ") + b.name() + " (" + WHEN.format(b.manifest().createdAt()) + ")");
            }
            r.kept().forEach((n, why) -> out.println("kept " + n + ": " + why));
            out.println((dryRun ? "Would delete " : "Deleted ") + r.deleted().size() + ", kept " + r.kept().size() + ".");
            out.flush();
            return ExitCodes.OK;
        }
    }
}
