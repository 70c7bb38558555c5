package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;

/**
 * Whether a relation other sessions can see exists when a statement runs, decided in statement
 * order: a table or materialized view created earlier in the same migration is new (nobody else
 * sees it yet), but one that was dropped and created again under the same name is not new for the
 * statements before the CREATE, and {@code CREATE TABLE IF NOT EXISTS} on a table that already
 * exists creates nothing. In a down (linted like an up, from the schema at the end of its up), what
 * the up created counts as new too, as {@link MigrationContext#existing} says: removing it is the
 * expected inverse of the up, which data-losing-down and irreversible-down judge.
 */
final class Existing {
    private Existing() {
    }

    /** True when {@code relation} holds rows other sessions use while {@code s} runs. */
    static boolean at(MigrationContext ctx, Analyzed s, String relation) {
        if (relation == null) {
            return false;
        }
        Boolean created = createdBefore(ctx, s, relation);
        if (created == null) {
            return ctx.existing(relation);
        }
        if (!created && ctx.part() == Finding.Part.DOWN) {
            // a down starts where its up ended: what the up created (and the down has not dropped
            // and created again) is the up's own new object, and removing it is the expected inverse
            return !createdByUp(ctx, s, relation);
        }
        return !created;
    }

    /** In a down, whether {@code relation} was created by the up and still is that object when {@code s} runs. */
    private static boolean createdByUp(MigrationContext ctx, Analyzed s, String relation) {
        if (!walk(ctx.upStatements(), null, relation, false)) {
            return false;
        }
        for (Analyzed a : ctx.statements()) {
            if (a == s) {
                return true;
            }
            // a CREATE of the same name in the down makes a table the up did not create
            if (a.what() instanceof Recognized.CreateTable ct && ct.table() != null && ct.table().name().equals(relation)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code relation} was created by a statement of this migration before {@code s}
     * (and not dropped since); null when {@code s} is not one of this part's statements (the up's, or in a
     * down's context the down's).
     */
    static Boolean createdBefore(MigrationContext ctx, Analyzed s, String relation) {
        if (!ctx.statements().contains(s)) {
            return null;
        }
        return walk(ctx.statements(), s, relation, false);
    }

    /** Whether {@code relation} is created (and not dropped since) by {@code statements} before {@code stop} (null: all). */
    private static boolean walk(java.util.List<Analyzed> statements, Analyzed stop, String relation, boolean initially) {
        boolean created = initially;
        for (Analyzed a : statements) {
            if (a == stop) {
                return created;
            }
            Recognized r = a.what();
            if (r instanceof Recognized.CreateTable ct && ct.table() != null && ct.table().name().equals(relation)) {
                created |= !(ct.ifNotExists() && a.before().hasTable(relation));
            } else if (r instanceof Recognized.CreateMaterializedView mv && mv.name() != null
                    && mv.name().name().equals(relation)) {
                created = true;
            } else if (r instanceof Recognized.Drop d && (d.objectKind().equals("table")
                    || d.objectKind().equals("materialized view"))) {
                for (Name n : d.names()) {
                    if (n.name().equals(relation)) {
                        created = false;
                    }
                }
            } else if (r instanceof Recognized.AlterTable at && at.table() != null) {
                for (Recognized.Action act : at.actions()) {
                    if (act instanceof Recognized.RenameAction ra && ra.renamesTable()) {
                        if (ra.tableAfter(at.table().name()).equals(relation)) {
                            created = walk(statements, a, at.table().name(), false);
                        } else if (at.table().name().equals(relation)) {
                            created = false;
                        }
                    }
                }
            }
        }
        return created;
    }

    /** True when {@code table} was created and filled by {@code CREATE TABLE … AS} earlier in this migration. */
    static boolean filledByCreateAs(MigrationContext ctx, Analyzed s, String table) {
        boolean filled = false;
        for (Analyzed a : ctx.statements()) {
            if (a == s) {
                return filled;
            }
            if (a.what() instanceof Recognized.CreateTable ct && ct.table() != null && ct.table().name().equals(table)) {
                filled = ct.asSelect() && !ct.ifNotExists() || (ct.asSelect() && !a.before().hasTable(table));
            }
        }
        return false;
    }
}
