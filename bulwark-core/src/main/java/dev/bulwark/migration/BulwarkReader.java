package dev.bulwark.migration;

import dev.bulwark.BulwarkException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bulwark's own layout: one file {@code <version>_<name>.sql} per migration, with a
 * {@code -- bulwark:up} section and an optional {@code -- bulwark:down} section. A file with the
 * down marker and nothing under it has an empty down (the migration needs no revert), which is
 * not the same as a file without the marker (it cannot be reverted).
 */
public final class BulwarkReader implements LenientReader {
    static final Pattern FILE = Pattern.compile("^(\\d+)_(.+)\\.sql$");
    static final String EXPECTED = "<version>_<name>.sql, the version in digits such as 20260101120000 or 0001";

    private static final Pattern UP_MARKER = Pattern.compile("(?m)^\\s*--\\s*bulwark:up\\s*$");

    @Override
    public MigrationFormat format() {
        return MigrationFormat.BULWARK;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        return Sources.firstWithMarker(dir, UP_MARKER, "-- bulwark:up");
    }

    @Override
    public List<Migration> read(Path dir, java.util.function.Consumer<LayoutProblem> problems) {
        return Sources.readNamed(dir, FILE, format(), EXPECTED, (p, m) -> readFile(p, m.group(1), m.group(2)), problems);
    }

    private Migration readFile(Path path, String version, String name) {
        SourceFile file = SourceFile.read(path);
        List<Integer> ups = new ArrayList<>();
        List<Integer> downs = new ArrayList<>();
        for (int n = 1; n <= file.lineCount(); n++) {
            Optional<Directives.Directive> d = Directives.parse(file.line(n));
            if (d.isEmpty() || !(d.get().name().equals(Directives.UP) || d.get().name().equals(Directives.DOWN))) {
                continue;
            }
            if (!d.get().argument().isEmpty()) {
                String marker = "-- bulwark:" + d.get().name();
                throw BulwarkException.usage(path + ":" + n + ": " + marker + " takes nothing after it, found '"
                        + d.get().argument() + "'", "put the SQL on the lines below " + marker);
            }
            (d.get().name().equals(Directives.UP) ? ups : downs).add(n);
        }
        int[] sections = Sources.sections(path, ups, downs, "-- bulwark:up", "-- bulwark:down", "");
        int up = sections[0];
        int down = sections[1];
        Sources.checkNothingBefore(file, up, "-- bulwark:up");
        int end = file.lineCount() + 1;
        int upEnd = down != 0 ? down : end;
        MigrationOptions options = Directives.options(file, 1, upEnd, MigrationOptions.DEFAULT, format());
        Script downScript = null;
        if (down != 0) {
            Directives.checkDown(file, down + 1, end, format());
            downScript = file.script(down + 1, end);
        }
        return new Migration(MigrationVersion.of(version), Sources.description(name), MigrationKind.VERSIONED,
                format(), path, file.script(up + 1, upEnd), downScript, options, file.text(), version);
    }
}
