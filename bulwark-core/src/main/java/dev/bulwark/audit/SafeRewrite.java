package dev.bulwark.audit;

import dev.bulwark.catalog.TableRef;
import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.model.TableModel;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The safe form of a finding, written out: SQL to put in the migration instead, or the command
 * that repairs the project. Built from what lint recognized in the statement, so the names are the
 * statement's own; where no mechanical rewrite exists the rule's help is returned as text.
 */
final class SafeRewrite {
    /** @param kind the language of {@code text} ({@code sql}, {@code bash}, {@code python}, {@code ini}), or {@code text} for prose */
    record Fix(String text, String kind) {
        static Fix sql(String s) {
            return new Fix(s, "sql");
        }

        static Fix command(String s) {
            return new Fix(s, "bash");
        }

        static Fix text(String s) {
            return new Fix(s, "text");
        }
    }

    private SafeRewrite() {
    }

    /**
     * @param s     the statement the finding is about, or null for findings about files
     * @param end   the schema after every migration
     * @param heads Alembic heads, for multiple-heads
     */
    static Fix of(Finding f, Analyzed s, Migration m, List<Analyzed> up, SchemaModel end, List<String> heads, String relFile) {
        Recognized what = s == null ? null : s.what();
        String sql = s == null ? null : oneLine(s.statement().sql());
        switch (f.ruleId()) {
            case "require-concurrent-index" -> {
                if (what instanceof Recognized.CreateIndex ci && ci.table() != null) {
                    return Fix.sql("-- in a migration of its own, outside a transaction"
                            + (m != null && m.format() == MigrationFormat.ALEMBIC ? " (op.get_context().autocommit_block())" : "")
                            + "\nCREATE " + (ci.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS "
                            + (ci.name() == null ? "" : id(ci.name().name()) + " ") + "ON " + id(ci.table().name())
                            + " (" + ids(ci.columns()) + ");");
                }
            }
            case "require-concurrent-index-drop" -> {
                if (what instanceof Recognized.DropIndex di) {
                    return Fix.sql(di.names().stream().map(n -> "DROP INDEX CONCURRENTLY IF EXISTS " + id(n.name()) + ";")
                            .collect(Collectors.joining("\n")));
                }
            }
            case "constraint-not-valid" -> {
                if (what instanceof Recognized.AlterTable at) {
                    for (Recognized.Action a : at.actions()) {
                        if (a instanceof Recognized.AddConstraint ac && ac.constraint().name() != null) {
                            return Fix.sql(stripSemicolon(sql) + " NOT VALID;\n-- then, in the next migration (SHARE UPDATE EXCLUSIVE only):\n"
                                    + "ALTER TABLE " + id(at.table().name()) + " VALIDATE CONSTRAINT " + id(ac.constraint().name()) + ";");
                        }
                    }
                }
            }
            case "set-not-null" -> {
                if (what instanceof Recognized.AlterTable at) {
                    for (Recognized.Action a : at.actions()) {
                        if (a instanceof Recognized.SetNotNull sn) {
                            String t = id(at.table().name());
                            String c = id(sn.column());
                            String check = id(at.table().name() + "_" + sn.column() + "_not_null");
                            return Fix.sql("ALTER TABLE " + t + " ADD CONSTRAINT " + check + " CHECK (" + c + " IS NOT NULL) NOT VALID;\n"
                                    + "-- next migration:\nALTER TABLE " + t + " VALIDATE CONSTRAINT " + check + ";\n"
                                    + "-- next migration (PostgreSQL 12+ uses the check and skips the scan):\n"
                                    + "ALTER TABLE " + t + " ALTER COLUMN " + c + " SET NOT NULL;\nALTER TABLE " + t
                                    + " DROP CONSTRAINT " + check + ";");
                        }
                    }
                }
            }
            case "add-required-column" -> {
                if (what instanceof Recognized.AlterTable at) {
                    for (Recognized.Action a : at.actions()) {
                        if (a instanceof Recognized.AddColumn ac) {
                            String t = id(at.table().name());
                            String c = id(ac.column().name());
                            return Fix.sql("-- either a constant default (no rewrite since PostgreSQL 11):\n"
                                    + "ALTER TABLE " + t + " ADD COLUMN " + c + " " + ac.column().type() + " NOT NULL DEFAULT "
                                    + defaultFor(ac.column().type()) + ";\n"
                                    + "-- or nullable first, backfill in batches, then the CHECK sequence for NOT NULL:\n"
                                    + "ALTER TABLE " + t + " ADD COLUMN " + c + " " + ac.column().type() + ";");
                        }
                    }
                }
            }
            case "cascade-delete", "update-cascade", "cascade-chain" -> {
                TableModel.Constraint fk = fkFor(f, what, end);
                if (fk != null) {
                    return restrict(fk.name(), childOf(fk, end), fk, f.ruleId().equals("update-cascade"));
                }
            }
            case "fk-without-index" -> {
                TableModel.Constraint fk = fkFor(f, what, end);
                if (fk != null) {
                    String child = childOf(fk, end);
                    return Fix.sql("-- before the foreign key, in a migration of its own:\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "
                            + id(child + "_" + String.join("_", fk.columns()) + "_idx") + " ON " + id(child) + " ("
                            + ids(fk.columns()) + ");");
                }
            }
            case "missing-lock-timeout" -> {
                if (sql != null) {
                    return Fix.sql("SET lock_timeout = '2s';  -- fail fast instead of queueing every query behind this one\n" + sql
                            + (sql.endsWith(";") ? "" : ";"));
                }
            }
            case "unbounded-dml" -> {
                if (what instanceof Recognized.Dml d && d.table() != null) {
                    return Fix.sql("-- outside the DDL migration, in batches that each commit (repeat until 0 rows):\n"
                            + batched(sql, d));
                }
            }
            case "statements-after-access-exclusive", "validate-in-same-transaction", "several-hot-tables" -> {
                if (sql != null) {
                    return Fix.sql("-- move into a migration of its own, so the lock taken before it is released first:\n"
                            + sql + (sql.endsWith(";") ? "" : ";"));
                }
            }
            case "empty-migration" -> {
                if (m != null && m.format() == MigrationFormat.PRISMA) {
                    String folder = relFile.contains("/") ? relFile.substring(0, relFile.lastIndexOf('/')) : relFile;
                    return Fix.command("git rm -r " + folder + "   # if it was applied somewhere: prisma migrate resolve first");
                }
                if (m != null && m.toolData().containsKey(dev.bulwark.migration.AlembicReader.ERROR)) {
                    // no revision id: Alembic cannot have applied it anywhere, so removing it is safe
                    return Fix.command("git rm " + relFile + "   # or give it a revision header and real content");
                }
                // a version some database may have applied must stay: neutralise it instead of deleting it
                return Fix.sql("SELECT 1; -- intentionally empty: <why>; kept because databases may have applied this version");
            }
            case "multiple-heads" -> {
                if (heads.size() > 1) {
                    return Fix.command("alembic merge -m \"merge heads\" " + String.join(" ", heads));
                }
            }
            case "missing-down" -> {
                if (m != null && up != null) {
                    String down = inverseOf(up);
                    if (down != null) {
                        return Fix.sql("-- the down (" + (m.format() == MigrationFormat.ALEMBIC ? "downgrade()" : "down")
                                + ") that undoes the up:\n" + down);
                    }
                }
            }
            case "hardcoded-credentials" -> {
                // each tool reads the secret from somewhere else; all of them: rotate it, it is in the git history
                String name = relFile.contains("/") ? relFile.substring(relFile.lastIndexOf('/') + 1) : relFile;
                if (name.startsWith(".env")) {
                    return Fix.command("git rm --cached " + relFile + " && echo '" + name + "' >> .gitignore\n"
                            + "# then rotate the password: it stays in the git history");
                }
                if (name.equals("flyway.conf") || name.equals("flyway.toml")) {
                    return Fix.command("# delete flyway.password from " + relFile + ", rotate the password, and let Flyway read it:\n"
                            + "export FLYWAY_PASSWORD=...   # from the CI secret store");
                }
                if (name.equals("alembic.ini")) {
                    return Fix.command("# in " + relFile + ": drop the URL (env.py reads DATABASE_URL), then rotate the password\n"
                            + "sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url =|' " + relFile + "\n"
                            + "export DATABASE_URL='postgresql://USER@HOST:5432/DB'   # password in ~/.pgpass or PGPASSWORD");
                }
                return Fix.command("# remove the password from " + relFile + ", rotate it, read it from the environment:\n"
                        + "export DATABASE_URL='postgresql://USER@HOST:5432/DB'   # password in ~/.pgpass or PGPASSWORD");
            }
            case "drop-table", "drop-column", "truncate" -> {
                return Fix.command("bulwark verify --snapshot before.json   # record the data first; deploy snapshots what it drops");
            }
            default -> {
            }
        }
        return Fix.text(f.help());
    }

    /** The migration's down, from its up statements in reverse, or null when an up statement has no plain inverse. */
    static String inverseOf(List<Analyzed> up) {
        List<String> out = new ArrayList<>();
        for (int i = up.size() - 1; i >= 0; i--) {
            Recognized r = up.get(i).what();
            if (r instanceof Recognized.CreateTable ct) {
                out.add("DROP TABLE " + id(ct.table().name()) + ";");
            } else if (r instanceof Recognized.CreateIndex ci && ci.name() != null) {
                out.add("DROP INDEX CONCURRENTLY IF EXISTS " + id(ci.name().name()) + ";");
            } else if (r instanceof Recognized.AlterTable at) {
                for (Recognized.Action a : at.actions()) {
                    if (a instanceof Recognized.AddColumn ac) {
                        out.add("ALTER TABLE " + id(at.table().name()) + " DROP COLUMN " + id(ac.column().name()) + ";");
                    } else if (a instanceof Recognized.AddConstraint ac && ac.constraint().name() != null) {
                        out.add("ALTER TABLE " + id(at.table().name()) + " DROP CONSTRAINT " + id(ac.constraint().name()) + ";");
                    } else if (a instanceof Recognized.ValidateConstraint || a instanceof Recognized.SetDefault) {
                        continue; // undone with the constraint or column
                    } else {
                        return null;
                    }
                }
            } else if (r instanceof Recognized.Dml d && d.verb().equals("update")) {
                continue; // values of a column the down drops
            } else {
                return null;
            }
        }
        return out.isEmpty() ? null : String.join("\n", out);
    }

    private static Fix restrict(String name, String child, TableModel.Constraint fk, boolean update) {
        String cols = ids(fk.columns());
        String refCols = fk.refColumns() == null || fk.refColumns().isEmpty() ? "" : " (" + ids(fk.refColumns()) + ")";
        // One rewrite for both hazards of a key (Prisma writes ON DELETE CASCADE ON UPDATE CASCADE together):
        // deletes restricted when they cascaded, key updates back to NO ACTION.
        Recognized.FkAction del = fk.onDelete() == Recognized.FkAction.CASCADE || !update ? Recognized.FkAction.RESTRICT : fk.onDelete();
        String onDelete = del == Recognized.FkAction.NO_ACTION ? "" : " ON DELETE " + del.sql();
        Recognized.FkAction upd = fk.onUpdate() == null || fk.onUpdate() == Recognized.FkAction.CASCADE ? Recognized.FkAction.NO_ACTION : fk.onUpdate();
        String onUpdate = upd == Recognized.FkAction.NO_ACTION ? "" : " ON UPDATE " + upd.sql();
        String t = id(child);
        return Fix.sql("-- RESTRICT: deleting a parent row with " + child + " rows now fails; delete (or archive) them explicitly first\n"
                + "ALTER TABLE " + t + " DROP CONSTRAINT " + id(name) + ",\n    ADD CONSTRAINT " + id(name)
                + " FOREIGN KEY (" + cols + ") REFERENCES " + id(fk.refTable()) + refCols + onDelete + onUpdate + " NOT VALID;\n"
                + "ALTER TABLE " + t + " VALIDATE CONSTRAINT " + id(name) + ";");
    }

    /** The foreign key a cascade finding is about: the one its statement adds (for cascade-chain, the one entering the protected table). */
    private static TableModel.Constraint fkFor(Finding f, Recognized what, SchemaModel end) {
        List<String[]> added = new ArrayList<>(); // child, column list, parent
        if (what instanceof Recognized.CreateTable ct) {
            for (Recognized.ColumnDef c : ct.columns()) {
                for (Recognized.ConstraintDef d : c.constraints()) {
                    if (d.kind() == Recognized.ConstraintKind.FOREIGN_KEY) {
                        added.add(new String[]{ct.table().name(), c.name(), d.refTable()});
                    }
                }
            }
            for (Recognized.ConstraintDef d : ct.constraints()) {
                if (d.kind() == Recognized.ConstraintKind.FOREIGN_KEY) {
                    added.add(new String[]{ct.table().name(), String.join(",", d.columns()), d.refTable()});
                }
            }
        } else if (what instanceof Recognized.AlterTable at) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.AddConstraint ac && ac.constraint().kind() == Recognized.ConstraintKind.FOREIGN_KEY) {
                    added.add(new String[]{at.table().name(), String.join(",", ac.constraint().columns()), ac.constraint().refTable()});
                } else if (a instanceof Recognized.AddColumn ac) {
                    for (Recognized.ConstraintDef d : ac.column().constraints()) {
                        if (d.kind() == Recognized.ConstraintKind.FOREIGN_KEY) {
                            added.add(new String[]{at.table().name(), ac.column().name(), d.refTable()});
                        }
                    }
                }
            }
        }
        // the message names the FK as "child(cols) → parent"; cascade-chain names the protected table it enters
        String msg = f.message();
        java.util.regex.Matcher reaches = java.util.regex.Pattern.compile("it reaches (\\S+?),").matcher(msg);
        if (f.ruleId().equals("cascade-chain") && reaches.find()) {
            TableModel entered = end.table(reaches.group(1));
            if (entered != null) {
                for (TableModel.Constraint c : entered.constraints()) {
                    if (c.kind() == Recognized.ConstraintKind.FOREIGN_KEY && c.onDelete() == Recognized.FkAction.CASCADE) {
                        return c;
                    }
                }
            }
        }
        String[] best = null;
        for (String[] a : added) {
            if (msg.contains(a[0] + "(" + a[1].replace(",", ", ") + ") → " + a[2])
                    || f.ruleId().equals("cascade-chain") && msg.contains("it reaches " + a[0] + ",")) {
                best = a;
            }
        }
        if (best == null && f.ruleId().equals("cascade-chain") && !added.isEmpty()) {
            best = added.get(added.size() - 1);
        }
        if (best == null && added.size() == 1) {
            best = added.get(0);
        }
        if (best == null) {
            return null;
        }
        TableModel t = end.table(best[0]);
        if (t == null) {
            return null;
        }
        for (TableModel.Constraint c : t.constraints()) {
            if (c.kind() == Recognized.ConstraintKind.FOREIGN_KEY && best[2].equals(c.refTable())
                    && String.join(",", c.columns()).equals(best[1])) {
                return c;
            }
        }
        return null;
    }

    private static String childOf(TableModel.Constraint fk, SchemaModel end) {
        for (TableModel t : end.tables()) {
            if (t.constraints().contains(fk)) {
                return t.name();
            }
        }
        return "?";
    }

    private static String batched(String sql, Recognized.Dml d) {
        String t = id(d.table().name());
        if (d.verb().equals("update")) {
            String set = sql.replaceFirst("(?is)^\\s*update\\s+\\S+\\s+set\\s+", "").replaceFirst(";\\s*$", "");
            return "UPDATE " + t + " SET " + set + "\n WHERE ctid IN (SELECT ctid FROM " + t + " WHERE /* not yet done */ true LIMIT 10000);";
        }
        return "DELETE FROM " + t + " WHERE ctid IN (SELECT ctid FROM " + t + " LIMIT 10000);";
    }

    private static String defaultFor(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        if (t.contains("int") || t.contains("numeric") || t.contains("decimal")) {
            return "0";
        }
        if (t.contains("bool")) {
            return "false";
        }
        if (t.contains("time") || t.contains("date")) {
            return "now()";
        }
        return "'<value>'";
    }

    static String id(String name) {
        return TableRef.display(name);
    }

    private static String ids(List<String> names) {
        return names.stream().map(SafeRewrite::id).collect(Collectors.joining(", "));
    }

    static String oneLine(String sql) {
        return sql.strip();
    }

    private static String stripSemicolon(String s) {
        return s.strip().replaceFirst(";\\s*$", "");
    }
}
