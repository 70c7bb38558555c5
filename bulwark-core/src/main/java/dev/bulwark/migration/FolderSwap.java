package dev.bulwark.migration;

import dev.bulwark.BulwarkException;
import dev.bulwark.CrashPoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Replaces some entries of a migrations folder by others so that a kill at any instant leaves the
 * old set or the new one, never both nor neither, as every reader sees the folder.
 *
 * <p>The new entries are written and synced in {@code .bulwark-swap/new/} inside the folder (hidden:
 * no reader looks into dot folders). The journal {@code .bulwark-swap/journal}, written to a temp
 * file, synced and moved into place atomically, is the commit point: without it the folder holds the
 * old set and the staging folder is litter; with it the swap rolls forward, removing the old entries
 * and moving the new ones in, one idempotent step after another. {@link MigrationSources#readLenient}
 * finishes (or clears) an interrupted swap before it reads, so no reader sees one half done; other
 * tools reading the folder before Bulwark runs again may.
 */
public final class FolderSwap {
    /** The staging folder inside the migrations folder. */
    public static final String STAGING = ".bulwark-swap";
    private static final String JOURNAL = "journal";
    private static final String NEW = "new";

    private final Path dir;
    private final Path staging;

    private FolderSwap(Path dir) {
        this.dir = dir;
        this.staging = dir.resolve(STAGING);
    }

    /**
     * Starts a swap in {@code dir}, after finishing any earlier one: returns the swap, whose
     * {@link #newEntries()} folder the caller fills (a copy of the folder's names, as empty files,
     * minus {@code removed}, so that versions continue as they would with the old entries gone).
     */
    public static FolderSwap begin(Path dir, List<Path> removed) {
        recover(dir);
        FolderSwap s = new FolderSwap(dir);
        try {
            Files.createDirectories(s.newEntries());
            s.mirror(removed);
        } catch (IOException | UncheckedIOException e) {
            s.abandon();
            throw cannot(dir, e);
        }
        return s;
    }

    /** Where the caller writes the new entries; what it creates at the top of it replaces {@code removed}. */
    public Path newEntries() {
        return staging.resolve(NEW);
    }

    /** A path written under {@link #newEntries()} as it will be in the folder. */
    public Path finalPath(Path staged) {
        return dir.resolve(newEntries().relativize(staged));
    }

    /** Drops the staging folder: the folder keeps the old set. */
    public void abandon() {
        try {
            deleteTree(staging);
        } catch (IOException ignored) {
            // litter in a hidden folder; the next swap or read clears it
        }
    }

    /**
     * Commits: the new top-level entries (those not in the mirror) replace {@code removed}. Returns
     * when the folder holds the new set.
     */
    public void commit(List<Path> removed) {
        try {
            List<String> lines = new ArrayList<>();
            Path base = dir.toAbsolutePath().normalize();
            for (Path r : removed) {
                lines.add("remove " + base.relativize(r.toAbsolutePath().normalize()));
            }
            try (var entries = Files.list(newEntries())) {
                for (Path p : entries.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (!placeholders.contains(name)) {
                        lines.add("add " + name);
                    }
                }
            }
            // the placeholders go first: the journal's adds are all that is left under new/
            for (String name : placeholders) {
                deleteTree(newEntries().resolve(name));
            }
            syncTree(newEntries());
            CrashPoint.here("plan.write.staged");
            Path tmp = staging.resolve(JOURNAL + ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            sync(tmp);
            Files.move(tmp, staging.resolve(JOURNAL), StandardCopyOption.ATOMIC_MOVE);
            sync(staging);
        } catch (IOException | UncheckedIOException e) {
            abandon();
            throw cannot(dir, e);
        }
        CrashPoint.here("plan.write.committed");
        try {
            rollForward(dir);
        } catch (IOException | UncheckedIOException e) {
            throw BulwarkException.usage("the plan is committed in " + staging + " but moving it into " + dir + " failed: " + e.getMessage(),
                    "fix the cause (permissions, disk space) and run any bulwark command on the folder: it finishes the move");
        }
    }

    /** The top-level names of the mirror's placeholders, set by {@link #begin}. */
    private final List<String> placeholders = new ArrayList<>();

    /** Empty stand-ins for every visible entry but {@code removed}, so the scaffold picks versions as in the folder. */
    private void mirror(List<Path> removed) throws IOException {
        List<Path> gone = removed.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        Path target = newEntries();
        // links followed, as the Flyway reader does, so versions behind a linked folder count too
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof FileSystemLoopException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(dir) && (d.getFileName().toString().startsWith(".") || gone.contains(d.toAbsolutePath().normalize()))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!d.equals(dir)) {
                    Files.createDirectories(target.resolve(dir.relativize(d).toString()));
                    if (d.getParent().equals(dir)) {
                        placeholders.add(d.getFileName().toString());
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (!f.getFileName().toString().startsWith(".") && !gone.contains(f.toAbsolutePath().normalize())) {
                    Files.createFile(target.resolve(dir.relativize(f).toString()));
                    if (f.getParent().equals(dir)) {
                        placeholders.add(f.getFileName().toString());
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Finishes a swap a kill interrupted in {@code dir} (journal present: rolls forward) or clears
     * its staging folder (no journal: the old set stands). Nothing to do, and one stat, otherwise.
     */
    public static void recover(Path dir) {
        Path staging = dir.resolve(STAGING);
        if (!Files.isDirectory(staging)) {
            return;
        }
        try {
            if (Files.exists(staging.resolve(JOURNAL))) {
                rollForward(dir);
            } else {
                deleteTree(staging);
            }
        } catch (IOException | UncheckedIOException e) {
            throw BulwarkException.usage("an interrupted bulwark plan --write left " + staging + " and finishing it failed: "
                    + e.getMessage(), "fix the cause (permissions, disk space) and run again: it finishes the move");
        }
    }

    /** Each step idempotent: a kill anywhere in here is finished by the next call. */
    private static void rollForward(Path dir) throws IOException {
        Path staging = dir.resolve(STAGING);
        List<String> lines = Files.readAllLines(staging.resolve(JOURNAL), StandardCharsets.UTF_8);
        for (String line : lines) {
            if (line.startsWith("remove ")) {
                deleteTree(dir.resolve(line.substring("remove ".length())));
                CrashPoint.here("plan.write.removed");
            }
        }
        for (String line : lines) {
            if (line.startsWith("add ")) {
                String name = line.substring("add ".length());
                Path from = staging.resolve(NEW).resolve(name);
                if (Files.exists(from)) {
                    Files.move(from, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                    CrashPoint.here("plan.write.added");
                }
            }
        }
        sync(dir);
        Files.delete(staging.resolve(JOURNAL));
        deleteTree(staging);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void syncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                sync(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                sync(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** fsync of a file or a folder (a folder's entries: the renames in it); a file system that cannot sync folders is let be. */
    private static void sync(Path p) throws IOException {
        boolean folder = Files.isDirectory(p);
        try (FileChannel c = FileChannel.open(p, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            c.force(true);
        } catch (IOException e) {
            if (!folder) {
                throw e;
            }
        }
    }

    private static BulwarkException cannot(Path dir, Exception e) {
        return BulwarkException.usage("cannot write the plan into " + dir + ": " + e.getMessage(),
                "check that the folder is writable; nothing was changed");
    }
}
