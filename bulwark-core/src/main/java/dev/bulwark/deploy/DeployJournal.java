package dev.bulwark.deploy;

import dev.bulwark.BulwarkException;
import dev.bulwark.CrashPoint;
import dev.bulwark.ErrorCode;
import dev.bulwark.execute.AdvisoryLock;
import dev.bulwark.execute.LockHolder;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.pg.Masking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code <history schema>.bulwark_deploy_journal}: a deploy written down as it goes, so that a
 * deploy killed at any instant is finished ({@code bulwark deploy --resume}) rather than forgotten.
 *
 * <p>One row per entry, each committed before the work it describes starts:
 * <ul>
 *   <li>seq 0, kind {@code deploy}: the header, {@code running} until the deploy reached its
 *       outcome, then {@code finished}; its payload is what a resume needs (version and migrations
 *       before, the backup, the fingerprints and schema taken before anything was applied).</li>
 *   <li>kind {@code stage}: {@code started}, then {@code ok}/{@code warn}/{@code failed}/{@code skipped}.</li>
 *   <li>kind {@code rollback}: a rollback step still owed ({@code owed}), then {@code done},
 *       {@code failed} or {@code skipped}. A snapshot restore is marked done in the same
 *       transaction that puts the rows back, so it can never run twice.</li>
 * </ul>
 * A journal whose header is not {@code finished} is unfinished: while the deploy that writes it
 * holds the journal lock it is in progress; otherwise it was interrupted and is owed a resume.
 */
public final class DeployJournal {
    public static final String NAME = "bulwark_deploy_journal";
    /** The command that finishes an interrupted deploy. */
    public static final String RESUME_COMMAND = "bulwark deploy --resume";

    public static final String HEADER = "deploy";
    public static final String STAGE = "stage";
    public static final String ROLLBACK = "rollback";

    private final ConnectionSpec target;
    private final String schema;
    private final String qualified;

    public DeployJournal(ConnectionSpec target, String schema) {
        this.target = target;
        this.schema = schema;
        this.qualified = Identifiers.qualified(schema, NAME);
    }

    public String qualifiedName() {
        return qualified;
    }

    /** The advisory lock a deploy holds while it runs: one deploy at a time, and a live deploy is told from a dead one. */
    public long lockKey() {
        return AdvisoryLock.keyFor(qualified);
    }

    /** One row of the journal. */
    public record Entry(String deployId, int seq, String kind, String name, String state, String detail, String payload,
                        Instant startedAt, Instant finishedAt) {
        public boolean isOwed() {
            return kind.equals(ROLLBACK) && state.equals("owed");
        }
    }

    /**
     * A deploy whose journal is not finished.
     *
     * @param runningIn the session of the deploy still running it, or null when it was interrupted
     */
    public record Unfinished(String deployId, Instant startedAt, String stage, String stageState, List<String> owed,
                             LockHolder runningIn) {
        public Unfinished {
            owed = List.copyOf(owed);
        }

        public boolean interrupted() {
            return runningIn == null;
        }

        /** One paragraph for status, check, verify and refusals. */
        public List<String> describe() {
            List<String> out = new ArrayList<>();
            if (runningIn != null) {
                out.add("deploy " + deployId + " (started " + startedAt + ") is running now in " + runningIn.describe()
                        + ", at stage " + stage + " (" + stageState + ")");
                return out;
            }
            out.add("deploy " + deployId + " (started " + startedAt + ") was interrupted at stage " + stage + " (" + stageState
                    + ") and is unfinished");
            if (owed.isEmpty()) {
                out.add("owed: " + (stage.equals("rollback") ? "the check that the database is back as before the deploy"
                        : "a rollback of whatever the deploy applied, and the check that the database is back as before"));
            } else {
                owed.forEach(o -> out.add("owed: " + o));
            }
            out.add("finish it with: " + RESUME_COMMAND);
            return out;
        }
    }

    // ------------------------------------------------------------------ writes

