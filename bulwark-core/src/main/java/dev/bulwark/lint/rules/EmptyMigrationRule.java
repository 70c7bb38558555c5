package dev.bulwark.lint.rules;

import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.Migration;

/** An empty or unparseable migration file. See docs/rules/empty-migration.md. */
public final class EmptyMigrationRule extends Rule {
    @Override
    public String id() {
        return "empty-migration";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "an empty or unparseable migration file";
    }

    @Override
    public String help() {
        return "delete the file, or give it real content";
    }

    @Override
    public void checkSet(SetContext ctx) {
        for (MigrationContext m : ctx.migrations()) {
            Migration mig = m.migration();
            String error = mig.toolData().get(AlembicReader.ERROR);
            if (error != null) {
                ctx.report(mig.location(), 1, 1, 1, mig.location().getFileName() + " is not a usable Alembic migration: "
                        + error + "; alembic itself fails on every command until it is fixed", null, mig.id());
            } else if (m.parseError() != null) {
                ctx.report(mig.up().file(), m.parseError().line(), m.parseError().column(), 1,
                        "migration " + mig.id() + " cannot be split into statements: " + m.parseError().getMessage(), null, mig.id());
            } else if (m.statements().isEmpty() && mig.up().isBlank()) {
                ctx.report(mig.up().file(), mig.up().firstLine(), 1, 1, "migration " + Revisions.label(mig) + " is empty: it records a"
                        + " version and changes nothing", null, mig.id());
            }
        }
    }

}
