package dev.bulwark.migration;

import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.SqlSyntaxException;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * goose's layout: one file {@code <version>_<name>.sql} per migration with a {@code -- +goose Up} and
 * an optional {@code -- +goose Down} section; {@code -- +goose StatementBegin} / {@code StatementEnd}
 * around a statement that holds semicolons (a function body), {@code -- +goose NO TRANSACTION} for a
 * migration that runs outside a transaction, both ways. Go migrations ({@code <version>_<name>.go})
 * are layout problems: Bulwark cannot read them.
 *
 * <p>Annotations are read as goose's own parser reads them (pressly/goose,
 * {@code internal/sqlparser/parser.go}): a line starting with {@code --} whose rest, trimmed, is
 * exactly {@code +goose Up} etc.; only blank lines and comments before the Up annotation; outside a
 * StatementBegin/End block a statement ends at a line whose last word (before a {@code --} comment)
 * ends with {@code ;}. Bulwark splits statements with its PostgreSQL lexer; where goose's line rule
 * would cut a statement in two (a dollar-quoted body not wrapped in StatementBegin/End), that is a
 * layout problem, since goose would send half a statement.
 */
public final class GooseReader implements LenientReader {
    /** {@code "true"} when the file has {@code -- +goose ENVSUBST ON}; absent otherwise. */
    public static final String ENVSUBST = "goose.envsubst";

    /** goose's {@code NumericComponent}: digits up to the first {@code _}. */
    static final Pattern FILE = Pattern.compile("^(\\d+)_(.*)\\.sql$");
    static final Pattern CODE = Pattern.compile("^\\d+_.*\\.go$");
    static final String EXPECTED = "<version>_<name>.sql with -- +goose Up (and -- +goose Down), the version in digits";
    private static final Pattern UP_MARKER = Pattern.compile("(?m)^--\\s*\\+goose Up\\s*$");

    @Override
    public MigrationFormat format() {
        return MigrationFormat.GOOSE;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        return Sources.firstWithMarker(dir, UP_MARKER, "-- +goose Up");
    }

    @Override
    public List<Migration> read(Path dir, Consumer<LayoutProblem> problems) {
        Sources.requireDirectory(dir);
        List<Migration> out = new ArrayList<>();
        for (Path p : Sources.list(dir)) {
            Matcher m = Sources.sqlNamed(p, n -> CODE.matcher(n).matches() && !n.endsWith("_test.go"), "Go", FILE, format(),
                    EXPECTED, problems);
            if (m == null) {
                continue;
            }
            BigInteger v = new BigInteger(m.group(1));
            if (v.signum() == 0) {
                problems.accept(LayoutProblem.layout(p, "has version 0, which goose refuses (its version table"
                        + " holds 0 for the empty database)", "renumber the migration from 1"));
                continue;
            }
            Sources.fitsBigint(p, m.group(1), "goose", "version_id", problems);
            Migration read = readFile(p, m.group(1), m.group(2), problems);
            if (read != null) {
                out.add(read);
            }
        }
        return Sources.checkUnique(out, problems);
    }

    private enum State { START, UP, BEGIN_UP, END_UP, DOWN, BEGIN_DOWN, END_DOWN }

