package dev.bulwark.lint;

import dev.bulwark.catalog.LiveSizes;
import dev.bulwark.migration.Migration;

import java.util.ArrayList;
import java.util.List;

/**
 * With {@code --url}, the severity of a lock finding follows the size of the table it locks on
 * the real target: a lock on a table of a few megabytes is over in milliseconds, the same lock on
 * a table of gigabytes is an outage. Each adjusted finding says the size it was judged by.
 *
 * <ul>
 *   <li>at least {@value #LARGE_BYTES} bytes or {@value #LARGE_ROWS} rows: raised to error</li>
 *   <li>under {@value #SMALL_BYTES} bytes and {@value #SMALL_ROWS} rows: lowered one level</li>
 *   <li>in between: unchanged</li>
 * </ul>
 * The largest table the statement locks decides.
 */
public final class SizeSeverities {
    static final long LARGE_BYTES = 1L << 30;
    static final long LARGE_ROWS = 10_000_000L;
    static final long SMALL_BYTES = 10L << 20;
    static final long SMALL_ROWS = 100_000L;

    private SizeSeverities() {
    }

    public static LintResult apply(LintResult result, Linter.Analysis analysis, LiveSizes sizes) {
        if (sizes.tables().isEmpty()) {
            return result;
        }
        List<Finding> out = new ArrayList<>();
        for (Finding f : result.findings()) {
            out.add(Locks.LOCK_RULES.contains(f.ruleId()) ? adjust(f, result, analysis, sizes) : f);
        }
        return new LintResult(result.set(), out, result.rules());
    }

    private static Finding adjust(Finding f, LintResult result, Linter.Analysis analysis, LiveSizes sizes) {
        Migration m = result.set().migrations().stream().filter(x -> x.id().equals(f.migration())).findFirst().orElse(null);
        if (m == null) {
            return f;
        }
        Analyzed at = null;
        for (Analyzed a : f.part() == Finding.Part.DOWN ? analysis.downStatements(m) : analysis.statements(m)) {
            if (a.statement().line() <= f.line() && (at == null || a.statement().line() >= at.statement().line())) {
                at = a;
            }
        }
        if (at == null) {
            return f;
        }
        String largest = null;
        LiveSizes.Size size = null;
        for (Locks.Lock l : at.effect().locks()) {
            LiveSizes.Size s = find(sizes, l.table());
            if (s != null && (size == null || s.bytes() > size.bytes())) {
                size = s;
                largest = l.table();
            }
        }
        if (size == null) {
            return f;
        }
        boolean large = size.bytes() >= LARGE_BYTES || (size.rows() != null && size.rows() >= LARGE_ROWS);
        boolean small = size.bytes() < SMALL_BYTES && (size.rows() == null || size.rows() < SMALL_ROWS);
        Severity s = large ? Severity.ERROR : small && f.severity() != Severity.INFO ? Severity.values()[f.severity().ordinal() - 1]
                : f.severity();
        String note = " — on the target " + largest + " is " + size.describe()
                + (large ? ": the lock lasts long enough to be an outage" : small ? ": the lock is brief there" : "");
        return new Finding(f.ruleId(), s, f.file(), f.line(), f.column(), f.length(), f.message() + note, f.help(), f.migration(), f.part());
    }

    /** Lint names tables without a schema; the first schema that has one by that name. */
    private static LiveSizes.Size find(LiveSizes sizes, String table) {
        LiveSizes.Size s = sizes.of(table);
        if (s != null) {
            return s;
        }
        LiveSizes.Size pub = sizes.of("public." + table);
        if (pub != null) {
            return pub;
        }
        return sizes.tables().entrySet().stream().filter(e -> e.getKey().endsWith("." + table)).map(java.util.Map.Entry::getValue)
                .findFirst().orElse(null);
    }
}
