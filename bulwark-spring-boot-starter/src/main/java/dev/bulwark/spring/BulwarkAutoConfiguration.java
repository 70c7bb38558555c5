package dev.bulwark.spring;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.BulwarkEvent;
import dev.bulwark.api.FluentConfiguration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

import javax.sql.DataSource;

/**
 * Bulwark on the application's DataSource: a {@link Bulwark} bean (unless the application
 * defines its own) and, at startup, {@link BulwarkMigrationInitializer}.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass(Bulwark.class)
@ConditionalOnProperty(prefix = "spring.bulwark", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BulwarkProperties.class)
public class BulwarkAutoConfiguration {
    private static final Log LOG = LogFactory.getLog(Bulwark.class);

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    public Bulwark bulwark(DataSource dataSource, BulwarkProperties properties, ResourceLoader resourceLoader) {
        ClassLoader loader = resourceLoader.getClassLoader() != null ? resourceLoader.getClassLoader() : Bulwark.class.getClassLoader();
        FluentConfiguration c = Bulwark.configure(loader)
                .dataSource(dataSource)
                .locations(properties.getLocations().toArray(String[]::new))
                .eventListener(BulwarkAutoConfiguration::log);
        if (properties.getLockTimeout() != null) {
            c.lockTimeout(properties.getLockTimeout());
        }
        if (properties.getLockRetryBudget() != null) {
            c.lockRetryBudget(properties.getLockRetryBudget());
        }
        if (properties.getLockWait() != null) {
            c.lockWait(properties.getLockWait());
        }
        if (properties.getStatementTimeout() != null) {
            c.statementTimeout(properties.getStatementTimeout());
        }
        if (properties.getHistorySchema() != null) {
            c.historySchema(properties.getHistorySchema());
        }
        return c.load();
    }

    @Bean
    @ConditionalOnBean(Bulwark.class)
    @ConditionalOnMissingBean
    public BulwarkMigrationInitializer bulwarkMigrationInitializer(Bulwark bulwark, BulwarkProperties properties) {
        return new BulwarkMigrationInitializer(bulwark, properties.getMode(), properties.isContractPhase());
    }

    private static void log(BulwarkEvent event) {
        if (event instanceof BulwarkEvent.Warning w) {
            LOG.warn(w.message());
        } else if (event instanceof BulwarkEvent.Progress p) {
            LOG.debug(p.message());
        } else if (event instanceof BulwarkEvent.MigrationApplied a) {
            LOG.info("Bulwark applied " + a.id() + " " + a.description() + " in " + a.duration().toMillis() + " ms");
        }
    }
}
