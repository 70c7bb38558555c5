package dev.bulwark.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the {@code op.*} calls of an Alembic function body into the SQL Alembic would send,
 * each statement on the line (and column) of its call. Calls it does not model are left out:
 * lint only ever misses them, never misreports them.
 */
final class AlembicOps {
    private AlembicOps() {
    }

    static String toSql(String src, int start, int end, Map<String, String> data, boolean up) {
        String body = src.substring(start, end);
        int lineOffset = PyCalls.lineOf(src, start) - 1;
        TreeMap<Integer, String> byLine = new TreeMap<>();
        Map<Integer, Integer> columns = new TreeMap<>();
        Map<String, String> constants = constants(src);
        java.util.Set<Integer> readLines = new java.util.HashSet<>();
        List<PyCalls.Call> calls = new ArrayList<>(PyCalls.find(body, "op."));
        // conn.execute(…), op.get_bind().execute(…), session.execute(…): SQL sent on the migration's connection
        PyCalls.find(body, ".").stream().filter(c -> c.name().equals("execute")).forEach(calls::add);
        java.util.regex.Matcher receiver = java.util.regex.Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*)\\.execute\\s*\\(").matcher(body);
        java.util.Set<String> receivers = new java.util.TreeSet<>();
        while (receiver.find()) {
            if (!receiver.group(1).equals("op")) {
                receivers.add(receiver.group(1));
            }
        }
        for (String r : receivers) {
            PyCalls.find(body, r + ".").stream().filter(c -> c.name().equals("execute")).forEach(calls::add);
        }
        calls.sort(java.util.Comparator.comparingInt(PyCalls.Call::line).thenComparingInt(PyCalls.Call::column));
        String unread = null;
        for (PyCalls.Call call : calls) {
            String sql = sql(call, constants);
            int line = call.line() + lineOffset;
            if (sql != null) {
                byLine.merge(line, sql, (a, b) -> a + "; " + b);
                columns.putIfAbsent(line, call.column());
                readLines.add(line);
            } else if (!NOT_OPERATIONS.contains(call.name()) && unread == null) {
                unread = line + ":" + (call.name().equals("execute")
                        ? "execute(…) with SQL that is not a literal" : "op." + call.name() + "(…)") + " at line " + line;
            }
        }
        String[] lines = body.split("\n", -1);
        if (unread == null) {
            unread = unreadHelpersOrLoops(src, lines, lineOffset, readLines);
        }
        if (up && unread != null) {
            data.put(AlembicReader.UNREAD, unread);
        }
        List<String> autocommit = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String ignore = AlembicReader.ignoreComment(lines[i]);
            if (ignore != null) {
                byLine.merge(i + 1 + lineOffset, ignore, (a, b) -> b + "\n" + a);
                columns.putIfAbsent(i + 1 + lineOffset, 1);
            }
            if (lines[i].contains("autocommit_block()")) {
                int indent = indent(lines[i]);
                int j = i + 1;
                while (j < lines.length && (lines[j].isBlank() || indent(lines[j]) > indent)) {
                    j++;
                }
                while (j > i + 1 && lines[j - 1].isBlank()) {
                    j--;
                }
                autocommit.add((i + 2 + lineOffset) + "-" + (j + lineOffset));
            }
        }
        if (!autocommit.isEmpty()) {
            data.merge(AlembicReader.AUTOCOMMIT, String.join(",", autocommit), (a, b) -> a + "," + b);
        }
        StringBuilder out = new StringBuilder();
        int line = 1;
        for (Map.Entry<Integer, String> e : byLine.entrySet()) {
            while (line < e.getKey()) {
                out.append('\n');
                line++;
            }
            String text = e.getValue();
            boolean comment = text.startsWith("-- ");
            if (!comment) {
                out.append(" ".repeat(Math.max(0, columns.getOrDefault(e.getKey(), 1) - 1)));
            }
            out.append(text).append(comment ? "" : ";");
            line += (int) text.chars().filter(c -> c == '\n').count();
        }
        return out.toString();
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** op.* calls that issue no operation of their own. */
    private static final java.util.Set<String> NOT_OPERATIONS = java.util.Set.of("get_bind", "get_context", "f",
            "inline_literal", "implementation_for", "invoke", "run_async", "batch_alter_table");

