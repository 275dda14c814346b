package io.carp.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * The {@code carp} health contributor on Spring Boot 4 (module spring-boot-health). Compiled against that module's
 * jar, which is not a runtime dependency: this class is used only where Boot 4's health classes are present. See
 * {@link CarpHealthBoot3AutoConfiguration}.
 */
@AutoConfiguration(after = CarpAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(CarpGroups.class)
@ConditionalOnEnabledHealthIndicator("carp")
public class CarpHealthBoot4AutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "carpHealthIndicator")
    HealthIndicator carpHealthIndicator(CarpGroups groups) {
        return () -> {
            CarpHealth h = CarpHealth.of(groups);
            return Health.status(new Status(h.status)).withDetails(h.details).build();
        };
    }
}
