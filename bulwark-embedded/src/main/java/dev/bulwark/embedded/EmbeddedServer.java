package dev.bulwark.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded PostgreSQL whose data lives in {@code <project>/.bulwark/pgdata}.
 *
 * <p>Several Bulwark processes on one project share one server. Two OS file locks under
 * {@code .bulwark/} coordinate them: {@code server.lock} is held exclusively around every
 * start/stop decision, and each process that uses the server holds a shared lock on
 * {@code server.users}. Whoever closes last — finding no other shared holder — stops the
 * server, unless {@code db start} marked it to keep running ({@code server.keep-running}).
 * The OS drops the locks of a process that dies, so a crashed run never pins the server.
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    /** The project database every command uses by default. */
    public static final String DATABASE = "bulwark";
    /** The superuser initdb creates; trusted on 127.0.0.1, no password. */
    public static final String SUPERUSER = "postgres";

    private static final String CONF_FILE = "bulwark.conf";
    private static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;
    private static final long LOCK_WAIT_MILLIS = 3 * 60_000L;
    private static final long SETTLE_WAIT_MILLIS = 30_000L;
    private static final int START_ATTEMPTS = 3;

    /** One lock per project per JVM: file locks belong to the process, so threads need their own. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    /** This JVM's shared lock on {@code server.users} per project; each entry guarded by its project's JVM lock. */
    private static final Map<Path, Users> USERS = new ConcurrentHashMap<>();

    private final Layout layout;
    private final long pid;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedServer(Layout layout, long pid, int port) {
        this.layout = layout;
        this.pid = pid;
        this.port = port;
    }

    /**
     * zonky's resolver and the binaries are this module's dependencies; one who excluded them gets
     * this one-line error instead of a missing class. Checked by resource name, so nothing of the
     * absent jars is loaded. (bulwark-core checks the same before it touches this class at all.)
     */
    static void requireBinariesOnClassPath() {
        ClassLoader loader = EmbeddedServer.class.getClassLoader();
        if (loader.getResource("io/zonky/test/db/postgres/embedded/DefaultPostgresBinaryResolver.class") == null
                || loader.getResource("org/tukaani/xz/XZInputStream.class") == null) {
            throw new EmbeddedException(EmbeddedException.Kind.USAGE, "the embedded PostgreSQL is not on the class path",
                    "add the dependency dev.bulwark:bulwark-embedded (the CLI includes it), or give a database URL");
        }
    }

    /** Starts the server if it is not running (or joins the running one) and registers this process as a user. */
    public static EmbeddedServer open(Path projectDir) {
        Layout layout = Layout.of(projectDir);
        requireBinariesOnClassPath();
        PostgresBinaries binaries = PostgresBinaries.get(); // extraction has its own lock; keep it outside ours
        return layout.locked(() -> {
            Running running = ensureRunning(layout, binaries);
            if (running.startedHere()) {
                // A keep-running mark from before a reboot or crash no longer applies.
                deleteQuietly(layout.keepRunningMarker());
            }
            Users.register(layout);
            return new EmbeddedServer(layout, running.pid(), running.port());
        });
    }

    /** Starts the server (if needed) and marks it to keep running after Bulwark exits, for {@code db start}. */
    public static EmbeddedStatus startPersistent(Path projectDir) {
        Layout layout = Layout.of(projectDir);
        requireBinariesOnClassPath();
        PostgresBinaries binaries = PostgresBinaries.get();
        return layout.locked(() -> {
            ensureRunning(layout, binaries);
            try {
                Files.writeString(layout.keepRunningMarker(), "started by bulwark db start\n");
            } catch (IOException e) {
                throw ioFailure("cannot write " + layout.keepRunningMarker(), e);
            }
            return describe(layout);
        });
    }

    /**
     * Stops the server for {@code db stop}. When other Bulwark processes are using it, it keeps
     * running until the last of them closes (the returned status says {@code running}); only the
     * keep-running mark is removed, so their work is not cut off.
     */
    public static EmbeddedStatus stop(Path projectDir) {
        Layout layout = Layout.of(projectDir);
        if (!Files.isDirectory(layout.bulwarkDir())) {
            return describe(layout);
        }
        return layout.locked(() -> {
            deleteQuietly(layout.keepRunningMarker());
            if (Users.othersUsing(layout)) {
                LOG.info("The embedded PostgreSQL in {} is in use by another Bulwark process; it stops when that process ends",
                        layout.dataDir());
                return describe(layout);
            }
            stopIfOurs(layout);
            return describe(layout);
        });
    }

    /** What is running, without starting or locking anything. */
    public static EmbeddedStatus status(Path projectDir) {
        return describe(Layout.of(projectDir));
    }

    /**
     * The project database's URL for psql ({@code postgresql://postgres@127.0.0.1:PORT/bulwark}). The port
     * is the running server's, or, when stopped, the one it will use next.
     */
    public static String url(Path projectDir) {
        EmbeddedStatus s = status(projectDir);
        if (s.port() <= 0) {
            throw new EmbeddedException(EmbeddedException.Kind.USAGE, "the embedded PostgreSQL of " + projectDir + " has never been started",
                    "run 'bulwark db start' first");
        }
        return "postgresql://" + SUPERUSER + "@127.0.0.1:" + s.port() + "/" + DATABASE;
    }

    /** The address the server listens on; only local connections, trusted, no password. */
    public static final String HOST = "127.0.0.1";

    /** JDBC URL of the project database {@code bulwark} on this server, as {@link #SUPERUSER}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** JDBC URL of another database on this server (e.g. {@code postgres}, to create databases), as {@link #SUPERUSER}. */
    public String jdbcUrl(String database) {
        requireOpen();
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database + "?user=" + SUPERUSER;
    }

    /** Fails once {@link #close()} has run: the server may be stopped, a connection would reach nothing or another server. */
    public void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the embedded server handle for " + layout.dataDir() + " is closed");
        }
    }

    public int port() {
        return port;
    }

    /** The postmaster's process id. */
    public long pid() {
        return pid;
    }

    public Path dataDir() {
        return layout.dataDir();
    }

    /** Unregisters; stops the server when this was the last user and it was not started with {@code db start}. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            layout.locked(() -> {
                boolean last = Users.release(layout);
                if (last && !Files.exists(layout.keepRunningMarker())) {
                    stopIfOurs(layout);
                }
                return null;
            });
        } catch (EmbeddedException e) {
            // The work is done; a server left running is joined and stopped by the next run.
            LOG.warn("{}", e.describe());
        }
    }

    @Override
    public String toString() {
        return "EmbeddedServer[" + layout.dataDir() + ", 127.0.0.1:" + port + ", pid " + pid + "]";
    }

    // ---------------------------------------------------------------- start

    private record Running(long pid, int port, boolean startedHere) {
    }

    /** Called with the project lock held. */
    private static Running ensureRunning(Layout layout, PostgresBinaries binaries) {
        PgCtl pgCtl = PgCtl.forCurrentUser(binaries);
        long initMillis = -1;
        if (!isInitialized(layout.dataDir())) {
            long t0 = System.nanoTime();
            initialize(layout, pgCtl);
            initMillis = (System.nanoTime() - t0) / 1_000_000;
        }
        checkMajorVersion(layout.dataDir(), binaries);

        long deadline = System.currentTimeMillis() + SETTLE_WAIT_MILLIS;
        while (true) {
            State state = probe(layout);
            switch (state.kind()) {
                case RUNNING:
                    LOG.debug("Joining the embedded PostgreSQL on 127.0.0.1:{} (pid {})", state.port(), state.pid());
                    return new Running(state.pid(), state.port(), false);
                case FOREIGN_PID:
                    // The pid in a stale postmaster.pid now belongs to another program; PostgreSQL
                    // would refuse to start while it lives, but it is not ours.
                    LOG.info("Removing stale {}: pid {} is not a PostgreSQL server", layout.pidFile(), state.pid());
                    deleteQuietly(layout.pidFile());
                    return start(layout, pgCtl, binaries, initMillis);
                case NOT_RUNNING:
                    return start(layout, pgCtl, binaries, initMillis);
                case SETTLING:
                default:
                    if (System.currentTimeMillis() > deadline) {
                        if (state.pid() == 0) {
                            // An empty or torn postmaster.pid that nobody finishes writing.
                            deleteQuietly(layout.pidFile());
                            return start(layout, pgCtl, binaries, initMillis);
                        }
                        throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                                "the embedded PostgreSQL (pid " + state.pid() + ") in " + layout.dataDir()
                                        + " is not answering on 127.0.0.1:" + state.port(),
                                "stop it with `bulwark db stop` (or kill " + state.pid() + ") and retry; see "
                                        + layout.logFile());
                    }
                    sleep(100);
            }
        }
    }

    private static Running start(Layout layout, PgCtl pgCtl, PostgresBinaries binaries, long initMillis) {
        rotateLog(layout.logFile());
        int port = configuredPort(layout.dataDir());
        if (port <= 0 || !isFree(port)) {
            int previous = port;
            port = freePort();
            writeConf(layout.dataDir(), port);
            if (previous > 0) {
                LOG.info("Port {} is taken; the embedded PostgreSQL moves to port {}", previous, port);
            }
        } else {
            writeConf(layout.dataDir(), port); // a data folder made by an earlier version gets today's log settings
        }
        long t0 = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            long logOffset = size(layout.logFile());
            PgCtl.Result result = pgCtl.start(layout.dataDir(), port, layout.logFile());
            Optional<PostmasterPid> pidFile = PostmasterPid.read(layout.dataDir());
            if (result.ok() && pidFile.isPresent()) {
                long startMillis = (System.nanoTime() - t0) / 1_000_000;
                if (initMillis >= 0) {
                    LOG.info("Created the embedded PostgreSQL {} in {} (initdb {} ms, start {} ms), listening on 127.0.0.1:{}",
                            binaries.postgresVersion(), layout.dataDir(), initMillis, startMillis, port);
                } else {
                    LOG.info("Started the embedded PostgreSQL {} on 127.0.0.1:{} in {} ms",
                            binaries.postgresVersion(), port, startMillis);
                }
                ensureDatabase(port);
                return new Running(pidFile.get().pid(), port, true);
            }
            String tail = logTail(layout.logFile(), logOffset);
            if (attempt < START_ATTEMPTS && (tail.contains("could not bind") || tail.contains("Address already in use")
                    || tail.contains("could not create any TCP/IP sockets"))) {
                int taken = port;
                port = freePort(); // another program took the port between our check and the bind
                writeConf(layout.dataDir(), port);
                LOG.info("Port {} was taken while starting; retrying on port {}", taken, port);
                continue;
            }
            if (attempt < START_ATTEMPTS && tail.contains("pre-existing shared memory block")) {
                // Backends of a killed postmaster are still exiting; they go within a second.
                sleep(1000);
                continue;
            }
            // pg_ctl's own last line is only "Examine the log output."; the lines before it say more.
            String reason = tail.isBlank() ? result.lastLines(3) : tail;
            throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                    "the embedded PostgreSQL in " + layout.dataDir() + " did not start: " + reason,
                    "see " + layout.logFile() + "; if the data directory is damaged, delete " + layout.dataDir()
                            + " to start over (it holds only the embedded database)");
        }
    }

    /**
     * pg_ctl stop signals whatever pid postmaster.pid names, so it runs only when that pid is a
     * live postgres; a stale file naming another program is removed instead.
     */
    private static void stopIfOurs(Layout layout) {
        State state = probe(layout);
        switch (state.kind()) {
            case RUNNING -> stopServer(layout, PgCtl.forCurrentUser(PostgresBinaries.get()));
            case SETTLING -> {
                if (state.pid() != 0) {
                    stopServer(layout, PgCtl.forCurrentUser(PostgresBinaries.get()));
                }
            }
            case FOREIGN_PID -> deleteQuietly(layout.pidFile());
            case NOT_RUNNING -> {
                // nothing to stop; PostgreSQL starts over a stale postmaster.pid itself
            }
        }
    }

    private static void stopServer(Layout layout, PgCtl pgCtl) {
        long t0 = System.nanoTime();
        PgCtl.Result result = pgCtl.stop(layout.dataDir());
        if (!result.ok() && probe(layout).kind() != Kind.NOT_RUNNING) {
            throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                    "cannot stop the embedded PostgreSQL in " + layout.dataDir() + ": " + result.lastLine(),
                    "see " + layout.logFile());
        }
        LOG.info("Stopped the embedded PostgreSQL in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    // ---------------------------------------------------------------- initdb

    private static boolean isInitialized(Path dataDir) {
        if (Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
            return true;
        }
        if (!Files.exists(dataDir)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            if (!entries.iterator().hasNext()) {
                Files.delete(dataDir); // an empty directory someone created: initdb makes its own
                return false;
            }
        } catch (IOException e) {
            throw ioFailure("cannot read " + dataDir, e);
        }
        throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                dataDir + " exists but is not a PostgreSQL data directory (no PG_VERSION)",
                "move it away or delete it; Bulwark creates a new one");
    }

    /** initdb into a temporary sibling, configure, then rename: a half-made cluster never looks ready. */
    private static void initialize(Layout layout, PgCtl pgCtl) {
        try {
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(layout.bulwarkDir(), "pgdata.init-*")) {
                for (Path leftover : leftovers) {
                    PostgresBinaries.deleteTree(leftover);
                }
            }
            Path temp = layout.bulwarkDir().resolve("pgdata.init-" + UUID.randomUUID());
            PgCtl.Result result = pgCtl.initdb(temp);
            if (!result.ok()) {
                PostgresBinaries.deleteTree(temp);
                throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                        "initdb failed for " + layout.dataDir() + ": " + result.lastLines(3),
                        "check that " + layout.bulwarkDir() + " is writable and the disk is not full");
            }
            // Only TCP on 127.0.0.1 (unix sockets are off), trusted: the server is private to this machine.
            Files.writeString(temp.resolve("pg_hba.conf"), """
                    # Written by Bulwark. The embedded server listens on 127.0.0.1 only.
                    # TYPE  DATABASE     USER  ADDRESS       METHOD
                    host    all          all   127.0.0.1/32  trust
                    host    replication  all   127.0.0.1/32  trust
                    """);
            Files.writeString(temp.resolve("postgresql.conf"),
                    "\n# Added by Bulwark: port and listen settings of the embedded server.\n"
                            + "include_if_exists = '" + CONF_FILE + "'\n",
                    StandardOpenOption.APPEND);
            writeConf(temp, freePort());
            move(temp, layout.dataDir());
        } catch (IOException e) {
            throw ioFailure("cannot create " + layout.dataDir(), e);
        }
    }

    private static void checkMajorVersion(Path dataDir, PostgresBinaries binaries) {
        String found;
        try {
            found = Files.readString(dataDir.resolve("PG_VERSION")).strip();
        } catch (IOException e) {
            throw ioFailure("cannot read " + dataDir.resolve("PG_VERSION"), e);
        }
        if (!found.equals(binaries.majorVersion())) {
            throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                    dataDir + " was created by PostgreSQL " + found + " but Bulwark embeds PostgreSQL "
                            + binaries.postgresVersion(),
                    "delete " + dataDir + " to start over (it holds only the embedded database), "
                            + "or dump it first with PostgreSQL " + found + "'s pg_dump");
        }
    }

    private static void ensureDatabase(int port) {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("ApplicationName", "bulwark-embedded");
        properties.setProperty("connectTimeout", "10");
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            try (PreparedStatement exists = connection.prepareStatement(
                    "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
                exists.setString(1, DATABASE);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + DATABASE + "\"");
            }
        } catch (SQLException e) {
            throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                    "cannot create database " + DATABASE + " on the embedded PostgreSQL at 127.0.0.1:" + port + ": "
                            + firstLine(e.getMessage()),
                    "see the server log in .bulwark/postgres.log", e);
        }
    }

    // ---------------------------------------------------------------- probing

    private enum Kind { RUNNING, NOT_RUNNING, SETTLING, FOREIGN_PID }

    private record State(Kind kind, long pid, int port) {
    }

    /** Reads postmaster.pid and checks the pid is a live postgres and the port answers. */
    private static State probe(Layout layout) {
        if (!Files.exists(layout.pidFile())) {
            return new State(Kind.NOT_RUNNING, 0, 0);
        }
        Optional<PostmasterPid> pidFile = PostmasterPid.read(layout.dataDir());
        if (pidFile.isEmpty()) {
            return Files.exists(layout.pidFile())
                    ? new State(Kind.SETTLING, 0, 0) // being written
                    : new State(Kind.NOT_RUNNING, 0, 0);
        }
        PostmasterPid p = pidFile.get();
        Optional<ProcessHandle> process = ProcessHandle.of(p.pid());
        if (process.isEmpty() || !process.get().isAlive()) {
            return new State(Kind.NOT_RUNNING, p.pid(), p.port()); // killed or crashed; pg_ctl starts over it
        }
        Optional<String> command = process.get().info().command();
        if (command.isPresent() && !isPostgres(command.get())) {
            return new State(Kind.FOREIGN_PID, p.pid(), p.port());
        }
        if ("ready".equals(p.status()) && answers(p.port())) {
            return new State(Kind.RUNNING, p.pid(), p.port());
        }
        return new State(Kind.SETTLING, p.pid(), p.port());
    }

    private static boolean isPostgres(String command) {
        String name = Path.of(command).getFileName().toString();
        return name.equals("postgres") || name.equals("postgres.exe");
    }

    private static EmbeddedStatus describe(Layout layout) {
        String version = PostgresBinaries.postgresVersion(PostgresBinaries.bundledVersion());
        boolean persistent = Files.exists(layout.keepRunningMarker());
        State state = probe(layout);
        if (state.kind() == Kind.RUNNING) {
            return new EmbeddedStatus(true, state.pid(), state.port(), layout.dataDir(), version, persistent);
        }
        return new EmbeddedStatus(false, 0, Math.max(0, configuredPort(layout.dataDir())), layout.dataDir(), version,
                persistent);
    }

    private static boolean answers(int port) {
        if (port <= 0) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- port and config

    private static final Pattern PORT_LINE = Pattern.compile("(?m)^\\s*port\\s*=\\s*(\\d+)");

    /** The port stored in {@code bulwark.conf}, or -1. */
    static int configuredPort(Path dataDir) {
        Path conf = dataDir.resolve(CONF_FILE);
        if (!Files.isRegularFile(conf)) {
            return -1;
        }
        try {
            Matcher matcher = PORT_LINE.matcher(Files.readString(conf));
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The port lives in the data directory so it stays stable between runs; the listen settings
     * are also here so a server started by hand with pg_ctl behaves the same.
     */
    private static void writeConf(Path dataDir, int port) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("port", String.valueOf(port));
        settings.put("listen_addresses", "'127.0.0.1'");
        settings.put("unix_socket_directories", "''");
        // the log never holds a statement's text (a migration's PASSWORD '…', say) nor a client's
        // error message quoting it: statements failing on the server are reported to the client
        settings.put("log_min_error_statement", "panic");
        settings.put("log_min_messages", "log");
        StringBuilder text = new StringBuilder("# Written by Bulwark at every start.\n");
        settings.forEach((name, value) -> text.append(name).append(" = ").append(value).append('\n'));
        Path conf = dataDir.resolve(CONF_FILE);
        Path temp = dataDir.resolve(CONF_FILE + ".tmp");
        try {
            Files.writeString(temp, text);
            move(temp, conf);
        } catch (IOException e) {
            throw ioFailure("cannot write " + conf, e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw ioFailure("cannot find a free port on 127.0.0.1", e);
        }
    }

    // ---------------------------------------------------------------- log

    private static void rotateLog(Path log) {
        try {
            if (Files.size(log) > LOG_ROTATE_BYTES) {
                Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // no log yet, or it cannot be moved: PostgreSQL appends either way
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The last lines the server wrote since {@code offset}, joined into one line. */
    static String logTail(Path log, long offset) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(offset, length - 8192);
            file.seek(Math.max(0, from));
            byte[] bytes = new byte[(int) (length - Math.max(0, from))];
            file.readFully(bytes);
            List<String> lines = new ArrayList<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\\R")) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
            // not masked here (this module knows no secrets); bulwark-core masks the messages it passes on
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    // ---------------------------------------------------------------- files and locks

    private record Layout(Path projectDir, Path bulwarkDir, Path key) {
        static Layout of(Path projectDir) {
            Path project = projectDir.toAbsolutePath().normalize();
            Path key = project;
            try {
                key = project.toRealPath(); // two spellings of one project share one JVM lock
            } catch (IOException e) {
                // not created yet: the normalized path is the only spelling so far
            }
            return new Layout(project, project.resolve(".bulwark"), key);
        }

        Path dataDir() {
            return bulwarkDir.resolve("pgdata");
        }

        Path pidFile() {
            return dataDir().resolve("postmaster.pid");
        }

        Path logFile() {
            return bulwarkDir.resolve("postgres.log");
        }

        Path serverLock() {
            return bulwarkDir.resolve("server.lock");
        }

        Path usersLock() {
            return bulwarkDir.resolve("server.users");
        }

        Path keepRunningMarker() {
            return bulwarkDir.resolve("server.keep-running");
        }

        /** Runs {@code action} holding this JVM's project lock and the exclusive {@code server.lock}. */
        <T> T locked(Supplier<T> action) {
            try {
                Files.createDirectories(bulwarkDir);
            } catch (IOException e) {
                throw ioFailure("cannot create " + bulwarkDir, e);
            }
            ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
            jvmLock.lock();
            try (FileChannel channel = FileChannel.open(serverLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = acquire(channel)) {
                return action.get();
            } catch (IOException e) {
                throw ioFailure("cannot lock " + serverLock(), e);
            } finally {
                jvmLock.unlock();
            }
        }

        private FileLock acquire(FileChannel channel) throws IOException {
            long deadline = System.currentTimeMillis() + LOCK_WAIT_MILLIS;
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                            "another Bulwark process has been starting or stopping the embedded PostgreSQL in "
                                    + dataDir() + " for " + LOCK_WAIT_MILLIS / 60_000 + " minutes",
                            "check for a hung bulwark process (it holds " + serverLock() + ") and end it");
                }
                sleep(50);
            }
        }
    }

    /**
     * This JVM's use of a project's server. File locks belong to the process, so the JVM holds one
     * shared lock per project and counts its users; and it keeps one channel per lock file, because
     * closing any channel on a file releases all of the process's locks on it.
     */
    private static final class Users {
        private final FileChannel channel;
        private final FileLock shared;
        private int count;

        private Users(FileChannel channel, FileLock shared) {
            this.channel = channel;
            this.shared = shared;
        }

        static void register(Layout layout) {
            Users users = USERS.get(layout.key());
            if (users == null) {
                try {
                    FileChannel channel = FileChannel.open(layout.usersLock(),
                            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    users = new Users(channel, channel.lock(0, Long.MAX_VALUE, true));
                } catch (IOException e) {
                    throw ioFailure("cannot lock " + layout.usersLock(), e);
                }
                USERS.put(layout.key(), users);
            }
            users.count++;
        }

        /** Drops this user; true when nobody, in any process, uses the server any more. */
        static boolean release(Layout layout) {
            Users users = USERS.get(layout.key());
            if (users == null || --users.count > 0) {
                return false;
            }
            USERS.remove(layout.key());
            try (FileChannel channel = users.channel) {
                users.shared.release();
                FileLock exclusive = channel.tryLock(0, Long.MAX_VALUE, false);
                if (exclusive == null) {
                    return false;
                }
                exclusive.release();
                return true;
            } catch (IOException e) {
                return false; // unsure: leave the server running, the next run stops it
            }
        }

        static boolean othersUsing(Layout layout) {
            if (USERS.containsKey(layout.key())) {
                return true;
            }
            try (FileChannel channel = FileChannel.open(layout.usersLock(),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock exclusive = channel.tryLock(0, Long.MAX_VALUE, false);
                if (exclusive == null) {
                    return true;
                }
                exclusive.release();
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedException(EmbeddedException.Kind.DATABASE, "interrupted while waiting for the embedded PostgreSQL");
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static EmbeddedException ioFailure(String what, IOException e) {
        return new EmbeddedException(EmbeddedException.Kind.DATABASE, what + ": " + e,
                "check the permissions of the project's .bulwark directory and the free disk space", e);
    }
}
