package dev.bulwark.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a table's rows are worth, guessed from its name the way an auditor reads a schema:
 * money and accounts are critical, what users wrote is high, reference data medium, logs and
 * analytics low. {@code [lint] protected_tables} always counts as critical.
 */
final class Criticality {
    record Kind(String label, RiskLevel level) {
    }

    static final Kind FINANCIAL = new Kind("financial records", RiskLevel.CRITICAL);
    static final Kind ACCOUNTS = new Kind("user accounts", RiskLevel.CRITICAL);
    static final Kind CONTENT = new Kind("user content", RiskLevel.HIGH);
    static final Kind REFERENCE = new Kind("reference data", RiskLevel.MEDIUM);
    static final Kind LOGS = new Kind("logs and analytics", RiskLevel.LOW);
    static final Kind OTHER = new Kind("application data", RiskLevel.MEDIUM);

    private static final Set<String> MONEY = Set.of("payment", "invoice", "transaction", "ledger", "order", "subscription",
            "billing", "charge", "refund", "payout", "balance", "wallet", "purchase", "receipt", "credit", "account_balance");
    private static final Set<String> IDENTITY = Set.of("user", "account", "customer", "member", "profile", "admin", "person",
            "people", "tenant", "organization", "organisation", "employee", "client", "identity", "credential");
    private static final Set<String> CONTENT_WORDS = Set.of("post", "message", "comment", "channel", "document", "file",
            "upload", "photo", "image", "article", "note", "page", "item", "product", "project", "task", "content", "media",
            "attachment", "review", "contact", "address");
    private static final Set<String> REFERENCE_WORDS = Set.of("plan", "setting", "config", "lookup", "type", "category",
            "country", "currency", "tag", "role", "permission", "feature", "flag", "status", "locale");
    private static final Set<String> LOG_WORDS = Set.of("log", "logs", "event", "analytic", "analytics", "stat", "stats",
            "metric", "session", "cache", "token", "job", "queue", "webhook", "delivery", "alert", "notification", "tmp",
            "temp", "history");

    private Criticality() {
    }

    static Kind of(String table, List<String> protectedTables) {
        String bare = table.contains(".") ? table.substring(table.lastIndexOf('.') + 1) : table;
        if (protectedTables.stream().anyMatch(p -> p.equalsIgnoreCase(bare) || p.equalsIgnoreCase(table))) {
            return FINANCIAL;
        }
        List<String> words = words(bare);
        // the last word names what a row is: "payment_methods" are payment data, "user_sessions" are sessions
        for (int i = words.size() - 1; i >= 0; i--) {
            String w = words.get(i);
            if (LOG_WORDS.contains(w) && i == words.size() - 1) {
                return LOGS;
            }
            if (MONEY.contains(w)) {
                return FINANCIAL;
            }
            if (IDENTITY.contains(w)) {
                return ACCOUNTS;
            }
            if (CONTENT_WORDS.contains(w)) {
                return CONTENT;
            }
            if (REFERENCE_WORDS.contains(w)) {
                return REFERENCE;
            }
        }
        return OTHER;
    }

    /** {@code ScheduledPosts}, {@code scheduled_posts} → [scheduled, post]; plural s dropped. */
    static List<String> words(String name) {
        String spaced = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String w : spaced.split("[^a-z0-9]+")) {
            if (w.isEmpty()) {
                continue;
            }
            if (w.endsWith("ies") && w.length() > 4) {
                w = w.substring(0, w.length() - 3) + "y";
            } else if (w.endsWith("s") && !w.endsWith("ss") && !w.equals("analytics") && !w.equals("stats")
                    && !w.equals("logs") && w.length() > 3) {
                w = w.substring(0, w.length() - 1);
            }
            out.add(w);
        }
        return out;
    }
}
