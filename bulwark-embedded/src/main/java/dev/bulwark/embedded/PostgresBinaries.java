package dev.bulwark.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The PostgreSQL binaries shipped inside the zonky jars, extracted once per user into
 * {@code ${XDG_CACHE_HOME:-~/.cache}/bulwark/postgres-<version>-<os>-<arch>}.
 *
 * <p>Extraction goes into a temporary sibling directory that is renamed into place, under a
 * file lock, so a half-extracted tree is never used and two processes never race.
 */
final class PostgresBinaries {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);

    private static volatile PostgresBinaries cached;

    private final Path home;
    private final String version;

    private PostgresBinaries(Path home, String version) {
        this.home = home;
        this.version = version;
    }

    /** The binaries for this machine, extracted on first use. */
    static PostgresBinaries get() {
        PostgresBinaries result = cached;
        if (result == null) {
            synchronized (PostgresBinaries.class) {
                result = cached;
                if (result == null) {
                    String version = bundledVersion();
                    result = new PostgresBinaries(ensureExtracted(cacheRoot(System.getenv()), version), version);
                    cached = result;
                }
            }
        }
        return result;
    }

    Path home() {
        return home;
    }

    Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    /** The zonky artifact version, e.g. {@code 15.15.0}. */
    String version() {
        return version;
    }

    /** The PostgreSQL release, e.g. {@code 15.15}: zonky appends a packaging revision. */
    String postgresVersion() {
        return postgresVersion(version);
    }

    static String postgresVersion(String zonkyVersion) {
        String[] parts = zonkyVersion.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : zonkyVersion;
    }

    /** The major version PostgreSQL writes to {@code PG_VERSION}, e.g. {@code 15}. */
    String majorVersion() {
        return version.split("\\.")[0];
    }

    static String bundledVersion() {
        try (InputStream in = PostgresBinaries.class.getResourceAsStream("/dev/bulwark/embedded/postgres.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/bulwark/embedded/postgres.properties is missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("postgres.version");
            if (version == null || version.isBlank() || version.startsWith("${")) {
                throw new IllegalStateException("postgres.version is not set in dev/bulwark/embedded/postgres.properties");
            }
            return version.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path cacheRoot(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("bulwark");
    }

    /** zonky's names: {@code Linux}, {@code Darwin}, {@code Windows}. */
    static String zonkyOs() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return "Linux";
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "Darwin";
        }
        if (os.startsWith("windows")) {
            return "Windows";
        }
        throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                "the embedded PostgreSQL has no binaries for operating system " + System.getProperty("os.name"),
                "pass --url to use a PostgreSQL server you run yourself");
    }

    /** zonky normalizes architectures itself; it only needs {@code x86_64} for {@code amd64}. */
    static String zonkyArch() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") ? "x86_64" : arch;
    }

    static Path ensureExtracted(Path cacheRoot, String version) {
        String os = zonkyOs();
        String arch = zonkyArch();
        String name = "postgres-" + version + "-" + os.toLowerCase(Locale.ROOT) + "-" + arch;
        Path target = cacheRoot.resolve(name);
        if (isComplete(target)) {
            return target;
        }
        try {
            Files.createDirectories(cacheRoot);
            Path lockFile = cacheRoot.resolve(name + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (isComplete(target)) {
                    return target; // another process extracted it while we waited
                }
                deleteLeftovers(cacheRoot, name);
                Path temp = cacheRoot.resolve(name + ".tmp-" + UUID.randomUUID());
                long started = System.nanoTime();
                try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os, arch)) {
                    extractTxz(txz, temp);
                } catch (IllegalStateException e) {
                    // zonky's message for a platform without a binaries jar on the classpath
                    throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                            "the embedded PostgreSQL has no binaries for " + os + "/" + arch,
                            "pass --url to use a PostgreSQL server you run yourself", e);
                }
                Files.writeString(temp.resolve(".complete"), version + "\n");
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target);
                }
                LOG.info("Extracted PostgreSQL {} binaries to {} in {} ms", version, target,
                        (System.nanoTime() - started) / 1_000_000);
                return target;
            }
        } catch (IOException e) {
            throw new EmbeddedException(EmbeddedException.Kind.DATABASE,
                    "cannot extract the embedded PostgreSQL binaries to " + target + ": " + e,
                    "check that " + cacheRoot + " is writable and the disk is not full (or set XDG_CACHE_HOME)", e);
        }
    }

    private static boolean isComplete(Path target) {
        // The marker is written last, before the rename, so its presence means a whole tree.
        return Files.isRegularFile(target.resolve(".complete"));
    }

    /** Temp trees from a process that died while extracting, and a target without its marker. */
    private static void deleteLeftovers(Path cacheRoot, String name) throws IOException {
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(cacheRoot, name + ".tmp-*")) {
            for (Path sibling : siblings) {
                deleteTree(sibling);
            }
        }
        deleteTree(cacheRoot.resolve(name));
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Extracts keeping file modes (executables stay executable), symlinks and hard links. */
    static void extractTxz(InputStream txz, Path destination) throws IOException {
        Files.createDirectories(destination);
        Path root = destination.toAbsolutePath().normalize();
        boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(txz, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = inside(root, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Path link = Path.of(entry.getLinkName());
                    inside(root, root.relativize(path.getParent().resolve(link).normalize()).toString());
                    Files.createSymbolicLink(path, link);
                    continue; // permissions of a symlink are those of its target
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createLink(path, inside(root, entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    try {
                        Files.copy(tar, path);
                    } catch (FileAlreadyExistsException e) {
                        Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                if (posix) {
                    Files.setPosixFilePermissions(path, permissions(entry.getMode(), entry.isDirectory()));
                }
            }
        }
    }

    private static Path inside(Path root, String entryName) {
        Path path = root.resolve(entryName).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalStateException("archive entry escapes the extraction directory: " + entryName);
        }
        return path;
    }

    static Set<PosixFilePermission> permissions(int mode, boolean directory) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        // Never lock ourselves out of what we extracted, whatever the archive says.
        set.add(PosixFilePermission.OWNER_READ);
        set.add(PosixFilePermission.OWNER_WRITE);
        if (directory) {
            set.add(PosixFilePermission.OWNER_EXECUTE);
        }
        return set;
    }
}
