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
import java.util.stream.Collectors;

/**
 * Runs at startup, before beans that use the database (it is a database initializer to Boot):
 * applies the pending migrations, or in {@link BulwarkProperties.Mode#VALIDATE validate} mode
 * fails startup when the database is not exactly at the migrations. Migrate mode stops before the
 * first pending {@code -- bulwark:phase contract} migration, with a warning, unless
 * {@code spring.bulwark.contract-phase} is on.
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
            List<MigrationInfo> wrong = bulwark.status().stream()
                    .filter(m -> m.state() != MigrationState.APPLIED && m.state() != MigrationState.BASELINE).toList();
            if (!wrong.isEmpty()) {
                throw new IllegalStateException("spring.bulwark.mode=validate: " + wrong.size() + " migration(s) not applied as they are: "
                        + wrong.stream().map(m -> m.id() + " " + m.state().name().toLowerCase(java.util.Locale.ROOT)
                        + (m.detail() == null ? "" : " (" + m.detail() + ")")).collect(Collectors.joining(", "))
                        + "; apply them (mode=migrate, or the bulwark CLI) or fix the history before starting");
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
}
