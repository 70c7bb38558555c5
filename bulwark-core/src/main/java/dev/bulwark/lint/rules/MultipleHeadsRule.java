package dev.bulwark.lint.rules;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.Migration;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The revision graph has several heads, or a merge with one parent. See docs/rules/multiple-heads.md. */
public final class MultipleHeadsRule extends Rule {
    @Override
    public String id() {
        return "multiple-heads";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "the revision graph has several heads, or a merge with one parent";
    }

    @Override
    public String help() {
        return "alembic merge -m 'merge heads' <head1> <head2>, then commit the merge revision";
    }

    @Override
    public void checkSet(SetContext ctx) {
        List<Migration> revs = Revisions.of(ctx);
        Set<String> parents = new HashSet<>();
        revs.forEach(m -> parents.addAll(Revisions.parents(m)));
        List<Migration> heads = revs.stream().filter(m -> !parents.contains(Revisions.id(m))).toList();
        if (heads.size() > 1) {
            String names = String.join(", ", heads.stream().map(Revisions::id).toList());
            for (Migration h : heads) {
                ctx.report(h.location(), Revisions.line(h), 1, 1, "revision " + Revisions.id(h) + " is one of " + heads.size()
                        + " heads (" + names + "): `alembic upgrade head` refuses to run until they are merged", null, h.id());
            }
        }
        for (Migration m : revs) {
            if ("true".equals(m.toolData().get(AlembicReader.MERGE)) && Revisions.parents(m).size() == 1) {
                ctx.report(m.location(), Revisions.line(m), 1, 1, "revision " + Revisions.id(m)
                        + " is written as a merge (down_revision is a tuple) but has one parent, so it merges nothing",
                        "list both parents in down_revision, or write it as a plain string", m.id());
            }
        }
    }

}
