package dev.bulwark.lint.rules;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.Migration;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A revision's parent does not exist. See docs/rules/missing-parent.md. */
public final class MissingParentRule extends Rule {
    @Override
    public String id() {
        return "missing-parent";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "a revision's parent does not exist";
    }

    @Override
    public String help() {
        return "point down_revision at an existing revision id (see alembic history), or restore the missing file";
    }

    @Override
    public void checkSet(SetContext ctx) {
        List<Migration> revs = Revisions.of(ctx);
        Set<String> ids = new HashSet<>();
        revs.forEach(m -> ids.add(Revisions.id(m)));
        for (Migration m : revs) {
            for (String p : Revisions.parents(m)) {
                if (!ids.contains(p)) {
                    ctx.report(m.location(), Revisions.line(m), 1, 1, "revision " + Revisions.id(m) + " names parent " + p
                            + ", which no file in " + ctx.set().directory().getFileName() + " defines", null, m.id());
                }
            }
            String deps = m.toolData().getOrDefault(AlembicReader.DEPENDS_ON, "");
            for (String d : deps.isEmpty() ? new String[0] : deps.split(",")) {
                if (!ids.contains(d)) {
                    ctx.report(m.location(), Revisions.line(m), 1, 1, "revision " + Revisions.id(m) + " depends_on " + d
                            + ", which no file defines", null, m.id());
                }
            }
        }
    }

}
