package io.carp.spring.boot;

import io.carp.netty.NettyCarpRuntime;
import io.carp.CarpRuntime;
import io.carp.testkit.SimulatedNetwork;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Runs the groups of {@code carp.groups} (see {@link CarpProperties}) on a runtime: the application's own
 * {@code CarpRuntime} bean if it defines one, else carp-netty's Linux runtime ({@code carp.runtime=linux}, the
 * default) or the testkit's simulated network ({@code carp.runtime=simulated}). Off with {@code carp.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "carp", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(CarpProperties.class)
public class CarpAutoConfiguration {

    /** The {@link CarpGroups}, started after the web server and stopped (bow-out) before it. */
    @Bean
    @ConditionalOnMissingBean
    public CarpGroups carpGroups(CarpProperties properties, ObjectProvider<CarpRuntime> runtime,
                                 ObjectProvider<SimulatedCarpNetwork> simulated,
                                 ApplicationEventPublisher publisher,
                                 ObjectProvider<CarpGroupCustomizer> customizers) {
        GroupRunner runner;
        CarpRuntime own = runtime.getIfUnique();
        SimulatedCarpNetwork sim = simulated.getIfUnique();
        if (own != null) {
            runner = new RuntimeGroupRunner(own);
        } else if (sim != null) {
            runner = new SimulatedGroupRunner(sim);
        } else if (properties.getRuntime() == CarpProperties.RuntimeKind.SIMULATED) {
            throw new CarpConfigurationException("carp.runtime", "carp.runtime: simulated needs io.carp:carp-testkit"
                    + " on the class path (expected: add it, e.g. in test scope, or carp.runtime=linux)");
        } else {
            throw new CarpConfigurationException("carp.runtime", "carp.runtime: linux needs io.carp:carp-netty on the"
                    + " class path (expected: depend on carp-spring-boot-starter, or carp.runtime=simulated)");
        }
        return new CarpGroups(properties, runner, publisher, customizers.orderedStream().toList());
    }

    /** carp-netty's Linux runtime, unless the application defines a runtime. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(NettyCarpRuntime.class)
    @ConditionalOnProperty(prefix = "carp", name = "runtime", havingValue = "linux", matchIfMissing = true)
    static class LinuxRuntimeConfiguration {

        /**
         * No JVM shutdown hook of its own: Spring's shutdown closes the groups in {@link CarpGroups#PHASE} (bow-out
         * before the web server stops), then this runtime.
         */
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(CarpRuntime.class)
        NettyCarpRuntime carpRuntime() {
            return NettyCarpRuntime.builder().bowOutOnShutdown(false).build();
        }
    }

    /** The testkit's simulated network, unless the application defines a runtime. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SimulatedNetwork.class)
    @ConditionalOnProperty(prefix = "carp", name = "runtime", havingValue = "simulated")
    static class SimulatedRuntimeConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean({CarpRuntime.class, SimulatedCarpNetwork.class})
        SimulatedCarpNetwork simulatedCarpNetwork(CarpProperties properties, Environment environment) {
            CarpProperties.Simulated s = properties.getSimulated();
            String node = s.getNodeName() != null ? s.getNodeName()
                    : environment.getProperty("spring.application.name", "node");
            return SimulatedCarpNetwork.join(s.getNetwork(), node, s.getNodeAddress(), s.getTimeScale());
        }
    }
}
