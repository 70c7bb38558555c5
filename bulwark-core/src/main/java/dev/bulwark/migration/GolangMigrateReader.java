package dev.bulwark.migration;


import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * golang-migrate's layout: {@code <version>_<name>.up.sql} and an optional
 * {@code <version>_<name>.down.sql}, the version an unsigned integer.
 */
public final class GolangMigrateReader implements LenientReader {
    static final Pattern FILE = Pattern.compile("^(\\d+)_(.*)\\.(up|down)\\.sql$");
    static final String EXPECTED = "<version>_<name>.up.sql and <version>_<name>.down.sql, the version in digits";
    /** A migration written in Go ({@code 0001_name.go}, {@code 0001_name.up.go}), which Bulwark cannot read. */
    static final Pattern CODE = Pattern.compile("^\\d+_.*\\.go$");

    @Override
    public MigrationFormat format() {
        return MigrationFormat.GOLANG_MIGRATE;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        return Sources.firstEvidence(dir, p -> Sources.isSqlFile(p) && FILE.matcher(Sources.name(p)).matches(), Sources::name);
    }

    @Override
    public List<Migration> read(Path dir, Consumer<LayoutProblem> problems) {
        Sources.requireDirectory(dir);
        List<Matcher> upNames = new ArrayList<>();
        List<Path> ups = new ArrayList<>();
        Map<MigrationVersion, Path> downs = new LinkedHashMap<>();
        Map<MigrationVersion, Path> firstUp = new LinkedHashMap<>();
        for (Path p : Sources.list(dir)) {
            Matcher m = Sources.sqlNamed(p, n -> CODE.matcher(n).matches(), "Go", FILE, format(), EXPECTED, problems);
            if (m == null) {
                continue;
            }
            Sources.fitsBigint(p, m.group(1), "golang-migrate", "version", problems);
            MigrationVersion version = MigrationVersion.of(m.group(1));
            if (m.group(3).equals("up")) {
                Path other = firstUp.putIfAbsent(version, p);
                if (other != null) {
                    problems.accept(new LayoutProblem(p, "has version " + version + ", as "
                            + other.getFileName() + " does, so golang-migrate refuses the folder",
                            "give one of them another version; if one is already applied, renumber the other",
                            LayoutProblem.DUPLICATE));
                }
                ups.add(p);
                upNames.add(m);
            } else {
                Path other = downs.putIfAbsent(version, p);
                if (other != null) {
                    problems.accept(LayoutProblem.layout(p, "has version " + version + " in a .down.sql file, as "
                                    + other.getFileName() + " does, so golang-migrate refuses the folder",
                            "give one of them another version; if one is already applied, renumber the other"));
                }
            }
        }
        List<Migration> out = new ArrayList<>();
        for (int i = 0; i < ups.size(); i++) {
            Matcher name = upNames.get(i);
            MigrationVersion version = MigrationVersion.of(name.group(1));
            SourceFile file = SourceFile.read(ups.get(i));
            MigrationOptions options = Directives.options(file, 1, file.lineCount() + 1,
                    MigrationOptions.DEFAULT, format());
            Script down = null;
            // with a duplicate version, the down goes to the first up of that version
            Path downPath = firstUp.get(version).equals(ups.get(i)) ? downs.remove(version) : null;
            if (downPath != null) {
                SourceFile downFile = SourceFile.read(downPath);
                Directives.checkDown(downFile, 1, downFile.lineCount() + 1, format());
                down = downFile.wholeScript();
            }
            // schema_migrations.version is a bigint: 000001 is recorded as 1
            String recorded = new BigInteger(name.group(1)).toString();
            out.add(new Migration(version, Sources.description(name.group(2)), MigrationKind.VERSIONED, format(),
                    ups.get(i), file.wholeScript(), down, options, file.text(), recorded));
        }
        for (Map.Entry<MigrationVersion, Path> orphan : downs.entrySet()) {
            problems.accept(LayoutProblem.layout(orphan.getValue(),
                    "has no up file: there is no " + orphan.getKey() + "_<name>.up.sql",
                    "add the up file it reverts, or delete the down file"));
        }
        return out;
    }
}
