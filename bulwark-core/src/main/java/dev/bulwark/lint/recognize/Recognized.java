package dev.bulwark.lint.recognize;

import dev.bulwark.sql.Token;

import java.util.List;

/**
 * What a statement does, as far as lint needs to know. Each statement family has its own record;
 * a statement that needs no modelling (GRANT, CREATE FUNCTION, SELECT, …) is {@link Opaque}, which
 * rules simply skip; one that could not be read at all is {@link Unreadable}, which lint reports.
 */
public sealed interface Recognized {

    /** ON DELETE / ON UPDATE actions of a foreign key. */
    enum FkAction {
        NO_ACTION, RESTRICT, CASCADE, SET_NULL, SET_DEFAULT;

        public String sql() {
            return name().replace('_', ' ');
        }
    }

    enum ConstraintKind { PRIMARY_KEY, UNIQUE, CHECK, FOREIGN_KEY, EXCLUDE, NOT_NULL }

    /**
     * A table or column constraint.
     *
     * @param name       its name, or null when PostgreSQL will generate one
     * @param columns    constrained columns (for a column constraint, that column)
     * @param refTable   referenced table (FK), else null
     * @param checkExpr  the CHECK expression's text, else null
     * @param usingIndex {@code USING INDEX name} given (UNIQUE/PK)
     * @param at         the token the constraint starts at
     */
    record ConstraintDef(String name, ConstraintKind kind, List<String> columns, String refTable,
                         List<String> refColumns, FkAction onDelete, FkAction onUpdate, boolean notValid,
                         boolean usingIndex, String checkExpr, Token at) {
    }

    /**
     * A column definition.
     *
     * @param type           normalized type text, e.g. {@code varchar(255)}, {@code timestamp}
     * @param defaultExpr    the DEFAULT expression's text, else null
     * @param generatedStored {@code GENERATED ALWAYS AS (…) STORED}
     * @param identity       {@code GENERATED … AS IDENTITY}
     */
    record ColumnDef(String name, String type, Token typeToken, boolean notNull, String defaultExpr,
                     boolean generatedStored, boolean identity, List<ConstraintDef> constraints, Token at) {
    }

    record CreateTable(Name table, boolean ifNotExists, List<ColumnDef> columns, List<ConstraintDef> constraints,
                       boolean partitioned, Name partitionOf, boolean asSelect) implements Recognized {
    }

    record AlterTable(Name table, boolean ifExists, List<Action> actions) implements Recognized {
    }

    /** One action of an ALTER TABLE. */
    sealed interface Action {
        Token at();
    }

    record AddColumn(ColumnDef column, boolean ifNotExists, Token at) implements Action {
    }

    record DropColumn(String column, boolean ifExists, boolean cascade, Token at) implements Action {
    }

    /** @param usingExpr the {@code USING} expression as written, or null without one */
    record AlterColumnType(String column, String type, Token typeToken, String usingExpr, Token at) implements Action {
        public boolean using() {
            return usingExpr != null;
        }
    }

    record SetNotNull(String column, Token at) implements Action {
    }

    record DropNotNull(String column, Token at) implements Action {
    }

    record SetDefault(String column, String expr, Token at) implements Action {
    }

    record AddConstraint(ConstraintDef constraint, Token at) implements Action {
    }

    record ValidateConstraint(String name, Token at) implements Action {
    }

    record DropConstraint(String name, boolean cascade, Token at) implements Action {
    }

    /**
     * RENAME COLUMN a TO b ({@code what} "column"), RENAME TO b ("table", {@code from} null), RENAME CONSTRAINT
     * ("constraint"), SET SCHEMA s ("schema", {@code from} null, {@code to} the schema).
     */
    record RenameAction(String what, String from, String to, Token at) implements Action {
        /** Whether the table itself gets another name: RENAME TO, or SET SCHEMA (another schema, the same name). */
        public boolean renamesTable() {
            return what.equals("table") || what.equals("schema");
        }

        /** The table's key after this action, from its key before: RENAME TO keeps the schema, SET SCHEMA the name. */
        public String tableAfter(String table) {
            return what.equals("schema") ? Name.inSchema(table, to) : Name.renamed(table, to);
        }
    }

