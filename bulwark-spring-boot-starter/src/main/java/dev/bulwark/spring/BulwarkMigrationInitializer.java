package dev.bulwark.spring;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.MigrateOptions;
import dev.bulwark.api.MigrationInfo;
import dev.bulwark.api.MigrationReport;
import dev.bulwark.api.MigrationState;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.InitializingBean;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs at startup, before beans that use the database (it is a database initializer to Boot):
 * applies the pending migrations, or in {@link BulwarkProperties.Mode#VALIDATE validate} mode
 * fails startup when the database is not exactly at the migrations. Migrate mode stops before the
 * first pending {@code -- bulwark:phase contract} migration, with a warning, unless
 * {@code spring.bulwark.contract-phase} is on; validate mode then accepts the migrations waiting at
 * that barrier (with a warning), as the release between the two phases must start.
 */
public class BulwarkMigrationInitializer implements InitializingBean {
    private static final Log LOG = LogFactory.getLog(BulwarkMigrationInitializer.class);

    private final Bulwark bulwark;
    private final BulwarkProperties.Mode mode;
    private final boolean contractPhase;

    public BulwarkMigrationInitializer(Bulwark bulwark, BulwarkProperties.Mode mode) {
        this(bulwark, mode, false);
    }

    public BulwarkMigrationInitializer(Bulwark bulwark, BulwarkProperties.Mode mode, boolean contractPhase) {
        this.bulwark = bulwark;
        this.mode = mode;
        this.contractPhase = contractPhase;
    }

    @Override
    public void afterPropertiesSet() {
        if (mode == BulwarkProperties.Mode.VALIDATE) {
            List<MigrationInfo> notApplied = bulwark.status().stream()
                    .filter(m -> m.state() != MigrationState.APPLIED && m.state() != MigrationState.BASELINE).toList();
            // between the two phases the contract migrations wait by design: the release that runs then must start
            Set<String> waiting = notApplied.isEmpty() || contractPhase ? Set.of() : waitingAtBarrier();
            List<MigrationInfo> wrong = notApplied.stream()
                    .filter(m -> !(m.state() == MigrationState.PENDING && waiting.contains(m.id()))).toList();
            if (!wrong.isEmpty()) {
                throw new IllegalStateException("spring.bulwark.mode=validate: " + wrong.size() + " migration(s) not applied as they are: "
                        + wrong.stream().map(m -> m.id() + " " + m.state().name().toLowerCase(java.util.Locale.ROOT)
                        + (m.detail() == null ? "" : " (" + m.detail() + ")")).collect(Collectors.joining(", "))
                        + "; apply them (mode=migrate, or the bulwark CLI) or fix the history before starting");
            }
            if (!waiting.isEmpty()) {
                LOG.warn("Bulwark: validate mode: the database is at the phase barrier; " + waiting.size()
                        + " migration(s) wait for the contract phase (" + String.join(", ", new TreeSet<>(waiting))
                        + "), all others are applied");
                return;
            }
            LOG.info("Bulwark: all " + bulwark.status().size() + " migrations applied (validate mode)");
            return;
        }
        MigrationReport r = bulwark.migrate(contractPhase ? MigrateOptions.defaults().includingContractPhase() : MigrateOptions.defaults());
        LOG.info("Bulwark: applied " + r.migrations().size() + " migration(s); database at version " + r.currentVersion());
        if (r.stoppedAtPhaseBarrier()) {
            LOG.warn("Bulwark: stopped at the phase barrier before " + r.waitingAtBarrier().get(0) + " (-- bulwark:phase contract): "
                    + r.waitingAtBarrier().size() + " migration(s) not applied (" + String.join(", ", r.waitingAtBarrier())
                    + "); once no running instance needs the old schema, start with spring.bulwark.contract-phase=true"
                    + " (or run bulwark migrate --phase contract)");
        }
    }

    /** The pending migrations migrate would leave at the phase barrier (a dry run: it changes nothing), or none when it cannot tell. */
    private Set<String> waitingAtBarrier() {
        try {
            return Set.copyOf(bulwark.migrate(MigrateOptions.defaults().asDryRun()).waitingAtBarrier());
        } catch (RuntimeException e) {
            return Set.of(); // the status above says what is wrong
        }
    }
}
