package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A reader that reads leniently: every layout problem goes to the caller and reading goes on.
 * Its strict {@link #read(Path)} is the lenient read that throws the first problem.
 */
public interface LenientReader extends MigrationReader {
    @Override
    default List<Migration> read(Path dir) {
        return Sources.strict(problems -> read(dir, problems));
    }

    @Override
    List<Migration> read(Path dir, Consumer<LayoutProblem> problems);
}