    /**
     * Module-level and local assignments of a string literal or {@code sa.text("…")}:
     * {@code SQL = """UPDATE …"""}, so {@code op.execute(SQL)} can be read.
     */
    static Map<String, String> constants(String src) {
        Map<String, String> out = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^[ \\t]*([A-Za-z_][A-Za-z0-9_]*)[ \\t]*(?::[^=\\n]*)?=[ \\t]*(?=[rRuUbB]*['\"]|(?:sa\\.|sqlalchemy\\.)?text\\()")
                .matcher(src);
        while (m.find()) {
            int start = m.end();
            int end = start;
            if (src.startsWith("text(", start) || src.startsWith("sa.text(", start) || src.startsWith("sqlalchemy.text(", start)) {
                int open = src.indexOf('(', start);
                end = PyCalls.matching(src, open) + 1;
            } else {
                while (end < src.length() && "rRuUbB".indexOf(src.charAt(end)) >= 0) {
                    end++;
                }
                end = PyCalls.skipString(src, end);
            }
            String expr = src.substring(start, Math.min(end, src.length()));
            String value = literalSql(expr);
            if (value != null) {
                out.put(m.group(1), value);
            }
        }
        return out;
    }

    /** The SQL of a string literal or {@code sa.text("…")}, else null. */
    private static String literalSql(String expr) {
        String arg = expr.trim();
        String s = PyCalls.string(arg);
        if (s == null) {
            int open = arg.indexOf('(');
            if (open > 0 && arg.substring(0, open).matches("(sa\\.|sqlalchemy\\.)?text")) {
                s = PyCalls.string(arg.substring(open + 1, PyCalls.matching(arg, open)));
            }
        }
        return s;
    }

    /** Work issued from loops or module-level helper functions, which the op.* reading cannot follow. */
    private static String unreadHelpersOrLoops(String src, String[] lines, int lineOffset, java.util.Set<Integer> readLines) {
        java.util.Set<String> helpers = new java.util.HashSet<>();
        java.util.regex.Matcher d = java.util.regex.Pattern.compile("(?m)^def\\s+(\\w+)\\s*\\(").matcher(src);
        while (d.find()) {
            if (!d.group(1).equals("upgrade") && !d.group(1).equals("downgrade")) {
                helpers.add(d.group(1));
            }
        }
        for (int i = 0; i < lines.length; i++) {
            String code = lines[i].replaceAll("#.*$", "").trim();
            if (code.isEmpty() || readLines.contains(i + 1 + lineOffset)) {
                continue;
            }
            java.util.regex.Matcher call = java.util.regex.Pattern.compile("^(?:\\w+\\s*=\\s*)?(\\w+)\\s*\\(").matcher(code);
            if (call.find() && helpers.contains(call.group(1))) {
                return (i + 1 + lineOffset) + ":the helper " + call.group(1) + "() at line " + (i + 1 + lineOffset);
            }
        }
        return null;
    }

    /** {@code op.f("…")} / {@code f("…")}: Alembic's mark on a name the naming convention already made. */
    private static final java.util.regex.Pattern OP_F = java.util.regex.Pattern.compile("(?s)(?:op\\.)?f\\s*\\((.*)\\)");

    /**
     * A name argument: a string literal, or one wrapped in {@code op.f(…)}, which autogenerate writes
     * around every index and constraint name ({@code op.drop_index(op.f("ix_users_email"), …)}).
     */
    private static String name(String arg) {
        String s = PyCalls.string(arg);
        if (s != null) {
            return s;
        }
        java.util.regex.Matcher m = OP_F.matcher(arg.trim());
        return m.matches() ? PyCalls.string(m.group(1)) : null;
    }

    private static String sql(PyCalls.Call call, Map<String, String> constants) {
        List<String> args = call.positional();
        Map<String, String> kw = call.keywords();
        String a0 = args.size() > 0 ? name(args.get(0)) : null;
        String a1 = args.size() > 1 ? PyCalls.string(args.get(1)) : null;
        switch (call.name()) {
            case "execute": {
                if (args.isEmpty()) {
                    return null;
                }
                String arg = args.get(0).trim();
                String s = PyCalls.string(arg);
                if (s == null && arg.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    s = constants.get(arg);
                }
                if (s == null) {
                    int open = arg.indexOf('(');
                    if (open > 0 && arg.substring(0, open).matches("(sa\\.|sqlalchemy\\.)?text")) {
                        s = PyCalls.string(arg.substring(open + 1, PyCalls.matching(arg, open)));
                    }
                }
                return s == null ? null : s.trim().replaceAll(";\\s*$", "");
            }
            case "create_table": {
                if (a0 == null) {
                    return null;
                }
                List<String> defs = new ArrayList<>();
                for (String a : args.subList(1, args.size())) {
                    String d = a.contains("Column(") && a.trim().matches("(sa\\.)?Column\\(.*") || a.trim().startsWith("sa.Column(")
                            ? column(a) : constraint(a);
                    if (d != null) {
                        defs.add(d);
                    }
                }
                return "CREATE TABLE " + a0 + " (" + String.join(", ", defs) + ")";
            }
            case "drop_table":
                return a0 == null ? null : "DROP TABLE " + a0;
            case "rename_table":
                return a0 == null || a1 == null ? null : "ALTER TABLE " + a0 + " RENAME TO " + a1;
            case "add_column": {
                if (a0 == null || args.size() < 2) {
                    return null;
                }
                String c = column(args.get(1));
                return c == null ? null : "ALTER TABLE " + a0 + " ADD COLUMN " + c;
            }
            case "drop_column":
                return a0 == null || a1 == null ? null : "ALTER TABLE " + a0 + " DROP COLUMN " + a1;
            case "alter_column": {
                if (a0 == null || a1 == null) {
                    return null;
                }
                List<String> actions = new ArrayList<>();
                if (kw.containsKey("type_")) {
                    actions.add("ALTER COLUMN " + a1 + " TYPE " + type(kw.get("type_"))
                            + (kw.containsKey("postgresql_using") ? " USING " + PyCalls.string(kw.get("postgresql_using")) : ""));
                }
                if ("False".equals(kw.get("nullable"))) {
                    actions.add("ALTER COLUMN " + a1 + " SET NOT NULL");
                } else if ("True".equals(kw.get("nullable"))) {
                    actions.add("ALTER COLUMN " + a1 + " DROP NOT NULL");
                }
                if (kw.containsKey("server_default")) {
                    String d = defaultValue(kw.get("server_default"));
                    actions.add("ALTER COLUMN " + a1 + (d == null ? " DROP DEFAULT" : " SET DEFAULT " + d));
                }
                String sql = actions.isEmpty() ? null : "ALTER TABLE " + a0 + " " + String.join(", ", actions);
                if (kw.containsKey("new_column_name")) {
                    String rename = "ALTER TABLE " + a0 + " RENAME COLUMN " + a1 + " TO " + PyCalls.string(kw.get("new_column_name"));
                    sql = sql == null ? rename : sql + "; " + rename;
                }
                return sql;
            }
            case "create_index": {
                if (args.size() < 3) {
                    return null;
                }
                String table = a1;
                boolean unique = "True".equals(kw.get("unique"));
                boolean concurrently = "True".equals(kw.get("postgresql_concurrently"));
                String where = kw.containsKey("postgresql_where") ? " WHERE " + text(kw.get("postgresql_where")) : "";
                return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + (concurrently ? "CONCURRENTLY " : "")
                        + (a0 == null ? "" : a0 + " ") + "ON " + table + " (" + String.join(", ", PyCalls.strings(args.get(2)))
                        + ")" + where;
            }
            case "drop_index":
                return a0 == null ? null : "DROP INDEX " + ("True".equals(kw.get("postgresql_concurrently"))
                        ? "CONCURRENTLY " : "") + a0;
            case "create_foreign_key": {
                if (args.size() < 5) {
                    return null;
                }
                String name = a0;
                String ref = PyCalls.string(args.get(2));
                return "ALTER TABLE " + a1 + " ADD " + (name == null ? "" : "CONSTRAINT " + name + " ") + "FOREIGN KEY ("
                        + String.join(", ", PyCalls.strings(args.get(3))) + ") REFERENCES " + ref + " ("
                        + String.join(", ", PyCalls.strings(args.get(4))) + ")" + actions(kw)
                        + ("False".equals(kw.get("postgresql_not_valid")) || !kw.containsKey("postgresql_not_valid") ? "" : " NOT VALID");
            }
            case "create_unique_constraint":
                return args.size() < 3 ? null : "ALTER TABLE " + a1 + " ADD " + (a0 == null ? "" : "CONSTRAINT " + a0 + " ")
                        + "UNIQUE (" + String.join(", ", PyCalls.strings(args.get(2))) + ")";
            case "create_primary_key":
                return args.size() < 3 ? null : "ALTER TABLE " + a1 + " ADD " + (a0 == null ? "" : "CONSTRAINT " + a0 + " ")
                        + "PRIMARY KEY (" + String.join(", ", PyCalls.strings(args.get(2))) + ")";
            case "create_check_constraint":
                return args.size() < 3 ? null : "ALTER TABLE " + a1 + " ADD " + (a0 == null ? "" : "CONSTRAINT " + a0 + " ")
                        + "CHECK (" + text(args.get(2)) + ")";
            case "drop_constraint":
                return a0 == null || a1 == null ? null : "ALTER TABLE " + a1 + " DROP CONSTRAINT " + a0;
            default:
                return null;
        }
    }

    private static String actions(Map<String, String> kw) {
        String out = "";
        if (kw.containsKey("ondelete")) {
            out += " ON DELETE " + PyCalls.string(kw.get("ondelete")).toUpperCase(Locale.ROOT);
        }
        if (kw.containsKey("onupdate")) {
            out += " ON UPDATE " + PyCalls.string(kw.get("onupdate")).toUpperCase(Locale.ROOT);
        }
        return out;
    }

    private static String text(String expr) {
        String s = PyCalls.string(expr);
        if (s != null) {
            return s;
        }
        int open = expr.indexOf('(');
        return open > 0 ? PyCalls.string(expr.substring(open + 1, PyCalls.matching(expr, open))) : expr;
    }

    /** {@code sa.Column('name', sa.Type, sa.ForeignKey('t.c', ondelete=…), nullable=False, …)}. */
    static String column(String expr) {
        int open = expr.indexOf('(');
        if (open < 0) {
            return null;
        }
        PyCalls.Call c = new PyCalls.Call("Column", expr.substring(open + 1, PyCalls.matching(expr, open)), 0, 0, 0);
        List<String> args = c.positional();
        Map<String, String> kw = c.keywords();
        if (args.isEmpty() || PyCalls.string(args.get(0)) == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(PyCalls.string(args.get(0)));
        String type = args.size() > 1 && !args.get(1).contains("ForeignKey(") ? type(args.get(1)) : "text";
        b.append(' ').append(type);
        if ("True".equals(kw.get("primary_key"))) {
            b.append(" PRIMARY KEY");
        } else if ("False".equals(kw.get("nullable"))) {
            b.append(" NOT NULL");
        }
        if (kw.containsKey("server_default")) {
            String d = defaultValue(kw.get("server_default"));
            if (d != null) {
                b.append(" DEFAULT ").append(d);
            }
        }
        if ("True".equals(kw.get("unique"))) {
            b.append(" UNIQUE");
        }
        for (String a : args) {
            if (a.contains("ForeignKey(")) {
                int o = a.indexOf('(');
                PyCalls.Call fk = new PyCalls.Call("ForeignKey", a.substring(o + 1, PyCalls.matching(a, o)), 0, 0, 0);
                String target = fk.positional().isEmpty() ? null : PyCalls.string(fk.positional().get(0));
                if (target != null && target.contains(".")) {
                    int dot = target.lastIndexOf('.');
                    b.append(" REFERENCES ").append(target, 0, dot).append(" (").append(target.substring(dot + 1)).append(')')
                            .append(actions(fk.keywords()));
                }
            }
        }
        return b.toString();
    }

    private static String constraint(String expr) {
        String e = expr.trim();
        int open = e.indexOf('(');
        if (open < 0) {
            return null;
        }
        String kind = e.substring(0, open).replaceFirst("^(sa|sqlalchemy)\\.", "");
        PyCalls.Call c = new PyCalls.Call(kind, e.substring(open + 1, PyCalls.matching(e, open)), 0, 0, 0);
        List<String> args = c.positional();
        Map<String, String> kw = c.keywords();
        String name = kw.containsKey("name") ? "CONSTRAINT " + PyCalls.string(kw.get("name")) + " " : "";
        switch (kind) {
            case "ForeignKeyConstraint": {
                if (args.size() < 2) {
                    return null;
                }
                List<String> targets = PyCalls.strings(args.get(1));
                if (targets.isEmpty() || !targets.get(0).contains(".")) {
                    return null;
                }
                String t = targets.get(0).substring(0, targets.get(0).lastIndexOf('.'));
                List<String> cols = targets.stream().map(x -> x.substring(x.lastIndexOf('.') + 1)).toList();
                return name + "FOREIGN KEY (" + String.join(", ", PyCalls.strings(args.get(0))) + ") REFERENCES " + t
                        + " (" + String.join(", ", cols) + ")" + actions(kw);
            }
            case "PrimaryKeyConstraint":
                return name + "PRIMARY KEY (" + String.join(", ", args.stream().map(PyCalls::string).toList()) + ")";
            case "UniqueConstraint":
                return name + "UNIQUE (" + String.join(", ", args.stream().map(PyCalls::string).toList()) + ")";
            case "CheckConstraint":
                return args.isEmpty() ? null : name + "CHECK (" + text(args.get(0)) + ")";
            default:
                return null;
        }
    }

    private static String defaultValue(String expr) {
        String e = expr.trim();
        if (e.equals("None")) {
            return null;
        }
        // sa.true(), sa.false(), sa.func.now(), sa.text("…"), sa.literal_column("…")
        String bare = e.replaceFirst("^(sa|sqlalchemy)\\.(sql\\.)?(expression\\.)?", "");
        if (bare.equals("true()")) {
            return "true";
        }
        if (bare.equals("false()")) {
            return "false";
        }
        if (bare.equals("null()")) {
            return null;
        }
        java.util.regex.Matcher func = java.util.regex.Pattern.compile("^func\\.(\\w+)\\((.*)\\)$", java.util.regex.Pattern.DOTALL)
                .matcher(bare);
        if (func.matches()) {
            String fargs = String.join(", ", PyCalls.split(func.group(2)).stream()
                    .map(a -> PyCalls.string(a) != null ? "'" + PyCalls.string(a).replace("'", "''") + "'" : a.trim()).toList());
            return func.group(1).toLowerCase(Locale.ROOT) + "(" + fargs + ")";
        }
        if (bare.startsWith("literal_column(")) {
            return text(bare.substring("literal_".length()));
        }
        if (e.matches("-?[0-9]+(\\.[0-9]+)?")) {
            return e;
        }
        String s = PyCalls.string(expr);
        if (s != null) {
            return "'" + s.replace("'", "''") + "'";
        }
        return text(expr);
    }

    /** SQLAlchemy type expressions as PostgreSQL types. */
    static String type(String expr) {
        String e = expr.trim().replaceFirst("^(sa|sqlalchemy|postgresql|pg|sa\\.dialects\\.postgresql)\\.", "")
                .replaceFirst("^(types|dialects\\.postgresql)\\.", "");
        String name = e.contains("(") ? e.substring(0, e.indexOf('(')) : e;
        String args = e.contains("(") ? e.substring(e.indexOf('(') + 1, PyCalls.matching(e, e.indexOf('('))) : "";
        List<String> pos = PyCalls.split(args).stream().filter(a -> PyCalls.keyword(a) == null).toList();
        return switch (name) {
            case "Integer", "INTEGER" -> "int";
            case "BigInteger", "BIGINT" -> "bigint";
            case "SmallInteger", "SMALLINT" -> "smallint";
            case "String", "VARCHAR", "Unicode" -> pos.isEmpty() ? "varchar" : "varchar(" + pos.get(0) + ")";
            case "Text", "TEXT", "UnicodeText" -> "text";
            case "Boolean", "BOOLEAN" -> "boolean";
            case "DateTime", "TIMESTAMP" -> args.contains("timezone=True") ? "timestamptz" : "timestamp";
            case "Date" -> "date";
            case "Time" -> "time";
            case "Interval" -> "interval";
            case "Float", "FLOAT" -> "float8";
            case "Numeric", "NUMERIC", "DECIMAL" -> pos.isEmpty() ? "numeric" : "numeric(" + String.join(", ", pos) + ")";
            case "JSON" -> "json";
            case "JSONB" -> "jsonb";
            case "UUID", "Uuid" -> "uuid";
            case "LargeBinary" -> "bytea";
            case "Enum" -> "text";
            case "ARRAY" -> "text[]";
            default -> name.toLowerCase(Locale.ROOT);
        };
    }
}
