package dev.bulwark.sql;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

/** Input the splitter cannot take, with the exact position ({@code file:line:column}) in the message. */
public class SqlSyntaxException extends BulwarkException {
    private final String source;
    private final int line;
    private final int column;

    public SqlSyntaxException(String source, int line, int column, String problem, String fix) {
        super(ErrorCode.USAGE, source + ":" + line + ":" + column + ": " + problem, fix);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
