package dev.bulwark.deploy;

import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.pg.Masking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * {@code <history schema>.bulwark_audit}: one row per deploy stage, written as the stage ends on
 * its own autocommit connection, so the record survives a rollback of the migration it describes.
 */
public final class Audit {
    public static final String NAME = "bulwark_audit";

    private final ConnectionSpec target;
    private final String qualified;
    private final String schema;

    public Audit(ConnectionSpec target, String schema) {
        this.target = target;
        this.schema = schema;
        this.qualified = Identifiers.qualified(schema, NAME);
    }

    public String qualifiedName() {
        return qualified;
    }

    /** Records a stage; an audit failure is returned as a warning, never fails the deploy. */
    public String record(String deployId, DeployReport.Stage stage) {
        try (Connection c = target.open("bulwark-audit")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema));
                s.execute("CREATE TABLE IF NOT EXISTS " + qualified + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " deploy_id text NOT NULL, stage text NOT NULL, status text NOT NULL, started_at timestamptz NOT NULL,"
                        + " duration_ms bigint NOT NULL, decision text, details text, recorded_by text NOT NULL DEFAULT current_user,"
                        + " recorded_at timestamptz NOT NULL DEFAULT now())");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified
                    + " (deploy_id, stage, status, started_at, duration_ms, decision, details) VALUES (?,?,?,?,?,?,?)")) {
                ps.setString(1, deployId);
                ps.setString(2, stage.name());
                ps.setString(3, stage.status().label());
                ps.setTimestamp(4, Timestamp.from(stage.startedAt()));
                ps.setLong(5, stage.durationMs());
                ps.setString(6, Masking.mask(stage.decision()));
                ps.setString(7, Masking.mask(String.join("\n", stage.details())));
                ps.executeUpdate();
            }
            return null;
        } catch (SQLException | RuntimeException e) {
            return "warning: could not record stage " + stage.name() + " in " + qualified + ": " + Masking.mask(String.valueOf(e.getMessage()));
        }
    }
}
