package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** CREATE INDEX on a partitioned table locks every partition. See docs/rules/partitioned-index.md. */
public final class PartitionedIndexRule extends StatementRule {
    @Override
    public String id() {
        return "partitioned-index";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "CREATE INDEX on a partitioned table locks every partition";
    }

    @Override
    public String help() {
        return "CREATE INDEX … ON ONLY the parent, build each partition's index CONCURRENTLY, then ALTER INDEX … ATTACH PARTITION";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.CreateIndex ci && ci.table() != null && !ci.only()
                && s.existing(ci.table().name()) && s.before().table(ci.table().name()) != null
                && s.before().table(ci.table().name()).partitioned()) {
            String t = ci.table().name();
            ctx.report(s, "CREATE INDEX on partitioned table " + t + " cannot be CONCURRENTLY and blocks writes to every"
                    + " partition of " + t + " (SHARE lock) until all are built",
                    "CREATE INDEX " + (ci.name() == null ? "name" : ci.name().name()) + " ON ONLY " + t + " (…); then per"
                            + " partition CREATE INDEX CONCURRENTLY and ALTER INDEX … ATTACH PARTITION");
        }
    }

}
