package dev.bulwark.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lexical helpers over a statement's tokens (never its text, so a keyword inside a comment, a
 * string or a quoted identifier never counts): its leading words, whether it is transaction
 * control, a short summary for logs. What a statement does (objects, rows, locks, whether it can
 * run in a transaction) is {@link dev.bulwark.sql.analysis.StatementAnalysis}'s to say.
 */
public final class StatementClassifier {
    /* Words between CREATE/DROP/ALTER and the kind of object that change only its flavour. */
    private static final Set<String> MODIFIERS = Set.of(
            "or", "replace", "unique", "temp", "temporary", "unlogged", "global", "local", "recursive",
            "trusted", "procedural");

    /* Kinds of object spelled in two or three words, longest first where one is a prefix of another. */
    private static final List<List<String>> MULTI_WORD_KINDS = List.of(
            List.of("foreign", "data", "wrapper"),
            List.of("text", "search", "configuration"),
            List.of("text", "search", "dictionary"),
            List.of("text", "search", "parser"),
            List.of("text", "search", "template"),
            List.of("materialized", "view"),
            List.of("foreign", "table"),
            List.of("event", "trigger"),
            List.of("constraint", "trigger"),
            List.of("operator", "class"),
            List.of("operator", "family"),
            List.of("access", "method"),
            List.of("user", "mapping"),
            List.of("default", "privileges"),
            List.of("large", "object"));

    /* First word of an ALTER subcommand worth naming in a summary. */
    private static final Set<String> ALTER_ACTIONS = Set.of(
            "add", "drop", "alter", "validate", "rename", "attach", "detach", "set", "reset", "enable",
            "disable", "owner", "cluster", "inherit", "no", "replica", "force");

    /* Second word of an ALTER subcommand worth naming ("add column", "rename to"). */
    private static final Set<String> ALTER_ACTION_OBJECTS = Set.of(
            "column", "constraint", "partition", "to", "schema", "tablespace", "logged", "unlogged",
            "trigger", "rule", "value", "attribute");

    private StatementClassifier() {
    }

    /**
     * The lower-cased values of the statement's leading words, at most {@code n}; stops at the
     * first token that is not a {@link TokenKind#WORD} ({@code CREATE INDEX "i"} gives
     * {@code [create, index]}).
     */
    public static List<String> firstWords(Statement statement, int n) {
        List<String> words = new ArrayList<>(Math.max(0, Math.min(n, statement.tokens().size())));
        for (Token t : statement.tokens()) {
            if (words.size() >= n || t.kind() != TokenKind.WORD) {
                break;
            }
            words.add(t.value());
        }
        return words;
    }

    /** True when the statement's first tokens are exactly these words (pass them lower-case). */
    public static boolean startsWith(Statement statement, String... words) {
        return wordsAt(statement.tokens(), 0, words);
    }

    /**
     * True for BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK and ABORT (not ROLLBACK TO, not
     * COMMIT/ROLLBACK PREPARED), SAVEPOINT, RELEASE, PREPARE TRANSACTION.
     */
    public static boolean isTransactionControl(Statement statement) {
        List<Token> t = statement.tokens();
        if (t.isEmpty() || t.get(0).kind() != TokenKind.WORD) {
            return false;
        }
        switch (t.get(0).value()) {
            case "begin":
            case "end":
            case "abort":
            case "savepoint":
            case "release":
                return true;
            case "start":
                return wordAt(t, 1, "transaction");
            case "prepare":
                return wordAt(t, 1, "transaction");
            case "commit":
                return !wordAt(t, 1, "prepared");
            case "rollback": {
                if (wordAt(t, 1, "prepared")) {
                    return false;
                }
                int i = wordAt(t, 1, "work") || wordAt(t, 1, "transaction") ? 2 : 1;
                return !wordAt(t, i, "to");
            }
            default:
                return false;
        }
    }

    /**
     * A short lower-case summary for logs: the command's keywords up to the object's name, plus
     * the words that change how it runs, e.g. {@code create unique index concurrently},
     * {@code alter table add column}, {@code alter table detach partition concurrently},
     * {@code refresh materialized view concurrently}, {@code insert}.
     */
    public static String describe(Statement statement) {
        List<Token> t = statement.tokens();
        List<String> out = new ArrayList<>();
        if (t.isEmpty()) {
            return "";
        }
        if (t.get(0).kind() != TokenKind.WORD) {
            // "(SELECT …) UNION …" and the like: name the first keyword.
            for (Token token : t) {
                if (token.kind() == TokenKind.WORD) {
                    return token.value();
                }
            }
            return t.get(0).text();
        }
        String verb = t.get(0).value();
        out.add(verb);
        switch (verb) {
            case "create":
            case "drop":
            case "alter":
                describeDdl(t, verb, out);
                break;
            case "reindex": {
                int kind = skipParenthesised(t, 1);
                addWordIfPresent(t, kind, out);
                if (t.stream().anyMatch(k -> k.isWord("concurrently"))) {
                    out.add("concurrently");
                }
                break;
            }
            case "refresh":
                if (wordsAt(t, 1, "materialized", "view")) {
                    out.add("materialized");
                    out.add("view");
                    if (wordAt(t, 3, "concurrently")) {
                        out.add("concurrently");
                    }
                }
                break;
            case "comment":
            case "security":
                addWordIfPresent(t, 1, out);
                addWordIfPresent(t, 2, out);
                break;
            case "start":
            case "prepare":
            case "release":
                if (wordAt(t, 1, "transaction") || wordAt(t, 1, "savepoint")) {
                    out.add(t.get(1).value());
                }
                break;
            case "commit":
            case "rollback":
                if (wordAt(t, 1, "prepared")) {
                    out.add("prepared");
                } else if (verb.equals("rollback") && !isTransactionControl(statement)) {
                    out.add("to savepoint");
                }
                break;
            default:
                break;
        }
        return String.join(" ", out);
    }

