package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.fix.Fixer;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.Token;

import java.util.List;

/** CREATE INDEX without CONCURRENTLY on an existing table. See docs/rules/require-concurrent-index.md. */
public final class RequireConcurrentIndexRule extends StatementRule {
    @Override
    public String id() {
        return "require-concurrent-index";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "CREATE INDEX without CONCURRENTLY on an existing table";
    }

    @Override
    public String help() {
        return "CREATE INDEX CONCURRENTLY IF NOT EXISTS … in a migration of its own, outside a transaction";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        // decided by the effect: the build holds SHARE on a table others use (CONCURRENTLY takes SHARE UPDATE EXCLUSIVE)
        if (s.what() instanceof Recognized.CreateIndex ci && ci.table() != null
                && s.effect().lockOn(ci.table().name()) == Locks.Mode.SHARE
                && s.existing(ci.table().name()) && !partitioned(s, ci.table().name())) {
            String name = ci.name() == null ? "" : ci.name().name() + " ";
            ctx.report(s, "CREATE INDEX " + name + "on existing table " + ci.table().name()
                    + " without CONCURRENTLY blocks every write to " + ci.table().name() + " (SHARE lock) until the index is built",
                    concurrently(s.statement(), ci) + ", in a migration of its own outside a transaction");
        }
    }

    /**
     * The statement itself with CONCURRENTLY (and IF NOT EXISTS for a named index) after INDEX, as
     * --fix writes it: its method, sort orders, expressions, INCLUDE and WHERE stay (an index built
     * from a list of its column names alone would be another index). A long statement is elided.
     */
    static String concurrently(Statement st, Recognized.CreateIndex ci) {
        List<Token> t = st.tokens();
        Token index = t.stream().filter(x -> x.isWord("index")).findFirst().orElse(null);
        String head = "CREATE " + (ci.unique() ? "UNIQUE " : "") + "INDEX" + Fixer.concurrentlyWords(ci);
        if (index == null) {
            return head + " …";
        }
        // the tokens after INDEX as written; whitespace and comments between two of them become one space
        StringBuilder out = new StringBuilder(head);
        Token prev = index;
        for (Token x : t.subList(t.indexOf(index) + 1, t.size())) {
            out.append(x.offset() == prev.endOffset() ? "" : " ").append(x.text());
            prev = x;
        }
        return out.length() <= 240 ? out.toString() : head + " " + (ci.name() == null ? "" : ci.name().name() + " ") + "ON "
                + ci.table().name() + " …";
    }

    private static boolean partitioned(Analyzed s, String table) {
        return s.before().table(table) != null && s.before().table(table).partitioned();
    }
}
