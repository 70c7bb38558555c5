package dev.bulwark.execute;

import java.time.Instant;

/** A session seen in {@code pg_stat_activity}: who holds the migration lock, or blocks a statement. */
public record LockHolder(int pid, String user, String applicationName, String clientAddress, Instant since,
                         String state, String query) {

    /** "pid 4242 (application_name psql, user alice, client 10.0.0.5, since 12:00:01Z, idle in transaction: UPDATE …)" */
    public String describe() {
        StringBuilder b = new StringBuilder("pid ").append(pid).append(" (");
        b.append("application_name ").append(applicationName == null || applicationName.isEmpty() ? "-" : applicationName);
        if (user != null) b.append(", user ").append(user);
        b.append(", client ").append(clientAddress == null ? "local" : clientAddress);
        if (since != null) b.append(", since ").append(since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        if (state != null) b.append(", ").append(state);
        if (query != null && !query.isBlank()) {
            String q = dev.bulwark.pg.Masking.mask(query).replaceAll("\\s+", " ").trim();
            b.append(": ").append(q.length() > 120 ? q.substring(0, 117) + "..." : q);
        }
        return b.append(')').toString();
    }
}
