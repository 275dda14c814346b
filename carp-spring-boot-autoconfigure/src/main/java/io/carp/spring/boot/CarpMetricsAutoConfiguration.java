package io.carp.spring.boot;

import io.carp.micrometer.CarpMeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * carp-micrometer's {@link CarpMeterBinder} for every group, as a {@code MeterBinder} bean: Spring Boot's metrics
 * auto-configuration binds it to each {@code MeterRegistry} of the application (none: nothing is registered).
 */
@AutoConfiguration(after = CarpAutoConfiguration.class)
@ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "io.carp.micrometer.CarpMeterBinder"})
@ConditionalOnBean(CarpGroups.class)
@Conditional(CarpMetricsAutoConfiguration.OnAnyGroup.class)
public class CarpMetricsAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    CarpMeterBinder carpMeterBinder(CarpGroups groups) {
        return CarpMeterBinder.of(groups.all().values());
    }

    /** At least one group under {@code carp.groups}: a binder of no group has nothing to register. */
    static final class OnAnyGroup extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean any = Binder.get(context.getEnvironment())
                    .bind("carp.groups", Bindable.mapOf(String.class, CarpProperties.Group.class))
                    .map(m -> !m.isEmpty()).orElse(false);
            return any ? ConditionOutcome.match("carp.groups has groups")
                    : ConditionOutcome.noMatch("carp.groups is empty");
        }
    }
}
