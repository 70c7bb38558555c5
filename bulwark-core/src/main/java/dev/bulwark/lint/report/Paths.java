package dev.bulwark.lint.report;

import java.nio.file.Path;

/** File names as users see them: relative to the folder lint ran from, with forward slashes. */
final class Paths {
    private Paths() {
    }

    static String show(Path file, Path base) {
        Path abs = file.toAbsolutePath().normalize();
        Path b = base.toAbsolutePath().normalize();
        String s = abs.startsWith(b) ? b.relativize(abs).toString() : abs.toString();
        return s.replace('\\', '/');
    }
}
