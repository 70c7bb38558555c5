package dev.bulwark.backup;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files one backup run writes before they are final, and how the next run tells a dead
 * run's from a live one's.
 *
 * <p>A run writes under names carrying its run id ({@code <name>.<run>.part} while a dump or a
 * manifest is written, {@code <manifest>.<run>.pruning} while a backup is deleted), and, before
 * the first of them exists, holds an exclusive OS lock on {@code .bulwark-run-<run>.lock} in the
 * backup folder until the last of them is gone. The kernel releases that lock when the process
 * dies however it dies ({@code kill -9} included), just as the server ends a dead run's
 * {@code bulwark-backup/<run>} session: a run whose lock can be taken (or whose lock file is gone)
 * is dead, and its files may be swept; a live run's files are never touched.
 *
 * <p>The lock file is only ever deleted by whoever holds its lock (the run itself at its end, or a
 * sweeper that found the run dead); a run checks, once locked, that the lock file is still the
 * one at its path, and starts over if a sweeper removed it in between.
 */
final class RunFiles implements AutoCloseable {
    /** {@code <name>.<run>.part} or {@code <name>.<run>.pruning}: a run's file that is not final. */
    static final Pattern RUN_FILE = Pattern.compile("^(.+)\\.([0-9a-f]{8})\\.(part|pruning)$");
    static final Pattern LOCK_FILE = Pattern.compile("^\\.bulwark-run-([0-9a-f]{8})\\.lock$");
    /** Runs of this JVM holding their lock: never probed (closing a probe's channel would drop the JVM's own POSIX lock). */
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final String run;
    private FileChannel channel;
    private FileLock lock;
    private int holders;

    RunFiles(Path dir, String run) {
        this.dir = dir;
        this.run = run;
    }

    static Path lockFile(Path dir, String run) {
        return dir.resolve(".bulwark-run-" + run + ".lock");
    }

    /** {@code name}'s temporary name for this run. */
    Path part(String name) {
        return dir.resolve(name + "." + run + ".part");
    }

    Path pruning(String name) {
        return dir.resolve(name + "." + run + ".pruning");
    }

    /**
     * Takes this run's lock (re-entrant within the run); every call is matched by a
     * {@link #close()}, after which the run's temporary files must be gone.
     */
    synchronized RunFiles hold() {
        if (holders++ > 0) {
            return this;
        }
        Path file = lockFile(dir, run);
        try {
            while (true) {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l = ch.lock();
                // is the file at the path still the one we locked? a nonce written through our channel tells
                byte[] nonce = java.util.UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.wrap(nonce), 0);
                if (java.util.Arrays.equals(nonce, readOrNull(file))) {
                    channel = ch;
                    lock = l;
                    HELD.add(run);
                    return this;
                }
                l.release();
                ch.close(); // a sweeper removed the file between our open and our lock: start over
            }
        } catch (IOException e) {
            holders--;
            throw new BulwarkException(ErrorCode.USAGE, "cannot lock " + file + ": " + e.getMessage(),
                    "check the permissions of the backup folder");
        }
    }

    private static byte[] readOrNull(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (holders == 0 || --holders > 0) {
            return;
        }
        try {
            Files.deleteIfExists(lockFile(dir, run));
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot release " + lockFile(dir, run) + ": " + e.getMessage(),
                    "delete it by hand");
        } finally {
            HELD.remove(run);
        }
    }

    /** Writes text to a new 0600 file through this run's temporary name, atomically. */
    void write(Path file, String text) {
        try (RunFiles held = hold()) {
            Path tmp = part(file.getFileName().toString());
            PrivateFiles.create(tmp);
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot write " + file + ": " + e.getMessage(), "check the folder and its permissions");
        }
    }

    /** What a sweeper does with a dead run's files while it holds that run's lock. */
    interface Sweeper {
        void sweep(String deadRun) throws IOException;
    }

    /**
     * For every run other than the given live one that left files or a lock file in {@code dir}
     * and is dead (its lock can be taken, or its lock file is gone): runs {@code sweeper} while
     * holding that run's lock, then removes the lock file.
     */
    static void forEachDeadRun(Path dir, String self, Sweeper sweeper) {
        Set<String> runs = new java.util.TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Matcher m = RUN_FILE.matcher(name);
                Matcher l = LOCK_FILE.matcher(name);
                if (m.matches()) {
                    runs.add(m.group(2));
                } else if (l.matches()) {
                    runs.add(l.group(1));
                }
            }
        } catch (IOException e) {
            throw BulwarkException.usage("cannot list " + dir + ": " + e.getMessage(), "check the backup folder");
        }
        for (String other : runs) {
            if (other.equals(self) || HELD.contains(other)) {
                continue;
            }
            Path file = lockFile(dir, other);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException inThisJvm) {
                    continue;
                }
                if (l == null) {
                    continue; // alive: its process holds the lock
                }
                try {
                    sweeper.sweep(other);
                    Files.deleteIfExists(file);
                } finally {
                    l.release();
                }
            } catch (IOException e) {
                throw BulwarkException.usage("cannot sweep what run " + other + " left in " + dir + ": " + e.getMessage(),
                        "check the backup folder's permissions");
            }
        }
    }
}
