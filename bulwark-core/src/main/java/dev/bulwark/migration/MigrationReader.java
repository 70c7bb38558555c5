package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads one tool's migration layout. Readers hold no state; {@link MigrationSources} picks one by
 * detection or by the user's {@code --migration-format}.
 */
public interface MigrationReader {
    MigrationFormat format();

    /**
     * What in {@code dir} shows this layout, in a few words naming a file ("V1__init.sql"), or empty
     * when nothing does. Used to explain detection to the user, so it never throws: a file it
     * cannot read simply does not count as evidence.
     */
    Optional<String> evidence(Path dir);

    default boolean recognizes(Path dir) {
        return evidence(dir).isPresent();
    }

    /**
     * Every migration in {@code dir}, in no particular order ({@link MigrationSet} orders them).
     *
     * @throws dev.bulwark.BulwarkException (USAGE) naming the file, and line where there is one,
     *                                      when a file is not a valid migration of this layout
     */
    List<Migration> read(Path dir);

    /**
     * Like {@link #read(Path)}, but a layout problem (a duplicate version, a misnamed file, a
     * migration written in code) goes to {@code problems} and reading goes on with the rest.
     * Readers that have not learned this yet throw at the first problem, as {@link #read(Path)} does.
     */
    default List<Migration> read(Path dir, java.util.function.Consumer<LayoutProblem> problems) {
        return read(dir);
    }
}
