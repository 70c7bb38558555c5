package dev.bulwark.lint.rules;

import dev.bulwark.lint.Linter;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationKind;

/** A migration without a working down (none, empty, pass, raises). See docs/rules/missing-down.md. */
public final class MissingDownRule extends Rule {
    @Override
    public String id() {
        return "missing-down";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "a migration without a working down (none, empty, pass, raises)";
    }

    @Override
    public String help() {
        return "write the down that undoes the up, or mark the migration irreversible on purpose with a bulwark:ignore and a reason";
    }

    @Override
    public void checkSet(SetContext ctx) {
        boolean flywayUndo = ctx.migrations().stream().anyMatch(c -> c.migration().hasDown());
        for (MigrationContext c : ctx.migrations()) {
            Migration m = c.migration();
            if (m.kind() != MigrationKind.VERSIONED || m.toolData().containsKey(AlembicReader.ERROR)
                    || m.toolData().containsKey(Linter.RENDERED)
                    || m.up().isBlank() && m.format() != MigrationFormat.ALEMBIC) {
                continue;
            }
            String how = null;
            switch (m.format()) {
                case PRISMA, DRIZZLE -> {
                    continue;
                }
                case FLYWAY -> {
                    if (flywayUndo && !m.hasDown()) {
                        how = "has no U" + m.id() + "__ undo file, unlike other migrations here";
                    }
                }
                case ALEMBIC -> {
                    String d = m.toolData().get(AlembicReader.DOWNGRADE);
                    if (d != null) {
                        how = switch (d) {
                            case "missing" -> "has no downgrade() function";
                            case "raises" -> "has a downgrade() that raises";
                            default -> "has a downgrade() that does nothing (" + d + ")";
                        };
                    }
                }
                default -> {
                    if (!m.hasDown()) {
                        how = "has no down section";
                    } else if (m.down().isBlank()) {
                        how = "has an empty down section";
                    }
                }
            }
            if (how != null) {
                int line = m.down() != null ? m.down().firstLine() : Revisions.downLine(m);
                ctx.report(m.up().file(), line, 1, 1,
                        "migration " + Revisions.label(m) + " " + how + ": it cannot be rolled back", null, m.id());
            }
        }
    }

}
