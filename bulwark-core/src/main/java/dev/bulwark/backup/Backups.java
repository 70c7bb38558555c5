package dev.bulwark.backup;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.Listener;
import dev.bulwark.fingerprint.DataComparer;
import dev.bulwark.fingerprint.DataComparison;
import dev.bulwark.fingerprint.DataSnapshot;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.pg.Masking;
import dev.bulwark.pg.PgTools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Backups of one project: {@code pg_dump} files with a JSON manifest each, in one folder. Every
 * failure mode of the hand-written scripts this replaces has an answer here: the dump and the
 * manifest's fingerprints come from one snapshot; encryption that cannot happen fails the backup;
 * verify restores for real; restore checks the whole file before it touches the target, restores
 * into a new database and swaps it in only once it matches the manifest.
 */
public final class Backups {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String APP = "bulwark-backup";
    /** Prefix of the databases a restore builds before swapping them in; followed by the run id. */
    static final String RESTORING = "bulwark_restoring_";
    /** Prefix of the scratch databases of drills; followed by the run id. */
    static final String DRILL = "bulwark_drill_";
    /**
     * Suffix of the marker a template copy writes (as {@code <copy>.template.<run>.part}) before its
     * {@code CREATE DATABASE} and removes once the manifest is written: a killed copy's database is
     * found by it and dropped by the next sweep that has the server.
     */
    private static final String TEMPLATE_MARK = ".template";
    /** Comment of a staging database while its run refuses connections to the target; followed by the target's name. */
    private static final String BLOCKS = "bulwark restore refusing connections to ";

    private final Path dir;
    /**
     * This run's id: in the names of the databases it builds and in the application_name of a
     * session it holds open while they exist, so the next run can tell a dead run's leftovers
     * (no such session) from a live one's.
     */
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String app = APP + "/" + run;
    /**
     * The sessions this run opens only while it holds its lock ({@code bulwark-backup/<run>/<what>}):
     * a folder-format pg_dump, pg_restore, a template copy's CREATE DATABASE. They never count as
     * the run being alive; a sweep that finds the run dead by its lock stops them.
     */
    private String tool(String what) {
        return app + "/" + what;
    }
    /** This run's unfinished files in the folder, under its lock: see {@link RunFiles}. */
    private final RunFiles files;
    private final PgTools tools;
    private final Listener out;
    private final String historySchema;

    public Backups(Path dir, PgTools tools, String historySchema, Listener out) {
        this.dir = dir;
        this.tools = tools;
        this.historySchema = historySchema;
        this.out = out;
        this.files = new RunFiles(dir, run);
    }

    public Path dir() {
        return dir;
    }

    /** A backup on disk: its manifest, where it is, and the dump beside it. */
    public record Backup(Path manifestFile, BackupManifest manifest) {
        public Path data() {
            return manifestFile.resolveSibling(manifest.file());
        }

        public String name() {
            return manifest.file();
        }
    }

    /**
     * @param jobs       parallel dump jobs: more than 1 writes pg_dump's folder format
     * @param key        encrypt with this key, or null for none
     * @param toolVersion Bulwark's version, for the manifest
     * @param templateFallback with no pg_dump able to dump this server, copy the database with
     *                    {@code CREATE DATABASE … TEMPLATE} instead (for the embedded server,
     *                    which has no other sessions; a live database refuses it)
     */
    public record CreateOptions(int jobs, BackupCipher.Key key, String toolVersion, boolean templateFallback) {
        public CreateOptions(int jobs, BackupCipher.Key key, String toolVersion) {
            this(jobs, key, toolVersion, false);
        }
    }

    // ------------------------------------------------------------------ create

