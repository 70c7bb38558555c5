package dev.bulwark.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code spring.bulwark.*}: what Bulwark does at startup. Unset durations keep Bulwark's defaults. */
@ConfigurationProperties(prefix = "spring.bulwark")
public class BulwarkProperties {
    /** What to do at startup. */
    public enum Mode {
        /** apply the pending migrations */
        MIGRATE,
        /** apply nothing; fail startup when a migration is pending, failed, edited after apply or missing */
        VALIDATE
    }

    /** Whether the auto-configuration runs at all. */
    private boolean enabled = true;
    private Mode mode = Mode.MIGRATE;
    /**
     * Whether startup runs {@code -- bulwark:phase contract} migrations too. Off: it stops before the
     * first pending one and logs a warning; turn it on once no running instance needs the old schema.
     */
    private boolean contractPhase;
    /** Where the migrations are; Flyway's default layout. */
    private List<String> locations = new ArrayList<>(List.of("classpath:db/migration"));
    /** lock_timeout of every migration statement (default 2s). */
    private Duration lockTimeout;
    /** Total time spent retrying statements that hit the lock timeout (default 5m). */
    private Duration lockRetryBudget;
    /** How long startup waits for another instance's migration lock (default 60s). */
    private Duration lockWait;
    /** statement_timeout of every migration statement (default none). */
    private Duration statementTimeout;
    /** Schema of bulwark_history (default public). */
    private String historySchema;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public boolean isContractPhase() {
        return contractPhase;
    }

    public void setContractPhase(boolean contractPhase) {
        this.contractPhase = contractPhase;
    }

    public List<String> getLocations() {
        return locations;
    }

    public void setLocations(List<String> locations) {
        this.locations = locations;
    }

    public Duration getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public Duration getLockRetryBudget() {
        return lockRetryBudget;
    }

    public void setLockRetryBudget(Duration lockRetryBudget) {
        this.lockRetryBudget = lockRetryBudget;
    }

    public Duration getLockWait() {
        return lockWait;
    }

    public void setLockWait(Duration lockWait) {
        this.lockWait = lockWait;
    }

    public Duration getStatementTimeout() {
        return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    public String getHistorySchema() {
        return historySchema;
    }

    public void setHistorySchema(String historySchema) {
        this.historySchema = historySchema;
    }
}