    private void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema));
            s.execute("CREATE TABLE IF NOT EXISTS " + qualified + " (deploy_id text NOT NULL, seq int NOT NULL, kind text NOT NULL,"
                    + " name text NOT NULL, state text NOT NULL, detail text, payload text,"
                    + " started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz, PRIMARY KEY (deploy_id, seq))");
        }
    }

    /** Writes an entry (insert, or update of the same seq), committed before this returns. */
    public void write(Entry e) {
        String point = "deploy.journal." + e.kind() + "." + e.name().replaceAll("[^a-z0-9-]+", "-") + "." + e.state();
        CrashPoint.here(point + ".before");
        try (Connection c = target.open("bulwark-deploy-journal")) {
            c.setAutoCommit(false);
            ensure(c);
            write(c, e);
            c.commit();
        } catch (SQLException ex) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot write the deploy journal " + qualified + ": "
                    + Masking.mask(String.valueOf(ex.getMessage())), "check that the user may create and write tables in schema " + schema, ex);
        }
        CrashPoint.here(point + ".after");
    }

    /** Writes entries in one transaction (a rollback plan: every owed step at once). */
    public void writeAll(List<Entry> entries, String point) {
        CrashPoint.here("deploy.journal." + point + ".before");
        try (Connection c = target.open("bulwark-deploy-journal")) {
            c.setAutoCommit(false);
            ensure(c);
            for (Entry e : entries) {
                write(c, e);
            }
            c.commit();
        } catch (SQLException ex) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot write the deploy journal " + qualified + ": "
                    + Masking.mask(String.valueOf(ex.getMessage())), "check that the user may create and write tables in schema " + schema, ex);
        }
        CrashPoint.here("deploy.journal." + point + ".after");
    }

    /** Writes an entry on the caller's connection, inside the caller's transaction (atomic with the step's effect). */
    public void write(Connection c, Entry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified
                + " (deploy_id, seq, kind, name, state, detail, payload, started_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (deploy_id, seq) DO UPDATE SET state = EXCLUDED.state, detail = EXCLUDED.detail,"
                + " payload = COALESCE(EXCLUDED.payload, " + qualified + ".payload), finished_at = EXCLUDED.finished_at")) {
            ps.setString(1, e.deployId());
            ps.setInt(2, e.seq());
            ps.setString(3, e.kind());
            ps.setString(4, e.name());
            ps.setString(5, e.state());
            ps.setString(6, e.detail() == null ? null : Masking.mask(e.detail()));
            ps.setString(7, e.payload());
            ps.setTimestamp(8, Timestamp.from(e.startedAt() == null ? Instant.now() : e.startedAt()));
            ps.setTimestamp(9, e.finishedAt() == null ? null : Timestamp.from(e.finishedAt()));
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ reads

    public List<Entry> entries(String deployId) {
        try (Connection c = target.open("bulwark-deploy-journal")) {
            return entries(c, deployId);
        } catch (SQLException ex) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read the deploy journal " + qualified + ": "
                    + Masking.mask(String.valueOf(ex.getMessage())), null, ex);
        }
    }

    private List<Entry> entries(Connection c, String deployId) throws SQLException {
        List<Entry> out = new ArrayList<>();
        if (!exists(c)) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT deploy_id, seq, kind, name, state, detail, payload, started_at, finished_at"
                + " FROM " + qualified + " WHERE deploy_id = ? ORDER BY seq")) {
            ps.setString(1, deployId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getTimestamp(9) == null ? null : rs.getTimestamp(9).toInstant()));
                }
            }
        }
        return out;
    }

    private boolean exists(Connection c) throws SQLException {
        return dev.bulwark.pg.Relations.exists(c, qualified);
    }

    /** Deploys whose journal is not finished, oldest first: in progress (lock held) or interrupted. */
    public List<Unfinished> unfinished() {
        try (Connection c = target.open("bulwark-deploy-journal")) {
            return unfinished(c);
        } catch (SQLException ex) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read the deploy journal " + qualified + ": "
                    + Masking.mask(String.valueOf(ex.getMessage())), null, ex);
        }
    }

    public List<Unfinished> unfinished(Connection c) throws SQLException {
        List<Unfinished> out = new ArrayList<>();
        if (!exists(c)) {
            return out;
        }
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT deploy_id FROM " + qualified + " WHERE kind = '" + HEADER
                + "' AND state <> 'finished' ORDER BY started_at, deploy_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        if (ids.isEmpty()) {
            return out;
        }
        Optional<LockHolder> holder = AdvisoryLock.holder(c, lockKey());
        for (String id : ids) {
            List<Entry> es = entries(c, id);
            Entry header = es.get(0);
            Entry last = es.stream().filter(e -> !e.kind().equals(HEADER)).reduce((a, b) -> b).orElse(null);
            boolean rolling = es.stream().anyMatch(e -> e.kind().equals(ROLLBACK)) || es.stream().anyMatch(e -> e.kind().equals(STAGE)
                    && e.name().equals("rollback"));
            String stage = last == null ? "start" : rolling ? "rollback" : last.name();
            String stageState = last == null ? "nothing done yet" : last.kind().equals(ROLLBACK) ? "step " + last.name() + " " + last.state()
                    : last.state();
            List<String> owed = es.stream().filter(Entry::isOwed).map(e -> e.name() + (e.detail() == null ? "" : ": " + e.detail())).toList();
            // one deploy (or resume) at a time holds the journal lock: while it is held, the unfinished journal is being worked on
            LockHolder running = holder.orElse(null);
            out.add(new Unfinished(id, header.startedAt(), stage, stageState, owed, running));
        }
        return out;
    }

    /** Refuses (exit 7) while a deploy is unfinished; {@code what} names the refused command. */
    public void refuseIfUnfinished(String what) {
        refuseIfUnfinished(what, false);
    }

    /** @param holdingLock the caller holds the journal lock itself: no other deploy can be running, so every unfinished one was interrupted */
    public void refuseIfUnfinished(String what, boolean holdingLock) {
        List<Unfinished> open = unfinished();
        if (open.isEmpty()) {
            return;
        }
        Unfinished u = open.get(0);
        if (holdingLock) {
            u = new Unfinished(u.deployId(), u.startedAt(), u.stage(), u.stageState(), u.owed(), null);
        }
        throw new BulwarkException(ErrorCode.DEPLOY_UNFINISHED, what + " refused: " + String.join("; ", u.describe()),
                u.interrupted() ? "run '" + RESUME_COMMAND + "' first; it finishes what the interrupted deploy owes"
                        : "wait for that deploy to finish");
    }
}