    private static void describeDdl(List<Token> t, String verb, List<String> out) {
        int i = 1;
        while (i < t.size() && t.get(i).kind() == TokenKind.WORD && MODIFIERS.contains(t.get(i).value())) {
            out.add(t.get(i).value());
            i++;
        }
        List<String> kind = null;
        for (List<String> candidate : MULTI_WORD_KINDS) {
            if (wordsAt(t, i, candidate.toArray(new String[0]))) {
                kind = candidate;
                break;
            }
        }
        if (kind == null) {
            if (!addWordIfPresent(t, i, out)) {
                return;
            }
            i++;
        } else {
            out.addAll(kind);
            i += kind.size();
        }
        String object = out.get(out.size() - 1);
        if (object.equals("index") && !verb.equals("alter")) {
            if (wordAt(t, i, "concurrently")) {
                out.add("concurrently");
            }
            return;
        }
        if (object.equals("system") || !verb.equals("alter")) {
            return;
        }
        int action = skipName(t, i);
        if (action < t.size() && t.get(action).kind() == TokenKind.WORD
                && ALTER_ACTIONS.contains(t.get(action).value())) {
            String first = t.get(action).value();
            out.add(first);
            if (action + 1 < t.size() && t.get(action + 1).kind() == TokenKind.WORD
                    && ALTER_ACTION_OBJECTS.contains(t.get(action + 1).value())) {
                out.add(t.get(action + 1).value());
            }
            if (first.equals("detach") && object.equals("table") && detachesConcurrently(t)) {
                out.add("concurrently");
            }
        }
    }

    /* ALTER TABLE … DETACH PARTITION name CONCURRENTLY: the only form of DETACH that needs autocommit. */
    private static boolean detachesConcurrently(List<Token> t) {
        for (int i = 2; i + 1 < t.size(); i++) {
            if (t.get(i).isWord("detach") && t.get(i + 1).isWord("partition")) {
                return wordAt(t, skipName(t, i + 2), "concurrently");
            }
        }
        return false;
    }

    /** Index after a parenthesised group starting at {@code i}, or {@code i} when there is none. */
    private static int skipParenthesised(List<Token> t, int i) {
        if (i >= t.size() || !t.get(i).isPunctuation('(')) {
            return i;
        }
        int depth = 0;
        for (int j = i; j < t.size(); j++) {
            if (t.get(j).isPunctuation('(')) {
                depth++;
            } else if (t.get(j).isPunctuation(')') && --depth == 0) {
                return j + 1;
            }
        }
        return t.size();
    }

    /**
     * Index after an object name at {@code i}: optional IF [NOT] EXISTS and ONLY, then
     * {@code a}, {@code a.b} or {@code "A".b}, then an optional {@code *}.
     */
    private static int skipName(List<Token> t, int i) {
        if (wordsAt(t, i, "if", "exists")) {
            i += 2;
        } else if (wordsAt(t, i, "if", "not", "exists")) {
            i += 3;
        }
        if (wordAt(t, i, "only")) {
            i++;
        }
        if (i < t.size() && isNamePart(t.get(i))) {
            i++;
            while (i + 1 < t.size() && t.get(i).isPunctuation('.') && isNamePart(t.get(i + 1))) {
                i += 2;
            }
        }
        if (i < t.size() && t.get(i).kind() == TokenKind.OPERATOR && t.get(i).text().equals("*")) {
            i++;
        }
        return i;
    }

    private static boolean isNamePart(Token t) {
        return t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_IDENTIFIER;
    }

    private static boolean addWordIfPresent(List<Token> t, int i, List<String> out) {
        if (i < t.size() && t.get(i).kind() == TokenKind.WORD) {
            out.add(t.get(i).value());
            return true;
        }
        return false;
    }

    private static boolean wordAt(List<Token> t, int i, String word) {
        return i < t.size() && t.get(i).isWord(word);
    }

    private static boolean wordsAt(List<Token> t, int from, String... words) {
        if (from + words.length > t.size()) {
            return false;
        }
        for (int k = 0; k < words.length; k++) {
            if (!t.get(from + k).isWord(words[k])) {
                return false;
            }
        }
        return true;
    }
}