    private Migration readFile(Path path, String version, String name, Consumer<LayoutProblem> problems) {
        SourceFile file = SourceFile.read(path);
        State state = State.START;
        int upLine = 0;
        int downLine = 0;
        boolean noTransaction = false;
        boolean envsubst = false;
        int bufferFrom = 0;
        boolean cut = false;
        String fix = "write the annotations as goose expects: -- +goose Up, then the SQL, then -- +goose Down and its SQL";
        for (int n = 1; n <= file.lineCount(); n++) {
            String line = file.line(n);
            if (state == State.START && line.isBlank()) {
                continue;
            }
            if (line.startsWith("--")) {
                String cmd = line.substring(2).strip();
                boolean handled = true;
                switch (cmd) {
                    case "+goose Up" -> {
                        if (state != State.START) {
                            return refuse(problems, path, n, "a second -- +goose Up", fix);
                        }
                        state = State.UP;
                        upLine = n;
                    }
                    case "+goose Down" -> {
                        if (state != State.UP && state != State.END_UP) {
                            return refuse(problems, path, n, state == State.START ? "-- +goose Down before -- +goose Up"
                                    : state == State.BEGIN_UP ? "-- +goose Down inside a StatementBegin block"
                                    : "a second -- +goose Down", fix);
                        }
                        if (bufferFrom != 0) {
                            return refuse(problems, path, bufferFrom, "a statement that never ends with ; before"
                                    + " -- +goose Down (goose: missing semicolon)", "end the statement with ;");
                        }
                        state = State.DOWN;
                        downLine = n;
                    }
                    case "+goose StatementBegin" -> {
                        if (state == State.UP || state == State.END_UP) {
                            state = State.BEGIN_UP;
                        } else if (state == State.DOWN || state == State.END_DOWN) {
                            state = State.BEGIN_DOWN;
                        } else {
                            return refuse(problems, path, n, "-- +goose StatementBegin "
                                    + (state == State.START ? "before -- +goose Up" : "inside another StatementBegin block"), fix);
                        }
                    }
                    case "+goose StatementEnd" -> {
                        if (state == State.BEGIN_UP) {
                            state = State.END_UP;
                        } else if (state == State.BEGIN_DOWN) {
                            state = State.END_DOWN;
                        } else {
                            return refuse(problems, path, n, "-- +goose StatementEnd without a StatementBegin", fix);
                        }
                        handled = false; // goose goes on with this line: it ends the block's statement
                    }
                    case "+goose NO TRANSACTION" -> noTransaction = true;
                    case "+goose ENVSUBST ON" -> envsubst = true;
                    case "+goose ENVSUBST OFF" -> {
                    }
                    default -> handled = false;
                }
                if (handled) {
                    continue;
                }
            }
            boolean ending = state == State.END_UP || state == State.END_DOWN;
            if (bufferFrom == 0 && !ending) {
                if (line.strip().startsWith("--") || line.isEmpty()) {
                    continue;
                }
            }
            if (state == State.START) {
                return refuse(problems, path, n, "SQL before -- +goose Up, which goose refuses", "move it below -- +goose Up,"
                        + " or delete it");
            }
            if (ending) {
                bufferFrom = 0; // the block is one statement, whatever its semicolons
                state = state == State.END_UP ? State.UP : State.DOWN;
                continue;
            }
            if (bufferFrom == 0) {
                bufferFrom = n;
            }
            if ((state == State.UP || state == State.DOWN) && endsWithSemicolon(line)) {
                // one report per file: the rest of a cut file is cut at the wrong places too; ${VAR} is not SQL yet
                if (!cut && !envsubst) {
                    cut = checkCut(file, bufferFrom, n, problems);
                }
                bufferFrom = 0;
            }
        }
        if (state == State.START) {
            return refuse(problems, path, 1, "no -- +goose Up annotation, which goose requires", fix);
        }
        if (state == State.BEGIN_UP || state == State.BEGIN_DOWN) {
            return refuse(problems, path, file.lineCount(), "a -- +goose StatementBegin never closed by StatementEnd",
                    "add -- +goose StatementEnd after the statement");
        }
        if (bufferFrom != 0) {
            return refuse(problems, path, bufferFrom, "a statement that never ends with ; (goose: missing semicolon)",
                    "end the statement with ;");
        }
        if (envsubst) {
            problems.accept(LayoutProblem.layout(path, "turns on -- +goose ENVSUBST: goose fills in ${VAR} from its"
                            + " environment, which Bulwark does not, so what Bulwark reads is not what goose runs",
                    "write the values into the SQL, or apply this migration with goose itself"));
        }
        int end = file.lineCount() + 1;
        int upEnd = downLine != 0 ? downLine : end;
        MigrationOptions base = MigrationOptions.DEFAULT;
        if (noTransaction) {
            base = base.withTransactional(false);
        }
        MigrationOptions options = Directives.options(file, 1, upEnd, base, format());
        Script down = null;
        if (downLine != 0) {
            Directives.checkDown(file, downLine + 1, end, format());
            down = file.script(downLine + 1, end);
        }
        // goose_db_version.version_id is a bigint: 00001 is recorded as 1
        String recorded = new BigInteger(version).toString();
        return new Migration(MigrationVersion.of(version), Sources.description(name), MigrationKind.VERSIONED, format(),
                path, file.script(upLine + 1, upEnd), down, options, file.text(), recorded,
                envsubst ? Map.of(ENVSUBST, "true") : Map.of());
    }

    /**
     * A statement goose ends at {@code to}: when PostgreSQL's lexer finds a quote, dollar quote or
     * parenthesis still open there, goose cuts a statement in two and sends half of it.
     */
    private boolean checkCut(SourceFile file, int from, int to, Consumer<LayoutProblem> problems) {
        try {
            SqlSplitter.split(file.lines(from, to + 1), file.path().toString(), from);
            return false;
        } catch (SqlSyntaxException e) {
            problems.accept(LayoutProblem.layout(file.path(), "line " + to + ": goose ends a statement at this line's ;,"
                            + " but the statement begun on line " + from + " goes on (" + problem(e) + "), so goose"
                            + " would send half of it",
                    "wrap the statement in -- +goose StatementBegin and -- +goose StatementEnd"));
            return true;
        }
    }

    /** The splitter's message without its {@code file:line:column: } prefix. */
    private static String problem(SqlSyntaxException e) {
        String prefix = e.source() + ":" + e.line() + ":" + e.column() + ": ";
        String message = e.getMessage();
        return message.startsWith(prefix) ? "line " + e.line() + ": " + message.substring(prefix.length()) : message;
    }

    private static Migration refuse(Consumer<LayoutProblem> problems, Path path, int line, String what, String fix) {
        problems.accept(LayoutProblem.layout(path, "line " + line + ": " + what, fix));
        return null;
    }

    /** goose's {@code endsWithSemicolon}: the last word before a {@code --} word ends with {@code ;}. */
    static boolean endsWithSemicolon(String line) {
        String prev = "";
        for (String word : line.strip().split("\\s+")) {
            if (word.startsWith("--")) {
                break;
            }
            prev = word;
        }
        return prev.endsWith(";");
    }
}
