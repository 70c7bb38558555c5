package dev.bulwark.spring;

import dev.bulwark.api.Bulwark;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code bulwark} Actuator endpoint and health indicator, when Actuator is on the class path. */
@AutoConfiguration(after = BulwarkAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(Bulwark.class)
public class BulwarkActuatorAutoConfiguration {
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public BulwarkEndpoint bulwarkEndpoint(Bulwark bulwark) {
        return new BulwarkEndpoint(bulwark);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("bulwark")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "bulwarkHealthIndicator")
        BulwarkHealthIndicator bulwarkHealthIndicator(Bulwark bulwark) {
            return new BulwarkHealthIndicator(bulwark);
        }
    }
}