    /** SET LOGGED / UNLOGGED / TABLESPACE / ACCESS METHOD: rewrite the whole table. */
    record RewriteAction(String what, Token at) implements Action {
    }

    record AttachPartition(Name partition, Token at) implements Action {
    }

    record DetachPartition(Name partition, boolean concurrently, Token at) implements Action {
    }

    /** An action lint does not model (SET STATISTICS, OWNER TO, ENABLE TRIGGER, …). */
    record OtherAction(String words, Token at) implements Action {
    }

    record CreateIndex(Name name, Name table, boolean unique, boolean concurrently, boolean ifNotExists,
                       boolean only, List<String> columns, boolean partial) implements Recognized {
    }

    record DropIndex(List<Name> names, boolean concurrently, boolean ifExists, boolean cascade) implements Recognized {
    }

    /** DROP TABLE / SCHEMA / DATABASE / VIEW / MATERIALIZED VIEW / TYPE / SEQUENCE / FUNCTION / … */
    record Drop(String objectKind, List<Name> names, boolean ifExists, boolean cascade) implements Recognized {
    }

    record Truncate(List<Name> tables, boolean cascade) implements Recognized {
    }

    /**
     * INSERT / UPDATE / DELETE / MERGE; {@code table} is the target.
     *
     * @param setColumns for UPDATE, the columns its SET assigns; empty for the other verbs, and
     *                   when the SET list cannot be followed (then every column may change)
     */
    record Dml(String verb, Name table, boolean hasWhere, List<String> setColumns) implements Recognized {
        public Dml {
            setColumns = List.copyOf(setColumns);
        }

        public Dml(String verb, Name table, boolean hasWhere) {
            this(verb, table, hasWhere, List.of());
        }
    }

    /** SET [LOCAL|SESSION] name = value, SET TRANSACTION …, RESET. */
    record SetParameter(String parameter, String value, boolean local) implements Recognized {
    }

    /** BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT (not savepoints). */
    record TransactionControl(boolean begins) implements Recognized {
    }

    record Reindex(String target, Name name, boolean concurrently) implements Recognized {
    }

    /** VACUUM FULL, CLUSTER: rewrite under ACCESS EXCLUSIVE. Plain VACUUM has {@code full == false}. */
    record Maintenance(String verb, boolean full, List<Name> tables) implements Recognized {
    }

    record RefreshMaterializedView(Name name, boolean concurrently, boolean withNoData) implements Recognized {
    }

    record CreateMaterializedView(Name name, boolean withNoData) implements Recognized {
    }

    /** ALTER TYPE … ADD VALUE / RENAME VALUE / other. */
    record AlterType(Name type, boolean addValue, boolean renameValue) implements Recognized {
    }

    record CreateTrigger(Name name, Name table) implements Recognized {
    }

    /** ALTER SEQUENCE|VIEW|SCHEMA|INDEX|MATERIALIZED VIEW … RENAME TO. */
    record RenameObject(String objectKind, Name from, String to) implements Recognized {
    }

    /** CREATE TYPE … AS ENUM, so enum-change can tell enums from other types. */
    record CreateEnum(Name type) implements Recognized {
    }

    /**
     * CREATE [OR REPLACE] FUNCTION, so a DEFAULT that calls it can be judged.
     *
     * @param volatility {@code volatile} (PostgreSQL's default when none is written), {@code stable} or {@code immutable}
     */
    record CreateFunction(Name name, String volatility) implements Recognized {
    }

    /** Anything else that PostgreSQL would read and the model need not: kept, never an error. */
    record Opaque() implements Recognized {
    }

    /**
     * A statement the reader could not follow: not a PostgreSQL command, or a form of one the
     * model tracks (CREATE TABLE, ALTER TABLE, CREATE INDEX, …) whose parts it could not find.
     * Lint reports it ({@code unreadable-statement}) instead of skipping it.
     *
     * @param reason  what could not be read, for the message
     * @param failure the reader's own exception when it failed (a bug: lint reports
     *                {@code analysis-error}), else null
     */
    record Unreadable(String reason, RuntimeException failure) implements Recognized {
    }
}
