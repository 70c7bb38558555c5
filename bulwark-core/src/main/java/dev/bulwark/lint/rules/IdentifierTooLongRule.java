package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** An identifier longer than 63 bytes, which PostgreSQL truncates silently. See docs/rules/identifier-too-long.md. */
public final class IdentifierTooLongRule extends StatementRule {
    /** NAMEDATALEN - 1 in a standard PostgreSQL build. */
    static final int MAX_BYTES = 63;

    @Override
    public String id() {
        return "identifier-too-long";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "an identifier over 63 bytes, which PostgreSQL truncates silently";
    }

    @Override
    public String help() {
        return "choose a name of at most 63 bytes (UTF-8), so the name in the database is the name in the code";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        List<Token> tokens = s.statement().tokens();
        if (tokens.isEmpty()) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (Token t : tokens) {
            if (t.kind() != TokenKind.WORD && t.kind() != TokenKind.QUOTED_IDENTIFIER) {
                continue;
            }
            byte[] bytes = t.value().getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= MAX_BYTES || !seen.add(t.value())) {
                continue;
            }
            String kept = truncate(t.value());
            ctx.report(s, t, "identifier " + t.value() + " is " + bytes.length + " bytes long: PostgreSQL truncates it to "
                            + MAX_BYTES + " bytes (" + kept + ") without an error, so the name in the database differs"
                            + " from the one in the migration, and two long names that share their first " + MAX_BYTES
                            + " bytes collide",
                    "use a name of at most " + MAX_BYTES + " bytes, e.g. an abbreviation of " + kept);
        }
    }

    /** What PostgreSQL keeps: the first 63 bytes, cut back to a whole UTF-8 character. */
    static String truncate(String name) {
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > MAX_BYTES) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return out.toString();
    }
}
