package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;

/**
 * Whether a relation other sessions can see exists when a statement runs, decided in statement
 * order: a table or materialized view created earlier in the same migration is new (nobody else
 * sees it yet), but one that was dropped and created again under the same name is not new for the
 * statements before the CREATE, and {@code CREATE TABLE IF NOT EXISTS} on a table that already
 * exists creates nothing.
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
        return created == null ? ctx.existing(relation) : !created;
    }

    /**
     * Whether {@code relation} was created by a statement of this migration before {@code s}
     * (and not dropped since); null when {@code s} is not one of the migration's up statements.
     */
    static Boolean createdBefore(MigrationContext ctx, Analyzed s, String relation) {
        boolean created = false;
        for (Analyzed a : ctx.statements()) {
            if (a == s) {
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
                    if (act instanceof Recognized.RenameAction ra && ra.what().equals("table")) {
                        if (ra.to().equals(relation)) {
                            created = createdBefore(ctx, a, at.table().name()) == Boolean.TRUE;
                        } else if (at.table().name().equals(relation)) {
                            created = false;
                        }
                    }
                }
            }
        }
        return null;
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
