package dev.bulwark.migration;

import dev.bulwark.BulwarkException;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * golang-migrate's layout: {@code <version>_<name>.up.sql} and an optional
 * {@code <version>_<name>.down.sql}, the version an unsigned integer.
 */
public final class GolangMigrateReader implements MigrationReader {
    static final Pattern FILE = Pattern.compile("^(\\d+)_(.*)\\.(up|down)\\.sql$");
    static final String EXPECTED = "<version>_<name>.up.sql and <version>_<name>.down.sql, the version in digits";
    /** golang-migrate's PostgreSQL driver keeps the version in a bigint column. */
    private static final BigInteger MAX_VERSION = BigInteger.valueOf(Long.MAX_VALUE);

    @Override
    public MigrationFormat format() {
        return MigrationFormat.GOLANG_MIGRATE;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        return Sources.list(dir).stream()
                .filter(Sources::isSqlFile)
                .map(Sources::name)
                .filter(n -> FILE.matcher(n).matches())
                .findFirst();
    }

    @Override
    public List<Migration> read(Path dir) {
        Sources.requireDirectory(dir);
        Map<MigrationVersion, Matcher> upNames = new LinkedHashMap<>();
        Map<MigrationVersion, Path> ups = new LinkedHashMap<>();
        Map<MigrationVersion, Path> downs = new LinkedHashMap<>();
        for (Path p : Sources.list(dir)) {
            if (!Sources.isSqlFile(p)) {
                continue;
            }
            Matcher m = FILE.matcher(Sources.name(p));
            if (!m.matches()) {
                throw Sources.misnamed(p, format(), EXPECTED);
            }
            if (new BigInteger(m.group(1)).compareTo(MAX_VERSION) > 0) {
                throw BulwarkException.usage(p + ": version " + m.group(1) + " is larger than golang-migrate can"
                        + " record (" + MAX_VERSION + ")", "renumber the migration with a smaller version");
            }
            MigrationVersion version = MigrationVersion.of(m.group(1));
            boolean up = m.group(3).equals("up");
            Path other = (up ? ups : downs).putIfAbsent(version, p);
            if (other != null) {
                throw Sources.duplicate("version " + version + " in ." + m.group(3) + ".sql files", other, p,
                        "give one of them another version; if one is already applied, renumber the other");
            }
            if (up) {
                upNames.put(version, m);
            }
        }
        List<Migration> out = new ArrayList<>();
        for (Map.Entry<MigrationVersion, Path> e : ups.entrySet()) {
            MigrationVersion version = e.getKey();
            SourceFile file = SourceFile.read(e.getValue());
            MigrationOptions options = Directives.options(file, 1, file.lineCount() + 1,
                    MigrationOptions.DEFAULT, format());
            Script down = null;
            Path downPath = downs.remove(version);
            if (downPath != null) {
                SourceFile downFile = SourceFile.read(downPath);
                Directives.checkDown(downFile, 1, downFile.lineCount() + 1, format());
                down = downFile.wholeScript();
            }
            Matcher name = upNames.get(version);
            // schema_migrations.version is a bigint: 000001 is recorded as 1
            String recorded = new BigInteger(name.group(1)).toString();
            out.add(new Migration(version, Sources.description(name.group(2)), MigrationKind.VERSIONED, format(),
                    e.getValue(), file.wholeScript(), down, options, file.text(), recorded));
        }
        if (!downs.isEmpty()) {
            Map.Entry<MigrationVersion, Path> orphan = downs.entrySet().iterator().next();
            throw BulwarkException.usage(
                    orphan.getValue() + " has no up file: there is no " + orphan.getKey() + "_<name>.up.sql",
                    "add the up file it reverts, or delete the down file");
        }
        return Sources.checkUnique(out);
    }
}