    public Backup create(ConnectionSpec db, CreateOptions options) {
        if (options.jobs() > 1 && options.key() != null) {
            throw BulwarkException.usage("--encrypt and --jobs exclude each other: a parallel dump is a folder of files",
                    "drop --jobs to get one encrypted file, or encrypt the backup folder's disk instead");
        }
        PrivateFiles.directory(dir);
        sweep(db);
        PgTools.Tool found;
        try {
            found = tools.find("pg_dump", serverMajor(db));
        } catch (BulwarkException e) {
            if (!options.templateFallback() || e.code() != ErrorCode.USAGE) {
                throw e;
            }
            if (options.key() != null) {
                throw new BulwarkException(ErrorCode.USAGE, e.getMessage() + "; a template copy, the fallback, cannot be encrypted",
                        e.fix());
            }
            out.warn("warning: " + e.getMessage() + "; copying the database with CREATE DATABASE … TEMPLATE instead");
            return createTemplateCopy(db, options);
        }
        PgTools.Tool pgDump = found;
        try (Connection c = db.open(app)) {
            String database = currentDatabase(c);
            String version = CurrentVersion.read(c, historySchema);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                String snapshot;
                try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
                    rs.next();
                    snapshot = rs.getString(1);
                }
                // fingerprints and dump see exactly the same data: the dump imports this transaction's snapshot
                CatalogSnapshot catalog = new CatalogReader(c).read();
                DataSnapshot data = new Fingerprinter(c, Fingerprinter.DEFAULT_CHUNK_ROWS).snapshot(catalog);
                Instant at = Instant.now();
                String stem = safe(database) + "_" + STAMP.format(at) + "_" + (version == null ? "none" : safe(version));
                boolean folder = options.jobs() > 1;
                String ext = folder ? ".dir" : options.key() != null ? ".dump.enc" : ".dump";
                String base = stem;
                for (int n = 2; Files.exists(dir.resolve(base + ".json")) || Files.exists(dir.resolve(base + ext)); n++) {
                    base = stem + "_" + n; // two backups in one second (a restore's safety backup, say)
                }
                String fileName = base + ext;
                Path target = dir.resolve(fileName);
                Path part = files.part(fileName);
                Path manifest = dir.resolve(base + ".json");
                files.hold(); // released in the finally below: from here to the last rename, a kill leaves only this run's files
                try {
                    PrivateFiles.delete(part);
                    out.info("Dumping " + database + " (" + data.tables().size() + " tables, "
                            + data.tables().stream().mapToLong(t -> t.rows()).sum() + " rows) with " + pgDump.path() + " " + pgDump.version());
                    try {
                        List<String> cmd = new ArrayList<>(List.of(pgDump.path().toString(), "--snapshot=" + snapshot,
                                "--no-password", "--compress=1"));
                        // level 1: on small servers the default level 6 makes the dump CPU-bound for little gain
                        if (folder) {
                            // a folder cannot come through a pipe: pg_dump's sessions carry this run's name instead, so
                            // that if this run is killed the next sweep (which finds it dead by its lock) stops them
                            cmd.addAll(List.of("--format=directory", "--jobs=" + options.jobs(), "--file=" + part));
                            Map<String, String> env = new TreeMap<>(db.libpqEnvironment());
                            env.put("PGAPPNAME", tool("pg_dump"));
                            expectSuccess(PgTools.run(cmd, env, null, null), "pg_dump", database);
                            PrivateFiles.restrict(part);
                        } else {
                            cmd.add("--format=custom");
                            dumpThroughPipe(cmd, db, part, options.key(), database);
                        }
                    } catch (RuntimeException e) {
                        PrivateFiles.delete(part);
                        throw e;
                    }
                    c.commit();
                    dev.bulwark.CrashPoint.here("backup.create.dumped");
                    long bytes = size(part);
                    String sha = sha256(part);
                    BackupManifest m = new BackupManifest(BackupManifest.FORMAT, fileName, folder ? "directory" : "custom",
                            database, db.masked(), catalog.serverVersion(), version, at, createdBy(c), options.toolVersion(),
                            pgDump.version(), options.key() == null ? null : "AES-256-GCM, 1 MiB chunks, key from " + options.key().source(),
                            bytes, sha, data, null);
                    // the manifest is written beside the dump under this run's name, then both are renamed:
                    // the next run finishes the renames of a killed one (the checksum says the dump is whole)
                    Path manifestPart = files.part(manifest.getFileName().toString());
                    PrivateFiles.create(manifestPart);
                    Files.writeString(manifestPart, CatalogJson.write(m));
                    dev.bulwark.CrashPoint.here("backup.create.manifest-written");
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                    dev.bulwark.CrashPoint.here("backup.create.dump-renamed");
                    Files.move(manifestPart, manifest, StandardCopyOption.ATOMIC_MOVE);
                    out.info("Wrote " + target + " (" + human(bytes) + (m.encrypted() ? ", encrypted" : "") + ") and " + manifest.getFileName());
                    return new Backup(manifest, m);
                } finally {
                    files.close();
                }
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "backup of " + db.masked() + " failed: " + e.getMessage(),
                    "check the connection and that the user may read every table", e);
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "backup failed writing to " + dir + ": " + e.getMessage(),
                    "check free space and permissions of the backup folder");
        }
    }

    /**
     * pg_dump's archive through its standard output into {@code part} (encrypted with {@code key},
     * or as it is): never {@code --file}, so a pg_dump whose Bulwark was killed ends at its next
     * write (no reader on the pipe) instead of dumping on, holding its locks on every table.
     */
    private void dumpThroughPipe(List<String> cmd, ConnectionSpec db, Path part, BackupCipher.Key key, String database)
            throws IOException {
        PrivateFiles.create(part);
        dev.bulwark.CrashPoint.here("backup.create.part-created");
        PgTools.Result r = PgTools.runDraining(cmd, db.libpqEnvironment(), in -> {
            OutputStream file = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16);
            try (OutputStream to = key == null ? file : BackupCipher.encrypt(file, key)) {
                in.transferTo(to);
            }
        });
        expectSuccess(r, "pg_dump", database);
    }

    private static void expectSuccess(PgTools.Result r, String program, String database) {
        if (r.exit() != 0) {
            throw new BulwarkException(ErrorCode.DATABASE, program + " failed on " + database + ": " + r.reason(),
                    "fix what it reports and run again; nothing was written");
        }
    }

    /**
     * A backup as a database: {@code CREATE DATABASE <copy> TEMPLATE <db>} copies the files as
     * they are, which PostgreSQL allows only while nobody else is connected to the source. The
     * manifest names the copy; it is fingerprinted, verified and restored like a dump.
     */
    private Backup createTemplateCopy(ConnectionSpec db, CreateOptions options) {
        String database = db.database();
        Instant at = Instant.now();
        String version;
        try (Connection c = db.open(APP)) {
            version = CurrentVersion.read(c, historySchema);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read " + db.masked() + ": " + e.getMessage(), null, e);
        }
        String stem = truncate(safe(database).toLowerCase(java.util.Locale.ROOT), 30) + "_backup_"
                + STAMP.format(at).toLowerCase(java.util.Locale.ROOT);
        ConnectionSpec maintenance = maintenance(db);
        String copy = stem;
        for (int n = 2; databaseExists(maintenance, copy) || Files.exists(dir.resolve(copy + ".json")); n++) {
            copy = stem + "_" + n;
        }
        // the copy is a database, not a file: named in a marker under this run's lock before it exists,
        // so that if this run is killed before the manifest, the next sweep drops it
        try (RunFiles held = files.hold()) {
            Path marker = PrivateFiles.create(files.part(copy + TEMPLATE_MARK));
            try {
                return templateCopy(db, options, maintenance, database, copy, at, version);
            } finally {
                PrivateFiles.delete(marker);
            }
        }
    }

    private Backup templateCopy(ConnectionSpec db, CreateOptions options, ConnectionSpec maintenance, String database, String copy,
                                Instant at, String version) {
        // under this run's name: a sweep that finds this run dead stops a CREATE DATABASE the server is still copying
        // before it drops the copy (else the copy could commit after the sweep's DROP DATABASE IF EXISTS)
        try (Connection m = maintenance.open(tool("copy")); Statement s = m.createStatement()) {
            s.execute("CREATE DATABASE " + Identifiers.quote(copy) + " TEMPLATE " + Identifiers.quote(database));
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "the template copy of " + database + " failed: " + e.getMessage(),
                    "a template copy needs the database to itself: end the other sessions, or install the PostgreSQL client so pg_dump can back it up live", e);
        }
        dev.bulwark.CrashPoint.here("backup.template.created");
        ConnectionSpec copySpec = db.withDatabase(copy);
        DataSnapshot data;
        String serverVersion;
        long bytes;
        try (Connection c = copySpec.open(APP)) {
            c.setAutoCommit(false);
            CatalogSnapshot catalog = new CatalogReader(c).read();
            serverVersion = catalog.serverVersion();
            data = new Fingerprinter(c, Fingerprinter.DEFAULT_CHUNK_ROWS).snapshot(catalog);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_database_size(current_database())")) {
                rs.next();
                bytes = rs.getLong(1);
            }
            c.rollback();
            BackupManifest m = new BackupManifest(BackupManifest.FORMAT, copy, "template", database, db.masked(), serverVersion, version,
                    at, createdBy(c), options.toolVersion(), null, null, bytes, null, data, null);
            Path manifest = dir.resolve(copy + ".json");
            files.write(manifest, CatalogJson.write(m));
            out.info("Copied " + database + " to the database " + copy + " (" + human(bytes) + ") and wrote " + manifest.getFileName());
            return new Backup(manifest, m);
        } catch (SQLException | RuntimeException e) {
            dropDatabase(maintenance, copy);
            throw e instanceof BulwarkException be ? be
                    : new BulwarkException(ErrorCode.DATABASE, "cannot fingerprint the copy " + copy + ": " + e.getMessage(), null, e);
        }
    }

    private static boolean isTemplate(Backup b) {
        return "template".equals(b.manifest().dumpFormat());
    }

    // ------------------------------------------------------------------ list

    /** Every backup with a manifest, newest first. Sweeps what dead runs left in the folder first. */
    public List<Backup> list() {
        List<Backup> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        sweepFiles(null);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                try {
                    all.add(new Backup(f, CatalogJson.read(f, BackupManifest.class)));
                } catch (BulwarkException notAManifest) {
                    out.warn("warning: " + f.getFileName() + " is not a backup manifest; skipped");
                }
            }
        } catch (IOException e) {
            throw BulwarkException.usage("cannot list " + dir + ": " + e.getMessage(), "check the backup folder");
        }
        all.sort(Comparator.comparing((Backup b) -> b.manifest().createdAt()).reversed());
        return all;
    }

    /** A backup by file name, manifest name or path; {@code latest} for the newest. */
    public Backup find(String name) {
        List<Backup> all = list();
        if (name.equals("latest")) {
            if (all.isEmpty()) {
                throw BulwarkException.usage("there is no backup in " + dir, "run 'bulwark backup create'");
            }
            return all.get(0);
        }
        Path asPath = Path.of(name);
        if (asPath.getParent() != null && Files.isRegularFile(asPath) && name.endsWith(".json")) {
            return new Backup(asPath.toAbsolutePath(), CatalogJson.read(asPath, BackupManifest.class));
        }
        String file = asPath.getFileName().toString();
        for (Backup b : all) {
            if (b.name().equals(file) || b.manifestFile().getFileName().toString().equals(file)) {
                return b;
            }
        }
        throw BulwarkException.usage("no backup named " + name + " in " + dir, "run 'bulwark backup list' to see them");
    }

    // ------------------------------------------------------------------ verify

    /** What a verification found. */
    public record VerifyOutcome(Backup backup, boolean ok, String level, List<String> problems, DataComparison comparison) {
    }

    /**
     * Checksum, decryption (authenticates every chunk) and {@code pg_restore --list}; with
     * {@code drillServer}, also a restore into a scratch database on that server whose row counts
     * and fingerprints must equal the manifest's. The result is recorded in the manifest.
     */
    public VerifyOutcome verify(Backup b, BackupCipher.Key key, ConnectionSpec drillServer) {
        if (isTemplate(b)) {
            return verifyTemplate(b, drillServer);
        }
        List<String> problems = new ArrayList<>();
        String level = drillServer == null ? "list" : "drill";
        DataComparison comparison = null;
        sweep(drillServer);
        readable(b, key, problems);
        if (problems.isEmpty() && drillServer != null) {
            String scratch = DRILL + run;
            ConnectionSpec maintenance = maintenance(drillServer);
            // the run's lock says, after a kill, that the scratch database is a dead run's (see sweepRun)
            try (RunFiles held = files.hold(); Connection presence = maintenance.open(app)) {
                createDatabase(maintenance, scratch, null, "template0", tool("create"));
                try {
                    dev.bulwark.CrashPoint.here("backup.drill.created");
                    ConnectionSpec target = drillServer.withDatabase(scratch);
                    pgRestore(b, key, target, maintenance, "drill");
                    dev.bulwark.CrashPoint.here("backup.drill.restored");
                    comparison = compare(target, b.manifest().data());
                    if (comparison.verdict() != DataComparison.Verdict.IDENTICAL) {
                        problems.add("the restored data differs from the manifest: " + differences(comparison));
                    }
                } catch (BulwarkException e) {
                    if (e.getMessage().startsWith("wrong key: ")) {
                        throw e;
                    }
                    problems.add(e.getMessage());
                } finally {
                    dropDatabase(maintenance, scratch);
                }
            } catch (SQLException e) {
                throw new BulwarkException(ErrorCode.DATABASE, "cannot close the session of " + drillServer.masked() + ": " + e.getMessage(), null, e);
            }
        }
        boolean ok = problems.isEmpty();
        String detail = ok ? (level.equals("drill") ? "restored into a scratch database: " + b.manifest().data().tables().size()
                + " tables, " + b.manifest().rows() + " rows, fingerprints equal" : "checksum and table of contents readable")
                : String.join("; ", problems);
        BackupManifest updated = b.manifest().withVerification(new BackupManifest.Verification(Instant.now(), level, ok, detail));
        files.write(b.manifestFile(), CatalogJson.write(updated));
        return new VerifyOutcome(new Backup(b.manifestFile(), updated), ok, level, problems, comparison);
    }

    /** A template copy is verified by fingerprinting it: it must still equal the manifest. */
    private VerifyOutcome verifyTemplate(Backup b, ConnectionSpec server) {
        if (server == null) {
            throw BulwarkException.usage(b.name() + " is a database on the server, not a file", "verify it with a connection to that server");
        }
        List<String> problems = new ArrayList<>();
        DataComparison comparison = null;
        ConnectionSpec copy = server.withDatabase(b.name());
        if (!databaseExists(maintenance(server), b.name())) {
            problems.add("the database " + b.name() + " holding this backup no longer exists");
        } else {
            comparison = compare(copy, b.manifest().data());
            if (comparison.verdict() != DataComparison.Verdict.IDENTICAL) {
                problems.add("the copy differs from the manifest: " + differences(comparison));
            }
        }
        boolean ok = problems.isEmpty();
        BackupManifest updated = b.manifest().withVerification(new BackupManifest.Verification(Instant.now(), "drill", ok,
                ok ? "template copy fingerprinted: " + b.manifest().data().tables().size() + " tables, " + b.manifest().rows()
                        + " rows, fingerprints equal" : String.join("; ", problems)));
        files.write(b.manifestFile(), CatalogJson.write(updated));
        return new VerifyOutcome(new Backup(b.manifestFile(), updated), ok, "drill", problems, comparison);
    }

    /**
     * Checks the stored bytes: the checksum, then (for an encrypted backup) the key and every
     * chunk's authentication, and that {@code pg_restore --list} reads the archive. Decrypted
     * bytes go straight into {@code pg_restore}'s standard input and are never written to disk.
     * Fills {@code problems}; a missing or wrong key is thrown (a usage error: the backup is fine).
     */
    private void readable(Backup b, BackupCipher.Key key, List<String> problems) {
        Path data = b.data();
        if (!Files.exists(data)) {
            problems.add(data + " is missing");
            return;
        }
        String sha = sha256(data);
        if (!sha.equals(b.manifest().sha256())) {
            problems.add("checksum mismatch: " + data.getFileName() + " has SHA-256 " + sha + ", the manifest says "
                    + b.manifest().sha256() + " (the file was changed or damaged after the backup)");
            return;
        }
        boolean encrypted = encrypted(b);
        if (encrypted && key == null) {
            throw BulwarkException.usage(data.getFileName() + " is encrypted and no key was given",
                    "pass --key-env VAR or --key-file FILE with the key it was made with");
        }
        PgTools.Tool pgRestore = tools.find("pg_restore", majorOf(b.manifest().serverVersion()));
        PgTools.Result list;
        try {
            list = encrypted
                    ? PgTools.runFeeding(List.of(pgRestore.path().toString(), "--list"), Map.of(), decrypting(data, key, "list"))
                    : PgTools.run(List.of(pgRestore.path().toString(), "--list", data.toString()), Map.of(), null, null);
        } catch (BulwarkException e) {
            if (e.code() == ErrorCode.FINDINGS) { // damaged: a chunk failed authentication
                problems.add(e.getMessage());
                return;
            }
            throw e;
        }
        if (list.exit() != 0) {
            problems.add(data.getFileName() + " is not a pg_restore archive: " + list.reason());
        }
    }

    private static boolean encrypted(Backup b) {
        Path data = b.data();
        return b.manifest().encrypted() || (Files.isRegularFile(data) && BackupCipher.isEncrypted(data));
    }

    /**
     * Feeds the decrypted backup to a program's standard input. A write that fails because the
     * program stopped reading is passed on as the IOException it is (the program's exit code then
     * tells why); a chunk that fails authentication or a wrong key is thrown as such.
     */
    private static PgTools.Feeder decrypting(Path data, BackupCipher.Key key, String what) {
        return stdin -> {
            IOException[] broken = new IOException[1];
            OutputStream watched = new java.io.FilterOutputStream(stdin) {
                private boolean reached;

                @Override
                public void write(byte[] bytes, int off, int len) throws IOException {
                    try {
                        out.write(bytes, off, len);
                    } catch (IOException e) {
                        broken[0] = e;
                        throw e;
                    }
                    if (!reached) {
                        reached = true;
                        dev.bulwark.CrashPoint.here("backup." + what + ".decrypt.streaming");
                    }
                }
            };
            try {
                BackupCipher.decrypt(data, key, watched);
            } catch (BulwarkException e) {
                if (broken[0] != null) {
                    throw broken[0];
                }
                throw e;
            }
        };
    }

    // ------------------------------------------------------------------ restore

    /**
     * @param backup   where the safety backup of the target was written, or null
     * @param replaced what the target database was renamed to (kept: drop it when satisfied), or null
     */
    public record RestoreOutcome(String database, Backup safetyBackup, String replaced, DataComparison comparison) {
    }

    /**
     * Restores into {@code target}'s database (created when it does not exist). The whole file is
     * checked first; the dump is restored into a new database, compared with the manifest, and
     * only then swapped in by renaming: a failed restore leaves the target exactly as it was.
     *
     * @param force        end other sessions on the target instead of refusing
     * @param safetyBackup first back up the target, when it exists
     */
    public RestoreOutcome restore(Backup b, BackupCipher.Key key, ConnectionSpec target, boolean force, boolean safetyBackup,
                                  CreateOptions safetyOptions) {
        String name = target.database();
        if (name == null) {
            throw BulwarkException.usage("the restore target " + target.masked() + " names no database", "add the database to the URL");
        }
        List<String> problems = new ArrayList<>();
        sweep(target);
        if (isTemplate(b)) {
            if (!databaseExists(maintenance(target), b.name())) {
                problems.add("the database " + b.name() + " holding this backup no longer exists");
            }
        } else {
            readable(b, key, problems);
        }
        if (!problems.isEmpty()) {
            throw new BulwarkException(ErrorCode.FINDINGS, "not restored, the target was not touched: " + String.join("; ", problems),
                    "use another backup ('bulwark backup list')");
        }
        ConnectionSpec maintenance = maintenance(target);
        // the safety backup of an encrypted backup's target holds the same data: it is encrypted too
        CreateOptions safetyWith = safetyOptions.key() == null && !isTemplate(b) && encrypted(b)
                ? new CreateOptions(1, key, safetyOptions.toolVersion(), safetyOptions.templateFallback()) : safetyOptions;
        String staging = RESTORING + run + "_" + truncate(name, 36);
        // the run's lock says, after a kill, that the staging database is a dead run's (see sweepRun)
        try (RunFiles held = files.hold(); Connection presence = maintenance.open(app)) {
            boolean exists = databaseExists(maintenance, name);
            if (exists && !force) {
                List<String> sessions = sessions(maintenance, name);
                if (!sessions.isEmpty()) {
                    throw new BulwarkException(ErrorCode.USAGE, "not restored, the target was not touched: " + sessions.size()
                            + " other session(s) are connected to " + name + ": " + String.join("; ", sessions),
                            "stop the application first, or pass --force to end those sessions");
                }
            }
            String owner = exists ? owner(maintenance, name) : null;
            if (isTemplate(b)) {
                createDatabase(maintenance, staging, owner, b.name(), tool("create"));
            } else {
                createDatabase(maintenance, staging, owner, "template0", tool("create"));
            }
            DataComparison comparison;
            try {
                dev.bulwark.CrashPoint.here("backup.restore.staging.created");
                ConnectionSpec stagingSpec = target.withDatabase(staging);
                out.info("Restoring " + b.name() + " into a new database " + staging);
                if (!isTemplate(b)) {
                    pgRestore(b, key, stagingSpec, maintenance, "restore");
                }
                dev.bulwark.CrashPoint.here("backup.restore.restored");
                comparison = compare(stagingSpec, b.manifest().data());
                if (comparison.verdict() != DataComparison.Verdict.IDENTICAL) {
                    throw new BulwarkException(ErrorCode.FINDINGS, "not restored, the target was not touched: the restored data differs"
                            + " from the manifest: " + differences(comparison), "use another backup");
                }
            } catch (RuntimeException e) {
                dropDatabase(maintenance, staging);
                throw e;
            }
            Backup safety = null;
            String replaced = null;
            if (exists) {
                if (safetyBackup) {
                    out.info("Safety backup of " + name + " before it is replaced");
                    try {
                        safety = create(target, safetyWith);
                        dev.bulwark.CrashPoint.here("backup.restore.safety.written");
                    } catch (RuntimeException e) {
                        dropDatabase(maintenance, staging);
                        throw e;
                    }
                }
                replaced = truncate(name, 40) + "_before_restore_" + STAMP.format(Instant.now()).toLowerCase(java.util.Locale.ROOT);
                dev.bulwark.CrashPoint.here("backup.restore.swap.before");
                swap(maintenance, name, staging, replaced, force);
            } else {
                dev.bulwark.CrashPoint.here("backup.restore.swap.before");
                rename(maintenance, staging, name);
            }
            dev.bulwark.CrashPoint.here("backup.restore.swap.after");
            out.info("Restored " + b.name() + " into " + name + ": " + b.manifest().data().tables().size() + " tables, "
                    + b.manifest().rows() + " rows, fingerprints equal to the manifest"
                    + (replaced != null ? "; the previous database is kept as " + replaced + " (DROP DATABASE it when satisfied)" : ""));
            return new RestoreOutcome(name, safety, replaced, comparison);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot close the session of " + target.masked() + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * Both renames in one transaction: a kill leaves either the old database under its name (and
     * the staging copy, which the next run drops) or the restored one, never no database. With
     * {@code force}, new sessions are refused while the old ones are ended; the staging
     * database's comment names the target, so a run killed in that window is undone by the next
     * run's sweep (it allows connections again).
     */
    private void swap(ConnectionSpec maintenance, String name, String staging, String replaced, boolean force) {
        try (Connection c = maintenance.open(app); Statement s = c.createStatement()) {
            if (force) {
                // no new sessions may slip in between ending the old ones and the rename
                s.execute("COMMENT ON DATABASE " + Identifiers.quote(staging) + " IS "
                        + literal(BLOCKS + name));
                s.execute("ALTER DATABASE " + Identifiers.quote(name) + " ALLOW_CONNECTIONS false");
                dev.bulwark.CrashPoint.here("backup.restore.swap.connections-refused");
                try {
                    terminate(c, name);
                } catch (SQLException e) {
                    s.execute("ALTER DATABASE " + Identifiers.quote(name) + " ALLOW_CONNECTIONS true");
                    throw e;
                }
            }
            c.setAutoCommit(false);
            try {
                s.execute("ALTER DATABASE " + Identifiers.quote(name) + " RENAME TO " + Identifiers.quote(replaced));
                if (force) {
                    s.execute("ALTER DATABASE " + Identifiers.quote(replaced) + " ALLOW_CONNECTIONS true");
                }
                s.execute("ALTER DATABASE " + Identifiers.quote(staging) + " RENAME TO " + Identifiers.quote(name));
                s.execute("COMMENT ON DATABASE " + Identifiers.quote(name) + " IS NULL");
                dev.bulwark.CrashPoint.here("backup.restore.swap.uncommitted");
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                c.setAutoCommit(true);
                if (force) {
                    s.execute("ALTER DATABASE " + Identifiers.quote(name) + " ALLOW_CONNECTIONS true");
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "the restored database " + staging + " is ready but could not replace "
                    + name + ": " + e.getMessage(), "end the sessions on " + name + " (or pass --force) and rename it by hand", e);
        }
    }

    /**
     * Restores into {@code target}. An encrypted backup is decrypted straight into pg_restore's
     * standard input (one stream, so no parallel jobs); nothing decrypted touches the disk.
     */
    private void pgRestore(Backup b, BackupCipher.Key key, ConnectionSpec target, ConnectionSpec maintenance, String what) {
        PgTools.Tool pgRestore = tools.find("pg_restore", serverMajor(maintenance));
        List<String> cmd = new ArrayList<>(List.of(pgRestore.path().toString(), "--exit-on-error", "--no-password",
                "--dbname=" + target.database()));
        if ("directory".equals(b.manifest().dumpFormat())) {
            cmd.add("--jobs=" + Math.max(2, Runtime.getRuntime().availableProcessors()));
        }
        Map<String, String> env = new TreeMap<>(target.libpqEnvironment());
        env.remove("PGDATABASE");
        // not the run's own name: after a kill, pg_restore's sessions must not keep the staging database looking alive
        env.put("PGAPPNAME", tool("pg_restore"));
        PgTools.Result r;
        if (encrypted(b)) {
            r = PgTools.runFeeding(cmd, env, decrypting(b.data(), key, what));
        } else if (!"directory".equals(b.manifest().dumpFormat())) {
            // through stdin too: pg_restore then ends with this process (EOF) instead of outliving a kill
            r = PgTools.runFeeding(cmd, env, stdin -> {
                try (InputStream in = Files.newInputStream(b.data())) {
                    byte[] buffer = new byte[1 << 16];
                    boolean reached = false;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        stdin.write(buffer, 0, n);
                        if (!reached) {
                            reached = true;
                            dev.bulwark.CrashPoint.here("backup." + what + ".streaming");
                        }
                    }
                }
            });
        } else {
            // a folder cannot come through stdin: after a kill pg_restore goes on, until the next sweep drops
            // the staging database it writes to (its sessions do not count as the run's)
            cmd.add(b.data().toString());
            r = PgTools.run(cmd, env, null, null);
        }
        if (r.exit() != 0) {
            throw new BulwarkException(ErrorCode.DATABASE, "pg_restore of " + b.name() + " failed: " + r.reason(),
                    "fix what it reports (a missing role or extension on the target?) and run again");
        }
    }

    private DataComparison compare(ConnectionSpec db, DataSnapshot expected) {
        try (Connection c = db.open(APP)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            CatalogSnapshot catalog = new CatalogReader(c).read();
            DataComparison d = new DataComparer(new Fingerprinter(c, Fingerprinter.DEFAULT_CHUNK_ROWS)).compare(expected, catalog, t -> null);
            c.rollback();
            return d;
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot fingerprint " + db.masked() + ": " + e.getMessage(), null, e);
        }
    }

    static String differences(DataComparison d) {
        List<String> out = new ArrayList<>();
        for (DataComparison.TableComparison t : d.tables()) {
            if (t.status() != DataComparison.TableComparison.Status.IDENTICAL) {
                out.add(t.table() + " " + t.status().label() + " (" + t.rowsBefore() + " rows expected, " + t.rowsAfter() + " found)");
            }
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    // ------------------------------------------------------------------ prune

    /** What prune deleted and kept, with the reason each was kept. */
    public record PruneOutcome(List<Backup> deleted, Map<String, String> kept) {
    }

    /**
     * Deletes backups older than {@code maxAge}, always keeping the newest {@code keep} and the
     * newest backup whose last verification passed.
     */
    public PruneOutcome prune(Duration maxAge, int keep, boolean dryRun) {
        return prune(maxAge, keep, dryRun, null);
    }

    /**
     * @param server the server holding template-copy backups (to drop them), or null: such
     *               backups are then kept, with the reason
     */
    public PruneOutcome prune(Duration maxAge, int keep, boolean dryRun, ConnectionSpec server) {
        if (keep < 1) {
            throw BulwarkException.usage("--keep must be at least 1, was " + keep, "keep at least one backup");
        }
        if (server != null) {
            sweep(server); // with the server: also finishes a killed prune of a template copy (drops its database)
        }
        List<Backup> all = list();
        Instant cutoff = Instant.now().minus(maxAge);
        Backup newestVerified = all.stream().filter(b -> b.manifest().verification() != null && b.manifest().verification().ok())
                .findFirst().orElse(null);
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        List<Backup> deleted = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Backup b = all.get(i);
            if (b == newestVerified) {
                kept.put(b.name(), "the newest verified backup");
            } else if (i < keep) {
                kept.put(b.name(), "one of the newest " + keep);
            } else if (b.manifest().createdAt().isAfter(cutoff)) {
                kept.put(b.name(), "younger than " + dev.bulwark.Durations.human(maxAge));
            } else if (isTemplate(b) && server == null) {
                kept.put(b.name(), "a template-copy database: prune with a connection to its server to drop it");
            } else {
                deleted.add(b);
                if (!dryRun) {
                    // the manifest goes first, renamed under this run: a killed prune is finished by the next sweep
                    try (RunFiles held = files.hold()) {
                        Path pruning = files.pruning(b.manifestFile().getFileName().toString());
                        Files.move(b.manifestFile(), pruning, StandardCopyOption.ATOMIC_MOVE);
                        dev.bulwark.CrashPoint.here("backup.prune.manifest-renamed");
                        if (isTemplate(b)) {
                            dropDatabase(maintenance(server), b.name());
                        } else {
                            PrivateFiles.delete(b.data());
                        }
                        PrivateFiles.delete(pruning);
                    } catch (IOException e) {
                        throw BulwarkException.usage("cannot delete " + b.manifestFile() + ": " + e.getMessage(),
                                "check the backup folder's permissions");
                    }
                }
            }
        }
        return new PruneOutcome(deleted, kept);
    }

    // ------------------------------------------------------------------ sweep

    /**
     * Removes what killed runs left behind, so a kill at any instant strands nothing: decrypted
     * dumps an earlier version wrote beside the backups ({@code .<name>.plain}; this version never
     * writes one) and, with {@code server}, the staging and drill databases of runs that no longer
     * have a session ({@value #RESTORING}…, {@value #DRILL}…). A target whose connections a dead
     * run refused is opened again. Runs at the start of every backup command; says what it removed.
     *
     * @return what was removed
     */
    public List<String> sweep(ConnectionSpec server) {
        ConnectionSpec maintenance = server == null ? null : maintenance(server);
        List<String> swept = new ArrayList<>(sweepFiles(maintenance));
        if (server != null) {
            swept.addAll(sweepDatabases(maintenance));
        }
        return swept;
    }

    /** @param maintenance the server's maintenance database, or null: a dead run's template-copy database then waits for a sweep that has it */
    private List<String> sweepFiles(ConnectionSpec maintenance) {
        List<String> swept = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return swept;
        }
        RunFiles.forEachDeadRun(dir, run, dead -> sweepRun(dead, maintenance, swept));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.plain")) {
            for (Path f : files) {
                PrivateFiles.delete(f);
                swept.add(f.getFileName().toString());
                out.warn("warning: removed " + f.getFileName() + ", a decrypted dump a killed run left in " + dir);
            }
        } catch (IOException e) {
            throw BulwarkException.usage("cannot list " + dir + ": " + e.getMessage(), "check the backup folder");
        }
        return swept;
    }

    /**
     * A dead run's unfinished files, swept while holding its lock: a backup whose dump and
     * manifest were both written is finished (renamed into place, once its checksum matches);
     * a prune that renamed a manifest is finished (the dump deleted); everything else (a dump
     * cut short, a manifest rewrite never renamed) is removed. A template copy's database (the
     * marker of a copy that never got its manifest, or the manifest of a template backup a prune
     * had begun to delete) is dropped with {@code maintenance}; without it, its file stays for a
     * later sweep (the file keeps the dead run in view).
     */
    private void sweepRun(String dead, ConnectionSpec maintenance, List<String> swept) throws IOException {
        if (maintenance != null) {
            stopSessionsOf(dead, maintenance, swept);
            // its staging and drill databases: the run is dead by its lock, whatever sessions the server still lists
            // for it (a backend finishing a CREATE DATABASE notices its client is gone only afterwards)
            swept.addAll(sweepDatabases(maintenance, dead));
        }
        String suffix = "." + dead + ".";
        List<Path> left = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path f : all) {
                java.util.regex.Matcher m = RunFiles.RUN_FILE.matcher(f.getFileName().toString());
                if (m.matches() && m.group(2).equals(dead)) {
                    left.add(f);
                }
            }
        }
        left.sort(Comparator.comparing(Path::toString));
        for (Path f : left) {
            String name = f.getFileName().toString();
            String finalName = name.substring(0, name.lastIndexOf(suffix));
            if (!finalName.endsWith(".json") || !Files.exists(f)) {
                continue;
            }
            Path manifest = dir.resolve(finalName);
            BackupManifest m = null;
            try {
                m = CatalogJson.read(f, BackupManifest.class);
            } catch (BulwarkException unreadable) {
                // cut short while written: removed below
            }
            if (name.endsWith(".pruning")) {
                if (m != null && "template".equals(m.dumpFormat())) {
                    if (maintenance == null) {
                        continue; // its database needs the server: a sweep that has it finishes this prune
                    }
                    dropDatabase(maintenance, m.file());
                } else if (m != null) {
                    PrivateFiles.delete(dir.resolve(m.file()));
                }
                PrivateFiles.delete(f);
                swept.add(name);
                out.warn("warning: finished deleting the backup " + (m == null ? finalName : m.file()) + ", which a killed prune had begun");
            } else if (m != null && !Files.exists(manifest)) {
                Path data = dir.resolve(m.file());
                Path dataPart = dir.resolve(m.file() + suffix + "part");
                Path have = Files.exists(dataPart) ? dataPart : Files.exists(data) ? data : null;
                if (have != null && m.sha256() != null && m.sha256().equals(sha256(have))) {
                    if (have == dataPart) {
                        Files.move(dataPart, data, StandardCopyOption.ATOMIC_MOVE);
                    }
                    Files.move(f, manifest, StandardCopyOption.ATOMIC_MOVE);
                    swept.add(name);
                    out.warn("warning: finished the backup " + m.file() + ", which a killed run had written whole");
                }
            }
        }
        for (Path f : left) {
            String name = f.getFileName().toString();
            String finalName = name.substring(0, name.lastIndexOf(suffix));
            if (!finalName.endsWith(TEMPLATE_MARK) || !Files.exists(f)) {
                continue;
            }
            if (maintenance == null) {
                continue; // the copy's database needs the server: a sweep that has it drops it
            }
            String copy = finalName.substring(0, finalName.length() - TEMPLATE_MARK.length());
            if (!Files.exists(dir.resolve(copy + ".json"))) {
                dropDatabase(maintenance, copy);
                out.warn("warning: dropped " + copy + ", the template copy of a killed backup run (it had no manifest)");
            }
            PrivateFiles.delete(f);
            swept.add(copy);
        }
        for (Path f : left) {
            String name = f.getFileName().toString();
            boolean waitsForServer = maintenance == null && Files.exists(f)
                    && (name.substring(0, name.lastIndexOf(suffix)).endsWith(TEMPLATE_MARK) || name.endsWith(".pruning"));
            if (!waitsForServer && Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                PrivateFiles.delete(f);
                swept.add(f.getFileName().toString());
                out.warn("warning: removed " + f.getFileName() + ", an unfinished file of a killed backup run");
            }
        }
    }

    /**
     * Ends the sessions a dead run opened under its lock ({@link #tool}): a folder-format pg_dump
     * (it cannot write into a pipe) outlives the run that started it, and so does a template
     * copy's CREATE DATABASE on the server. Such sessions exist only while their run holds its
     * lock, so a run found dead here is dead. Waits up to 10 s for them to go, so what follows
     * (dropping a copy) does not race them.
     */
    private void stopSessionsOf(String dead, ConnectionSpec maintenance, List<String> swept) {
        // the programs it started (bulwark-backup/<run>/<what>) and its own sessions (bulwark-backup/<run>): a backend
        // busy with a statement when its client died lingers until that statement ends
        String name = APP + "/" + dead + "%";
        try (Connection c = maintenance.open(app); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FILTER (WHERE pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity"
                        + " WHERE application_name LIKE ? AND pid <> pg_catalog.pg_backend_pid()");
             PreparedStatement left = c.prepareStatement("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE application_name LIKE ?")) {
            ps.setString(1, name);
            long stopped;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                stopped = rs.getLong(1);
            }
            if (stopped == 0) {
                return;
            }
            left.setString(1, name);
            for (int i = 0; i < 100; i++) {
                try (ResultSet rs = left.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
            swept.add(name);
            out.warn("warning: stopped " + stopped + " session(s) of the killed backup run " + dead
                    + " (a pg_dump or a template copy that outlived it)");
        } catch (SQLException e) {
            out.warn("warning: could not stop the sessions of the killed backup run " + dead + ": " + Masking.mask(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The staging and drill databases of runs that no longer have a session. */
    private List<String> sweepDatabases(ConnectionSpec maintenance) {
        return sweepDatabases(maintenance, null);
    }

    /**
     * With {@code deadRun} null: the staging and drill databases of runs that no longer have a
     * session. Else those of {@code deadRun}, a run found dead by its lock (its sessions were stopped).
     */
    private List<String> sweepDatabases(ConnectionSpec maintenance, String deadRun) {
        List<String> swept = new ArrayList<>();
        record Leftover(String name, String comment) {
        }
        List<Leftover> dead = new ArrayList<>();
        String runPattern = deadRun == null ? "%" : deadRun + "%";
        try (Connection c = maintenance.open(app); PreparedStatement ps = c.prepareStatement(
                "SELECT d.datname, pg_catalog.shobj_description(d.oid, 'pg_database') FROM pg_catalog.pg_database d"
                        + " WHERE (d.datname LIKE ? OR d.datname LIKE ?) AND (? OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a"
                        + " WHERE a.application_name = ? || substring(d.datname FROM '^bulwark_(?:restoring|drill)_([0-9a-f]{8})')))")) {
            ps.setString(1, RESTORING.replace("_", "\\_") + runPattern);
            ps.setString(2, DRILL.replace("_", "\\_") + runPattern);
            ps.setBoolean(3, deadRun != null);
            ps.setString(4, APP + "/");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dead.add(new Leftover(rs.getString(1), rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read pg_database: " + e.getMessage(), null, e);
        }
        for (Leftover l : dead) {
            if (l.comment() != null && l.comment().startsWith(BLOCKS)) {
                String target = l.comment().substring(BLOCKS.length());
                try (Connection c = maintenance.open(app); Statement s = c.createStatement()) {
                    if (databaseExists(maintenance, target)) {
                        s.execute("ALTER DATABASE " + Identifiers.quote(target) + " ALLOW_CONNECTIONS true");
                        out.warn("warning: " + target + " accepts connections again (a killed restore had refused them)");
                    }
                } catch (SQLException e) {
                    throw new BulwarkException(ErrorCode.DATABASE, "cannot allow connections to " + target + " again: " + e.getMessage(),
                            "run ALTER DATABASE " + Identifiers.quote(target) + " ALLOW_CONNECTIONS true", e);
                }
            }
            dropDatabase(maintenance, l.name());
            swept.add(l.name());
            out.warn("warning: dropped " + l.name() + ", the unfinished " + (l.name().startsWith(DRILL) ? "drill" : "restore")
                    + " database of a killed run");
        }
        return swept;
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    // ------------------------------------------------------------------ helpers

    static ConnectionSpec maintenance(ConnectionSpec any) {
        return any.withDatabase("postgres");
    }

    private static int serverMajor(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10000;
        }
    }

    private static int serverMajor(ConnectionSpec spec) {
        try (Connection c = spec.open(APP)) {
            return serverMajor(c);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read the server version of " + spec.masked() + ": " + e.getMessage(), null, e);
        }
    }

    static int majorOf(String serverVersion) {
        String digits = serverVersion.replaceAll("^(\\d+).*$", "$1");
        return digits.matches("\\d+") ? Integer.parseInt(digits) : 0;
    }

    private static String currentDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String createdBy(Connection c) throws SQLException {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return System.getProperty("user.name") + "@" + host + " (database user " + rs.getString(1) + ")";
        }
    }

    /** True when the spec's database exists on its server. */
    public static boolean exists(ConnectionSpec db) {
        return databaseExists(maintenance(db), db.database());
    }

    static boolean databaseExists(ConnectionSpec maintenance, String name) {
        try (Connection c = maintenance.open(APP);
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read pg_database: " + e.getMessage(), null, e);
        }
    }

    private static String owner(ConnectionSpec maintenance, String name) {
        try (Connection c = maintenance.open(APP);
             PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read pg_database: " + e.getMessage(), null, e);
        }
    }

    /** Other sessions on a database, each described (pid, application, user, client, state). */
    static List<String> sessions(ConnectionSpec maintenance, String name) {
        List<String> out = new ArrayList<>();
        try (Connection c = maintenance.open(APP); PreparedStatement ps = c.prepareStatement(
                "SELECT pid, application_name, usename, client_addr, state FROM pg_catalog.pg_stat_activity"
                        + " WHERE datname = ? AND pid <> pg_catalog.pg_backend_pid()")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add("pid " + rs.getInt(1) + " (" + rs.getString(2) + ", user " + rs.getString(3) + ", "
                            + rs.getString(4) + ", " + rs.getString(5) + ")");
                }
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read pg_stat_activity: " + e.getMessage(), null, e);
        }
        return out;
    }

    private static void terminate(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(pid, 5000) FROM pg_catalog.pg_stat_activity"
                + " WHERE datname = ? AND pid <> pg_catalog.pg_backend_pid()")) {
            ps.setString(1, name);
            ps.executeQuery().close();
        }
    }

    static void createDatabase(ConnectionSpec maintenance, String name, String owner) {
        // template0: a restore needs an empty database, and template1 may hold someone's objects
        createDatabase(maintenance, name, owner, "template0", APP);
    }

    /**
     * @param session the session's name: a run's staging and scratch databases are made under {@code
     *                bulwark-backup/<run>/create}, so a sweep that finds the run dead by its lock ends a CREATE
     *                DATABASE its killed run left running (and waits for it) before it looks for the database
     */
    private static void createDatabase(ConnectionSpec maintenance, String name, String owner, String template, String session) {
        try (Connection c = maintenance.open(session); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + Identifiers.quote(name) + " TEMPLATE " + Identifiers.quote(template)
                    + (owner != null ? " OWNER " + Identifiers.quote(owner) : ""));
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot create the database " + name + ": " + e.getMessage(),
                    "the user needs CREATEDB (restores and drills build a new database and never write into a live one)", e);
        }
    }

    static void dropDatabase(ConnectionSpec maintenance, String name) {
        try (Connection c = maintenance.open(APP); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot drop the scratch database " + name + ": " + e.getMessage(),
                    "drop it by hand", e);
        }
    }

    private static void rename(ConnectionSpec maintenance, String from, String to) {
        try (Connection c = maintenance.open(APP); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + Identifiers.quote(from) + " RENAME TO " + Identifiers.quote(to));
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot rename " + from + " to " + to + ": " + e.getMessage(), null, e);
        }
    }

    static String sha256(Path p) {
        try {
            if (Files.isDirectory(p)) {
                StringBuilder lines = new StringBuilder();
                try (Stream<Path> all = Files.walk(p)) {
                    for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                        lines.append(p.relativize(f)).append(' ').append(sha256(f)).append('\n');
                    }
                }
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lines.toString().getBytes()));
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw BulwarkException.usage("cannot read " + p + ": " + e.getMessage(), "check the file");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return Files.size(p);
        }
        try (Stream<Path> all = Files.walk(p)) {
            long total = 0;
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1 << 20) return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / 1073741824.0);
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]+", "-");
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n);
    }
}
