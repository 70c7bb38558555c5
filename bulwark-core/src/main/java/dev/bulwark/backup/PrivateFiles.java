package dev.bulwark.backup;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Backups, manifests and reports hold a company's data: they are created readable by their owner
 * only (0600, folders 0700) from the first byte, not chmod-ed after a window in which anyone could
 * open them.
 */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and missing parents; the last one 0700. */
    public static Path directory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                if (POSIX) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectory(dir);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot create " + dir + ": " + e.getMessage(), "check the path and its permissions");
        }
    }

    /** Creates an empty file, 0600; replaces an existing one. */
    public static Path create(Path file) {
        try {
            Files.deleteIfExists(file);
            if (POSIX) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            return file;
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot create " + file + ": " + e.getMessage(), "check the folder and its permissions");
        }
    }

    /** Writes text to a new 0600 file, atomically (a temporary sibling renamed into place). */
    public static void write(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        create(tmp);
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot write " + file + ": " + e.getMessage(), "check the folder and its permissions");
        }
    }

    /** Makes a tree written by another program (pg_dump's folder format) owner-only. */
    public static void restrict(Path path) {
        if (!POSIX) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot restrict the permissions of " + path + ": " + e.getMessage(),
                    "check the folder");
        }
    }

    /** Deletes a file or a whole folder; missing is fine. */
    public static void delete(Path path) {
        if (path == null || !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot delete " + path + ": " + e.getMessage(), "delete it by hand");
        }
    }
}
