package dev.bulwark.lint;

import dev.bulwark.lint.rules.SuppressionWithoutReasonRule;
import dev.bulwark.lint.rules.UnusedSuppressionRule;
import dev.bulwark.migration.Directives;
import dev.bulwark.migration.Script;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.Token;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code -- bulwark:ignore <rule-id> <reason>}. An ignore in the comment lines directly above a
 * statement silences that rule for that statement; one followed by a blank line (or by no
 * statement) silences it for the whole file. The reason is required: an ignore without one
 * silences nothing and is reported, and so is an ignore that silenced nothing.
 */
final class Suppressions {
    private record Scope(Directives.Ignore ignore, Path file, int fromLine, int toLine) {
        boolean covers(Finding f) {
            return f.ruleId().equals(ignore.ruleId()) && f.file().equals(file) && f.line() >= fromLine
                    && f.line() <= toLine;
        }
    }

    private Suppressions() {
    }

    static List<Finding> apply(List<Finding> findings, List<MigrationContext> contexts, LintOptions options,
                               Set<String> knownRules) {
        List<Scope> scopes = new ArrayList<>();
        List<Finding> meta = new ArrayList<>();
        UnusedSuppressionRule unused = new UnusedSuppressionRule();
        SuppressionWithoutReasonRule noReason = new SuppressionWithoutReasonRule();
        Optional<Severity> unusedSev = options.severities().getOrDefault(unused.id(), Optional.of(unused.defaultSeverity()));
        Optional<Severity> noReasonSev = options.severities().getOrDefault(noReason.id(), Optional.of(noReason.defaultSeverity()));
        for (MigrationContext c : contexts) {
            for (Script script : scripts(c)) {
                for (Directives.Ignore ig : Directives.ignores(script)) {
                    if (ig.ruleId().isEmpty() || !knownRules.contains(ig.ruleId())) {
                        unusedSev.ifPresent(s -> meta.add(new Finding(unused.id(), s, ig.file(), ig.line(), 1, 1,
                                ig.ruleId().isEmpty() ? "bulwark:ignore names no rule"
                                        : "bulwark:ignore names '" + ig.ruleId() + "', which is not a rule",
                                "write -- bulwark:ignore <rule-id> <reason> with an id from `bulwark lint --list-rules`",
                                c.migration().id())));
                        continue;
                    }
                    if (ig.reason().isBlank()) {
                        noReasonSev.ifPresent(s -> meta.add(new Finding(noReason.id(), s, ig.file(), ig.line(), 1, 1,
                                "bulwark:ignore " + ig.ruleId() + " gives no reason, so it silences nothing",
                                noReason.help(), c.migration().id())));
                        continue;
                    }
                    scopes.add(scope(ig, script, c));
                }
            }
        }
        List<Finding> kept = new ArrayList<>();
        boolean[] used = new boolean[scopes.size()];
        for (Finding f : findings) {
            boolean silenced = false;
            for (int i = 0; i < scopes.size(); i++) {
                if (scopes.get(i).covers(f)) {
                    used[i] = true;
                    silenced = true;
                }
            }
            if (!silenced) {
                kept.add(f);
            }
        }
        for (int i = 0; i < scopes.size(); i++) {
            Directives.Ignore ig = scopes.get(i).ignore();
            if (!used[i]) {
                unusedSev.ifPresent(s -> meta.add(new Finding(unused.id(), s, ig.file(), ig.line(), 1, 1,
                        "bulwark:ignore " + ig.ruleId() + " silences nothing: the rule does not fire here",
                        "remove the directive, so a later real finding is not hidden", null)));
            }
        }
        kept.addAll(meta);
        return kept;
    }

    private static List<Script> scripts(MigrationContext c) {
        List<Script> out = new ArrayList<>();
        out.add(c.migration().up());
        if (c.migration().down() != null) {
            out.add(c.migration().down());
        }
        return out;
    }

    private static Scope scope(Directives.Ignore ig, Script script, MigrationContext c) {
        String[] lines = script.sql().split("\\r\\n|\\r|\\n", -1);
        for (int k = ig.line() - script.firstLine() + 1; k < lines.length; k++) {
            String l = lines[k].trim();
            int lineNo = script.firstLine() + k;
            if (l.isEmpty()) {
                break;
            }
            if (l.startsWith("--") || l.startsWith("#")) {
                continue;
            }
            for (Analyzed a : java.util.stream.Stream.concat(c.statements().stream(), c.down().stream()).toList()) {
                Statement s = a.statement();
                if (s.line() == lineNo && s.source().equals(script.file().toString())) {
                    List<Token> t = s.tokens();
                    return new Scope(ig, ig.file(), s.line(), t.get(t.size() - 1).line());
                }
            }
            break;
        }
        return new Scope(ig, ig.file(), 1, Integer.MAX_VALUE);
    }
}
