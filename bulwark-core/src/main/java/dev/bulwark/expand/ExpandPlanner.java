package dev.bulwark.expand;

import dev.bulwark.BulwarkException;
import dev.bulwark.expand.ExpandPlan.Kind;
import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.model.TableModel;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognizers;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationOptions.Phase;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;
import dev.bulwark.sql.analysis.StatementAnalysis;
import dev.bulwark.sql.analysis.StatementEffect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one migration of the user's, in the schema folded from the migrations before it, and
 * turns its breaking change into an {@link ExpandPlan}: expand migrations that keep the old
 * application working (each can be rolled back), and contract migrations that run once the new
 * release is out. Every step holds its strong locks only for catalog changes, never across a scan
 * or a rewrite: scans run under SHARE UPDATE EXCLUSIVE (VALIDATE), CONCURRENTLY, or as a backfill
 * in batches ({@code -- bulwark:backfill}).
 */
public final class ExpandPlanner {
    /** The lock_timeout written into the contract migrations: their ACCESS EXCLUSIVE must be short or not at all. */
    public static final String CONTRACT_LOCK_TIMEOUT = "2s";

    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
    /** Words PostgreSQL reserves as column or table names: written quoted. */
    private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
            "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
            "current_date", "current_role", "current_time", "current_timestamp", "current_user", "default", "deferrable",
            "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group",
            "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp",
            "not", "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
            "session_user", "some", "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "user",
            "using", "variadic", "when", "where", "window", "with");
    private static final int MAX_IDENTIFIER = 63;

    private ExpandPlanner() {
    }

    /**
     * The plan for {@code target}'s breaking change.
     *
     * @param ordered every migration of the folder, in order ({@code target} among them): the ones
     *                before it give the schema the change is read in
     * @throws BulwarkException (usage) when the migration is not one change a plan is made for
     */
    public static ExpandPlan plan(List<Migration> ordered, Migration target, int pgMajor) {
        SchemaModel model = new SchemaModel();
        for (Migration m : ordered) {
            if (m.id().equals(target.id()) && m.location().equals(target.location())) {
                break;
            }
            List<Statement> statements;
            try {
                statements = SqlSplitter.split(m.up().sql(), m.location().getFileName().toString(), m.up().firstLine());
            } catch (RuntimeException unreadable) {
                continue; // lint reports it; the plan goes on with what the other migrations say
            }
            for (Statement s : statements) {
                model.apply(Recognizers.recognize(s), m.id());
            }
        }
        String file = target.location().getFileName().toString();
        List<Statement> statements = SqlSplitter.split(target.up().sql(), file, target.up().firstLine()).stream()
                .filter(s -> !(Recognizers.recognize(s) instanceof Recognized.TransactionControl)).toList();
        if (statements.size() != 1) {
            throw BulwarkException.usage(file + " has " + statements.size() + " statements; a plan is made from a migration"
                            + " with one breaking change",
                    "move the change into a migration of its own (bulwark new), then run bulwark plan on that file");
        }
        Statement s = statements.get(0);
        Recognized r = Recognizers.recognize(s);
        StatementEffect effect = StatementAnalysis.analyze(s, r, model, target.id(), pgMajor);
        if (!(r instanceof Recognized.AlterTable at) || at.actions().size() != 1) {
            throw notPlannable(s, "it is not an ALTER TABLE with one action");
        }
        String table = at.table().name();
        TableModel t = model.table(table);
        if (t != null && target.id().equals(t.createdBy())) {
            throw notPlannable(s, "the migration creates " + table + " itself: a new table has no rows or readers to protect");
        }
        Planner p = new Planner(s, table, t, pgMajor);
        Recognized.Action a = at.actions().get(0);
        ExpandPlan plan;
        if (a instanceof Recognized.AlterColumnType act) {
            plan = p.typeChange(act);
        } else if (a instanceof Recognized.RenameAction ra && ra.what().equals("column")) {
            plan = p.rename(ra);
        } else if (a instanceof Recognized.SetNotNull sn) {
            plan = p.setNotNull(sn.column());
        } else if (a instanceof Recognized.AddColumn ac && ac.column().defaultExpr() != null
                && dev.bulwark.sql.analysis.Volatility.volatileCall(ac.column().defaultExpr()) != null) {
            plan = p.volatileDefault(ac);
        } else if (a instanceof Recognized.AddConstraint ac && ac.constraint().kind() == Recognized.ConstraintKind.UNIQUE
                && !ac.constraint().usingIndex()) {
            plan = p.unique(ac);
        } else if (a instanceof Recognized.AddConstraint ac && ac.constraint().kind() == Recognized.ConstraintKind.FOREIGN_KEY
                && !ac.constraint().notValid()) {
            plan = p.foreignKey(ac);
        } else {
            throw notPlannable(s, "a plan is made for a column type change, a column rename, SET NOT NULL, ADD COLUMN with a"
                    + " volatile DEFAULT, and ADD CONSTRAINT UNIQUE or FOREIGN KEY");
        }
        if (effect.rows().stream().anyMatch(row -> !row.existing())) {
            throw notPlannable(s, "the table is new in this migration");
        }
        return plan;
    }

    private static BulwarkException notPlannable(Statement s, String why) {
        return BulwarkException.usage(s.position() + ": no expand/contract plan for this statement: " + why,
                "bulwark plan reads a migration whose one statement is a type change, a column rename, SET NOT NULL, ADD"
                        + " COLUMN … DEFAULT <volatile>, or ADD CONSTRAINT … UNIQUE / FOREIGN KEY on an existing table");
    }

    /** An identifier as SQL: bare when PostgreSQL reads it back unchanged, else quoted. */
    static String ident(String name) {
        return PLAIN.matcher(name).matches() && !RESERVED.contains(name) ? name : Identifiers.quote(name);
    }

    /** A table name as the model keys it ({@code schema.table} or {@code table}) as SQL. */
    static String tableSql(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? ident(table) : ident(table.substring(0, dot)) + "." + ident(table.substring(dot + 1));
    }

    /** A name PostgreSQL keeps whole: at most 63 bytes (ASCII names here), cut from the end. */
    static String fit(String name) {
        return name.length() <= MAX_IDENTIFIER ? name : name.substring(0, MAX_IDENTIFIER);
    }

    /** Builds the plans for one statement. */
    private static final class Planner {
        private final Statement s;
        private final String table;
        private final String t;
        private final String bare;
        private final TableModel model;
        private final int pgMajor;
        private final List<String> notes = new ArrayList<>();

        Planner(Statement s, String table, TableModel model, int pgMajor) {
            this.s = s;
            this.table = table;
            this.t = tableSql(table);
            this.bare = table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
            this.model = model;
            this.pgMajor = pgMajor;
            if (model == null) {
                notes.add("the migrations before this one do not create " + table + ": the plan assumes it exists, with a"
                        + " primary key for the backfill's batches");
            } else if (model.constraints().stream().noneMatch(c -> c.kind() == Recognized.ConstraintKind.PRIMARY_KEY)) {
                notes.add(table + " has no primary key in the migrations read: the backfill needs one to split the table into"
                        + " batches");
            }
        }

        /** The text of the statement from token {@code from} up to and including token {@code to}. */
        private String text(int from, int to) {
            List<Token> tokens = s.tokens();
            int base = tokens.get(0).offset();
            return s.sql().substring(tokens.get(from).offset() - base, tokens.get(to).endOffset() - base);
        }

        private int indexOf(Token token) {
            for (int i = 0; i < s.tokens().size(); i++) {
                if (s.tokens().get(i) == token || s.tokens().get(i).offset() == token.offset()) {
                    return i;
                }
            }
            throw new IllegalStateException("token not in statement: " + token);
        }

        private TableModel.Column column(String c) {
            return model == null ? null : model.column(c);
        }

        private void requireFree(String column) {
            if (model != null && model.column(column) != null) {
                throw BulwarkException.usage(s.position() + ": the plan needs a column named " + column + " on " + table
                                + ", and the table has one already",
                        "rename or drop " + table + "." + column + " first, or write the phases by hand");
            }
        }

        private void refuseKeyColumn(String column) {
            if (model != null && model.constraints().stream().anyMatch(c -> c.kind() == Recognized.ConstraintKind.PRIMARY_KEY
                    && c.columns().contains(column))) {
                throw BulwarkException.usage(s.position() + ": " + table + "." + column + " is part of the primary key; a plan"
                                + " that swaps key columns would have to move every foreign key that references it",
                        "change a key column in a maintenance window, or write the phases by hand");
            }
        }

        /** Notes for the indexes and constraints on {@code column} that stay with the old column. */
        private void dependents(String column, String fate) {
            if (model == null) {
                notes.add("indexes, constraints, defaults and views on " + table + "." + column + " are not in the migrations read:"
                        + " check them on the database; " + fate);
                return;
            }
            for (TableModel.Index i : model.indexes()) {
                if (i.columns().contains(column)) {
                    notes.add("index " + i.name() + " is on " + column + ": " + fate + "; add its twin on the new column with"
                            + " CREATE INDEX CONCURRENTLY in the expand phase");
                }
            }
            for (TableModel.Constraint c : model.constraints()) {
                if (c.columns() != null && c.columns().contains(column) && c.kind() != Recognized.ConstraintKind.NOT_NULL) {
                    notes.add("constraint " + c.name() + " is on " + column + ": " + fate + "; add it on the new column"
                            + " (NOT VALID, then VALIDATE) in the expand phase");
                }
            }
            notes.add("a DEFAULT, view or function that names " + column + " is not carried over: the plan cannot see them");
        }

        private String notNullCheck(String column) {
            return fit(bare + "_" + column + "_not_null");
        }

        private String syncName(String column) {
            return fit("bulwark_sync_" + bare + "_" + column);
        }

        private static List<String> list(String... items) {
            return List.of(items);
        }

        private ExpandPlan plan(Kind kind, List<PlannedMigration> migrations, String givesUp) {
            return new ExpandPlan(kind, s.position(), s.sql(), table, migrations, notes, givesUp);
        }

        // ---------------------------------------------------------------- type change

        ExpandPlan typeChange(Recognized.AlterColumnType act) {
            String c = act.column();
            refuseKeyColumn(c);
            String cNew = fit(c + "_new");
            String cOld = fit(c + "_old");
            requireFree(cNew);
            requireFree(cOld);
            // the new type as written, and the USING expression when there is one
            int typeStart = indexOf(act.typeToken());
            int end = s.tokens().size() - 1;
            int using = -1;
            for (int i = typeStart; i <= end; i++) {
                if (s.tokens().get(i).isWord("using")) {
                    using = i;
                    break;
                }
            }
            String type = text(typeStart, using < 0 ? end : using - 1);
            String conversion = using < 0 ? ident(c) : text(using + 1, end);
            String triggerConversion = using < 0 ? "NEW." + ident(c) : qualifyNew(using + 1, end, c);
            TableModel.Column old = column(c);
            boolean notNull = old != null && old.notNull();
            if (old == null && model != null) {
                throw BulwarkException.usage(s.position() + ": " + table + " has no column " + c + " in the migrations read",
                        "check the column's name");
            }
            String fn = syncName(c);
            String check = notNullCheck(cNew);
            dependents(c, "it stays with the old column (" + cOld + ") and goes when that is dropped");
            if (old == null) {
                notes.add("whether " + c + " is NOT NULL is not in the migrations read: the plan treats it as nullable");
            }
            List<PlannedMigration> out = new ArrayList<>();
            out.add(new PlannedMigration(Phase.EXPAND, "expand " + bare + " " + c + " add " + cNew,
                    "adds " + cNew + " " + type + " and a trigger that sets it from " + c + " on every insert and update"
                            + (notNull ? ", with a NOT VALID check that it is not null" : "")
                            + " (catalog changes only: ACCESS EXCLUSIVE for milliseconds)",
                    list(),
                    syncFunction(fn, "    NEW." + ident(cNew) + " := " + triggerConversion + ";\n")
                            + syncTrigger(fn)
                            + "ALTER TABLE " + t + " ADD COLUMN " + ident(cNew) + " " + type
                            + (notNull ? ",\n    ADD CONSTRAINT " + ident(check) + " CHECK (" + ident(cNew) + " IS NOT NULL) NOT VALID"
                            : "") + ";\n",
                    "DROP TRIGGER IF EXISTS " + ident(fn) + " ON " + t + ";\n"
                            + "DROP FUNCTION IF EXISTS " + ident(fn) + "();\n"
                            + "ALTER TABLE " + t + " DROP COLUMN IF EXISTS " + ident(cNew) + ";\n"));
            out.add(backfill("backfill " + bare + " " + cNew,
                    "copies " + c + " into " + cNew + " for the rows written before the trigger, in key-range batches",
                    "UPDATE " + t + " SET " + ident(cNew) + " = " + conversion + " WHERE " + ident(cNew) + " IS NULL;\n"));
            if (notNull) {
                out.add(validate(check, cNew));
            }
            out.add(new PlannedMigration(Phase.CONTRACT, "contract " + bare + " " + c + " swap to " + cNew,
                    "in one short transaction under ACCESS EXCLUSIVE (lock_timeout " + CONTRACT_LOCK_TIMEOUT + ", no scan, no rewrite):"
                            + " drops the trigger, renames " + c + " to " + cOld + " and " + cNew + " to " + c
                            + (notNull ? ", and sets NOT NULL through the validated check" : ""),
                    list("lock-timeout " + CONTRACT_LOCK_TIMEOUT),
                    "DROP TRIGGER " + ident(fn) + " ON " + t + ";\n"
                            + "DROP FUNCTION " + ident(fn) + "();\n"
                            + (notNull ? "ALTER TABLE " + t + " ALTER COLUMN " + ident(cNew) + " SET NOT NULL;\n"
                            + "ALTER TABLE " + t + " DROP CONSTRAINT " + ident(check) + ";\n"
                            + "-- bulwark:ignore ban-drop-not-null the old column stops receiving writes at the swap\n"
                            + "ALTER TABLE " + t + " ALTER COLUMN " + ident(c) + " DROP NOT NULL;\n" : "")
                            + "-- bulwark:ignore rename the new release reads " + c + " after the swap as before it\n"
                            + "ALTER TABLE " + t + " RENAME COLUMN " + ident(c) + " TO " + ident(cOld) + ";\n"
                            + "-- bulwark:ignore rename the swap gives the new column the old name in the same transaction\n"
                            + "ALTER TABLE " + t + " RENAME COLUMN " + ident(cNew) + " TO " + ident(c) + ";\n",
                    null));
            out.add(new PlannedMigration(Phase.CONTRACT, "contract " + bare + " drop " + cOld,
                    "drops " + cOld + ", which nothing writes since the swap (ACCESS EXCLUSIVE for milliseconds; no rewrite)."
                            + " Delete this file and write it again later if you want to keep the old values a while",
                    list("lock-timeout " + CONTRACT_LOCK_TIMEOUT),
                    "-- bulwark:ignore drop-column the expand/contract plan swapped " + c + " to its new type; this is the old copy\n"
                            + "ALTER TABLE " + t + " DROP COLUMN " + ident(cOld) + ";\n",
                    null));
            notes.add(0, "between the two deploys, release the application; it may keep writing " + c + " (the trigger copies it)."
                    + " After the swap " + c + " is " + type + (conversion.equals(ident(c)) ? "" : ", computed by " + conversion));
            if (notNull && pgMajor < 12) {
                notes.add("PostgreSQL " + pgMajor + " scans the table for SET NOT NULL even with a validated check: the swap"
                        + " holds ACCESS EXCLUSIVE for that scan");
            }
            return plan(Kind.TYPE_CHANGE, out, "the swap cannot be rolled back: writes after it reach only the new "
                    + type + " column, so the old one no longer holds the truth; dropping " + cOld + " then removes the old values");
        }

        /** The USING expression with each bare reference to {@code column} read from the trigger's NEW row. */
        private String qualifyNew(int from, int to, String column) {
            StringBuilder out = new StringBuilder();
            List<Token> tokens = s.tokens();
            int base = tokens.get(0).offset();
            int pos = tokens.get(from).offset() - base;
            for (int i = from; i <= to; i++) {
                Token k = tokens.get(i);
                boolean ref = (k.kind() == TokenKind.WORD || k.kind() == TokenKind.QUOTED_IDENTIFIER) && k.value().equals(column)
                        && (i == from || !tokens.get(i - 1).isPunctuation('.'))
                        && (i == to || !tokens.get(i + 1).isPunctuation('('));
                if (ref) {
                    out.append(s.sql(), pos, k.offset() - base).append("NEW.").append(ident(column));
                    pos = k.endOffset() - base;
                }
            }
            out.append(s.sql(), pos, tokens.get(to).endOffset() - base);
            return out.toString();
        }

        private String syncFunction(String fn, String body) {
            return "CREATE FUNCTION " + ident(fn) + "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n" + body
                    + "    RETURN NEW;\nEND\n$$;\n";
        }

        /** The trigger is created before the column it fills: in the same transaction, so no write sees it without the column. */
        private String syncTrigger(String fn) {
            return "-- bulwark:ignore trigger-on-existing the trigger keeps the new column in step until the contract phase\n"
                    + "CREATE TRIGGER " + ident(fn) + " BEFORE INSERT OR UPDATE ON " + t
                    + " FOR EACH ROW EXECUTE FUNCTION " + ident(fn) + "();\n";
        }

        private PlannedMigration backfill(String name, String purpose, String update) {
            return new PlannedMigration(Phase.EXPAND, name, purpose + " (row locks only, each batch its own transaction)",
                    list("no-transaction"), "-- bulwark:backfill\n" + update, "");
        }

        private PlannedMigration validate(String check, String column) {
            return new PlannedMigration(Phase.EXPAND, "validate " + bare + " " + column + " not null",
                    "validates " + check + " (scans the table under SHARE UPDATE EXCLUSIVE: reads and writes go on)",
                    list(), "ALTER TABLE " + t + " VALIDATE CONSTRAINT " + ident(check) + ";\n", "");
        }

        // ---------------------------------------------------------------- rename

        ExpandPlan rename(Recognized.RenameAction ra) {
            String a = ra.from();
            String b = ra.to();
            refuseKeyColumn(a);
            requireFree(b);
            TableModel.Column old = column(a);
            if (old == null) {
                throw BulwarkException.usage(s.position() + ": the migrations before this one do not say what type " + table + "."
                        + a + " has, and the new column needs it", "run bulwark plan in the folder that creates " + table
                        + ", or write the phases by hand");
            }
            boolean notNull = old.notNull();
            String fn = syncName(b);
            String check = notNullCheck(b);
            dependents(a, "it goes when " + a + " is dropped");
            String A = ident(a);
            String B = ident(b);
            List<PlannedMigration> out = new ArrayList<>();
            out.add(new PlannedMigration(Phase.EXPAND, "expand " + bare + " add " + b,
                    "adds " + b + " " + old.type() + " and a trigger that keeps " + a + " and " + b + " equal whichever one"
                            + " a writer sets (catalog changes only: ACCESS EXCLUSIVE for milliseconds)",
                    list(),
                    syncFunction(fn, "    IF TG_OP = 'INSERT' THEN\n"
                            + "        IF NEW." + B + " IS NULL THEN NEW." + B + " := NEW." + A + "; ELSE NEW." + A + " := NEW." + B + "; END IF;\n"
                            + "    ELSIF NEW." + A + " IS DISTINCT FROM OLD." + A + " THEN\n"
                            + "        NEW." + B + " := NEW." + A + ";\n"
                            + "    ELSIF NEW." + B + " IS DISTINCT FROM OLD." + B + " THEN\n"
                            + "        NEW." + A + " := NEW." + B + ";\n"
                            + "    END IF;\n")
                            + syncTrigger(fn)
                            + "ALTER TABLE " + t + " ADD COLUMN " + B + " " + old.type()
                            + (notNull ? ",\n    ADD CONSTRAINT " + ident(check) + " CHECK (" + B + " IS NOT NULL) NOT VALID" : "")
                            + ";\n",
                    "DROP TRIGGER IF EXISTS " + ident(fn) + " ON " + t + ";\n"
                            + "DROP FUNCTION IF EXISTS " + ident(fn) + "();\n"
                            + "ALTER TABLE " + t + " DROP COLUMN IF EXISTS " + B + ";\n"));
            out.add(backfill("backfill " + bare + " " + b, "copies " + a + " into " + b + " for the rows written before the trigger",
                    "UPDATE " + t + " SET " + B + " = " + A + " WHERE " + B + " IS NULL AND " + A + " IS NOT NULL;\n"));
            if (notNull) {
                out.add(validate(check, b));
            }
            out.add(new PlannedMigration(Phase.CONTRACT, "contract " + bare + " drop " + a,
                    "in one short transaction under ACCESS EXCLUSIVE (lock_timeout " + CONTRACT_LOCK_TIMEOUT + ", no scan):"
                            + " drops the trigger and " + a + (notNull ? ", and sets " + b + " NOT NULL through the validated check" : ""),
                    list("lock-timeout " + CONTRACT_LOCK_TIMEOUT),
                    "DROP TRIGGER " + ident(fn) + " ON " + t + ";\n"
                            + "DROP FUNCTION " + ident(fn) + "();\n"
                            + (notNull ? "ALTER TABLE " + t + " ALTER COLUMN " + B + " SET NOT NULL;\n"
                            + "ALTER TABLE " + t + " DROP CONSTRAINT " + ident(check) + ";\n" : "")
                            + "-- bulwark:ignore drop-column the expand/contract plan renamed " + a + " to " + b + "; its values are in " + b + "\n"
                            + "ALTER TABLE " + t + " DROP COLUMN " + A + ";\n",
                    null));
            notes.add(0, "between the two deploys, release the application that reads and writes " + b + "; until then old and new"
                    + " releases can run side by side (the trigger keeps both columns equal)");
            return plan(Kind.RENAME_COLUMN, out, "dropping " + a + " cannot be rolled back: a release still using " + a + " fails");
        }

        // ---------------------------------------------------------------- SET NOT NULL

        ExpandPlan setNotNull(String c) {
            TableModel.Column col = column(c);
            if (col != null && col.notNull()) {
                throw notPlannable(s, table + "." + c + " is NOT NULL already");
            }
            String check = notNullCheck(c);
            List<PlannedMigration> out = new ArrayList<>();
            out.add(new PlannedMigration(Phase.EXPAND, "expand " + bare + " " + c + " not null check",
                    "adds CHECK (" + c + " IS NOT NULL) NOT VALID: new writes are checked at once, old rows not yet"
                            + " (catalog change only: ACCESS EXCLUSIVE for milliseconds)",
                    list(),
                    "ALTER TABLE " + t + " ADD CONSTRAINT " + ident(check) + " CHECK (" + ident(c) + " IS NOT NULL) NOT VALID;\n",
                    "ALTER TABLE " + t + " DROP CONSTRAINT IF EXISTS " + ident(check) + ";\n"));
            out.add(validate(check, c));
            out.add(new PlannedMigration(Phase.CONTRACT, "contract " + bare + " " + c + " set not null",
                    "sets NOT NULL, which PostgreSQL 12+ proves from the validated check without a scan, and drops the check"
                            + " (ACCESS EXCLUSIVE for milliseconds, lock_timeout " + CONTRACT_LOCK_TIMEOUT + ")",
                    list("lock-timeout " + CONTRACT_LOCK_TIMEOUT),
                    "ALTER TABLE " + t + " ALTER COLUMN " + ident(c) + " SET NOT NULL;\n"
                            + "ALTER TABLE " + t + " DROP CONSTRAINT " + ident(check) + ";\n",
                    "-- bulwark:ignore ban-drop-not-null this down reverts the plan's own SET NOT NULL\n"
                            + "ALTER TABLE " + t + " ALTER COLUMN " + ident(c) + " DROP NOT NULL;\n"
                            + "ALTER TABLE " + t + " ADD CONSTRAINT " + ident(check) + " CHECK (" + ident(c) + " IS NOT NULL) NOT VALID;\n"));
            notes.add(0, "the expand phase already refuses new NULLs in " + c + ": release an application that always writes it"
                    + " before deploying; VALIDATE fails (and rolls back) if old rows still hold NULL: fill them first");
            if (pgMajor < 12) {
                notes.add("PostgreSQL " + pgMajor + " scans the table for SET NOT NULL even with a validated check");
            }
            return plan(Kind.SET_NOT_NULL, out, "nothing is lost: the contract's down drops NOT NULL again");
        }

        // ---------------------------------------------------------------- ADD COLUMN … DEFAULT volatile

        ExpandPlan volatileDefault(Recognized.AddColumn ac) {
            Recognized.ColumnDef def = ac.column();
            String c = def.name();
            requireFree(c);
            if (!def.constraints().stream().allMatch(k -> k.kind() == Recognized.ConstraintKind.NOT_NULL)
                    || def.generatedStored() || def.identity()) {
                throw notPlannable(s, "the column has constraints besides NOT NULL and DEFAULT: add them in statements of their own");
            }
            String check = notNullCheck(c);
            String C = ident(c);
            List<PlannedMigration> out = new ArrayList<>();
            out.add(new PlannedMigration(Phase.EXPAND, "expand " + bare + " add " + c,
                    "adds " + c + " without a default (no rewrite), then the default for new rows"
                            + (def.notNull() ? ", and a NOT VALID check that it is not null" : "")
                            + " (catalog changes only: ACCESS EXCLUSIVE for milliseconds)",
                    list(),
                    "ALTER TABLE " + t + " ADD COLUMN " + C + " " + def.type() + ";\n"
                            + "ALTER TABLE " + t + " ALTER COLUMN " + C + " SET DEFAULT " + def.defaultExpr() + ";\n"
                            + (def.notNull() ? "ALTER TABLE " + t + " ADD CONSTRAINT " + ident(check) + " CHECK (" + C
                            + " IS NOT NULL) NOT VALID;\n" : ""),
                    "-- bulwark:ignore drop-column this down reverts the plan's own new column\n"
                            + "ALTER TABLE " + t + " DROP COLUMN IF EXISTS " + C + ";\n"));
            out.add(backfill("backfill " + bare + " " + c, "gives the existing rows a value of " + def.defaultExpr(),
                    "UPDATE " + t + " SET " + C + " = " + def.defaultExpr() + " WHERE " + C + " IS NULL;\n"));
            if (def.notNull()) {
                out.add(validate(check, c));
                out.add(new PlannedMigration(Phase.CONTRACT, "contract " + bare + " " + c + " set not null",
                        "sets NOT NULL from the validated check without a scan, and drops the check (ACCESS EXCLUSIVE for"
                                + " milliseconds, lock_timeout " + CONTRACT_LOCK_TIMEOUT + ")",
                        list("lock-timeout " + CONTRACT_LOCK_TIMEOUT),
                        "ALTER TABLE " + t + " ALTER COLUMN " + C + " SET NOT NULL;\n"
                                + "ALTER TABLE " + t + " DROP CONSTRAINT " + ident(check) + ";\n",
                        "-- bulwark:ignore ban-drop-not-null this down reverts the plan's own SET NOT NULL\n"
                                + "ALTER TABLE " + t + " ALTER COLUMN " + C + " DROP NOT NULL;\n"
                                + "ALTER TABLE " + t + " ADD CONSTRAINT " + ident(check) + " CHECK (" + C + " IS NOT NULL) NOT VALID;\n"));
                notes.add(0, "between the two deploys nothing needs releasing unless the application must never see a NULL "
                        + c + ": it is NULL only for old rows until the backfill reaches them");
            } else {
                notes.add(0, "there is no contract phase: the column is nullable as asked; old rows read NULL until the backfill"
                        + " reaches them");
            }
            notes.add("each existing row gets its own value of " + def.defaultExpr() + ", evaluated when the backfill reaches it,"
                    + " as a volatile default evaluated per row would give");
            return plan(Kind.VOLATILE_DEFAULT, out, def.notNull() ? "nothing is lost: the contract's down drops NOT NULL again"
                    : "there is no contract phase");
        }

        // ---------------------------------------------------------------- constraints

        ExpandPlan unique(Recognized.AddConstraint ac) {
            Recognized.ConstraintDef k = ac.constraint();
            String name = k.name() != null ? k.name() : fit(bare + "_" + String.join("_", k.columns()) + "_key");
            String cols = String.join(", ", k.columns().stream().map(ExpandPlanner::ident).toList());
            List<PlannedMigration> out = new ArrayList<>();
            out.add(new PlannedMigration(Phase.EXPAND, "expand " + bare + " unique index " + name,
                    "builds the unique index CONCURRENTLY (SHARE UPDATE EXCLUSIVE: reads and writes go on; fails and is dropped"
                            + " if duplicates exist)",
                    list("no-transaction"),
                    "CREATE UNIQUE INDEX CONCURRENTLY " + ident(name) + " ON " + t + " (" + cols + ");\n",
                    "DROP INDEX CONCURRENTLY IF EXISTS " + indexSql(name) + ";\n"));
            out.add(new PlannedMigration(Phase.CONTRACT, "contract " + bare + " unique " + name,
                    "turns the index into the constraint (ACCESS EXCLUSIVE for milliseconds, no scan, lock_timeout "
                            + CONTRACT_LOCK_TIMEOUT + ")",
                    list("lock-timeout " + CONTRACT_LOCK_TIMEOUT),
                    "ALTER TABLE " + t + " ADD CONSTRAINT " + ident(name) + " UNIQUE USING INDEX " + ident(name) + ";\n",
                    "ALTER TABLE " + t + " DROP CONSTRAINT " + ident(name) + ";\n"));
            notes.add(0, "the unique index refuses duplicates as soon as it is built: release an application that handles the"
                    + " unique violation before the first deploy");
            return plan(Kind.ADD_UNIQUE, out, "nothing is lost; the contract's down drops the constraint and its index with it");
        }

        private String indexSql(String name) {
            return table.contains(".") ? ident(table.substring(0, table.indexOf('.'))) + "." + ident(name) : ident(name);
        }

        ExpandPlan foreignKey(Recognized.AddConstraint ac) {
            Recognized.ConstraintDef k = ac.constraint();
            String name = k.name() != null ? k.name() : fit(bare + "_" + String.join("_", k.columns()) + "_fkey");
            int from = indexOf(ac.at()) + 1; // after ADD
            String def = text(from, s.tokens().size() - 1);
            if (k.name() == null) {
                def = "CONSTRAINT " + ident(name) + " " + def;
            }
            List<PlannedMigration> out = new ArrayList<>();
            out.add(new PlannedMigration(Phase.EXPAND, "expand " + bare + " foreign key " + name,
                    "adds the foreign key NOT VALID: new writes are checked at once, old rows not yet (SHARE ROW EXCLUSIVE on both"
                            + " tables for milliseconds)",
                    list(),
                    "ALTER TABLE " + t + " ADD " + def + " NOT VALID;\n",
                    "ALTER TABLE " + t + " DROP CONSTRAINT IF EXISTS " + ident(name) + ";\n"));
            out.add(new PlannedMigration(Phase.CONTRACT, "contract " + bare + " validate " + name,
                    "validates the foreign key (scans under SHARE UPDATE EXCLUSIVE: reads and writes go on; fails and rolls back"
                            + " if an old row has no parent)",
                    list(),
                    "ALTER TABLE " + t + " VALIDATE CONSTRAINT " + ident(name) + ";\n",
                    ""));
            if (model != null && !model.hasIndexLeadingWith(k.columns())) {
                notes.add("no index leads with " + String.join(", ", k.columns()) + ": deletes on " + k.refTable() + " will scan "
                        + table + "; add one with CREATE INDEX CONCURRENTLY");
            }
            notes.add(0, "the expand phase refuses new rows without a parent at once: release an application that never writes"
                    + " them before the first deploy");
            return plan(Kind.ADD_FOREIGN_KEY, out, "nothing is lost; the constraint stays NOT VALID if the contract is rolled back");
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
