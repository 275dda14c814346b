package io.carp.spring.boot;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code carp} health contributor on Spring Boot 3, whose health API is in
 * {@code org.springframework.boot.actuate.health}. Boot 4 moved it to {@code org.springframework.boot.health} (module
 * spring-boot-health): {@link CarpHealthBoot4AutoConfiguration} covers that; each is active only where its classes
 * are. Off with {@code management.health.carp.enabled=false}.
 */
@AutoConfiguration(after = CarpAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(CarpGroups.class)
@ConditionalOnEnabledHealthIndicator("carp")
public class CarpHealthBoot3AutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "carpHealthIndicator")
    HealthIndicator carpHealthIndicator(CarpGroups groups) {
        return () -> {
            CarpHealth h = CarpHealth.of(groups);
            return Health.status(new Status(h.status)).withDetails(h.details).build();
        };
    }
}
