package io.carp.spring.boot;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code carp} entry of the info endpoint: the runtime and, per group, its settings and state. Spring Boot 3 and
 * 4 share the info API. Off with {@code management.info.carp.enabled=false}.
 */
@AutoConfiguration(after = CarpAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
@ConditionalOnBean(CarpGroups.class)
@ConditionalOnProperty(prefix = "management.info.carp", name = "enabled", havingValue = "true", matchIfMissing = true)
public class CarpInfoAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "carpInfoContributor")
    InfoContributor carpInfoContributor(CarpGroups groups) {
        return builder -> {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("runtime", groups.runtimeDescription());
            Map<String, Object> byName = new LinkedHashMap<>();
            for (Map.Entry<String, CarpGroup> e : groups.all().entrySet()) {
                CarpGroup g = e.getValue();
                CarpConfig c = g.config();
                Map<String, Object> d = CarpHealth.describe(g, g.state());
                d.put("advbase", c.advbase());
                d.put("advskew", c.advskew());
                d.put("preempt", c.preempt());
                d.put("masterDownMillis", c.masterDownInterval().toMillis());
                d.put("manageAddresses", c.manageAddresses());
                byName.put(e.getKey(), d);
            }
            info.put("groups", byName);
            builder.withDetail("carp", info);
        };
    }
}
