package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dbmate's layout: one file {@code <version>[_name].sql} per migration holding a
 * {@code -- migrate:up} and a {@code -- migrate:down} section. Options follow the marker
 * ({@code -- migrate:up transaction:false}). dbmate finds the markers with the same rule as here:
 * at the start of a line, whitespace allowed after {@code --}.
 */
public final class DbmateReader implements LenientReader {
    /** {@code "false"} when the down marker says {@code transaction:false}; absent otherwise. */
    public static final String DOWN_TRANSACTION = "dbmate.down.transaction";

    static final Pattern FILE = Pattern.compile("^(\\d+)(.*)\\.sql$");
    static final String EXPECTED = "<version>_<name>.sql, the version in digits";
    private static final Pattern MARKER = Pattern.compile("^--\\s*migrate:(up|down)(?:\\s+(.*?))?\\s*$");
    private static final Pattern UP_MARKER = Pattern.compile("(?m)^--\\s*migrate:up(?:\\s|$)");

    @Override
    public MigrationFormat format() {
        return MigrationFormat.DBMATE;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        return Sources.firstWithMarker(dir, UP_MARKER, "-- migrate:up");
    }

    @Override
    public List<Migration> read(Path dir, java.util.function.Consumer<LayoutProblem> problems) {
        return Sources.readNamed(dir, FILE, format(), EXPECTED, (p, m) ->
                readFile(p, m.group(1), m.group(2).startsWith("_") ? m.group(2).substring(1) : m.group(2)), problems);
    }

    private Migration readFile(Path path, String version, String name) {
        SourceFile file = SourceFile.read(path);
        List<Integer> ups = new ArrayList<>();
        List<Integer> downs = new ArrayList<>();
        Map<Integer, String> args = new HashMap<>();
        for (int n = 1; n <= file.lineCount(); n++) {
            Matcher m = MARKER.matcher(file.line(n));
            if (m.matches()) {
                (m.group(1).equals("up") ? ups : downs).add(n);
                args.put(n, m.group(2) == null ? "" : m.group(2));
            }
        }
        int[] sections = Sources.sections(path, ups, downs, "-- migrate:up", "-- migrate:down", ", as dbmate requires");
        int up = sections[0];
        int down = sections[1];
        String upArgs = args.get(up);
        String downArgs = down == 0 ? "" : args.get(down);
        Sources.checkNothingBefore(file, up, "-- migrate:up");
        int end = file.lineCount() + 1;
        int upEnd = down != 0 ? down : end;
        MigrationOptions base = MigrationOptions.DEFAULT;
        if (!transactional(upArgs)) {
            base = base.withTransactional(false);
        }
        MigrationOptions options = Directives.options(file, 1, upEnd, base, format());
        Script downScript = null;
        Map<String, String> toolData = Map.of();
        if (down != 0) {
            Directives.checkDown(file, down + 1, end, format());
            downScript = file.script(down + 1, end);
            if (!transactional(downArgs)) {
                toolData = Map.of(DOWN_TRANSACTION, "false");
            }
        }
        return new Migration(MigrationVersion.of(version), Sources.description(name), MigrationKind.VERSIONED,
                format(), path, file.script(up + 1, upEnd), downScript, options, file.text(), version, toolData);
    }

    /** dbmate's rule: options are {@code key:value} words, and only {@code transaction:false} turns it off. */
    private static boolean transactional(String args) {
        for (String word : args.split("\\s+")) {
            if (word.equals("transaction:false")) {
                return false;
            }
        }
        return true;
    }
}
