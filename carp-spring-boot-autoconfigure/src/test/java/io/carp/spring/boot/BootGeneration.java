package io.carp.spring.boot;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * What differs between Spring Boot 3.5 and 4.0 for these tests, looked up by name so that the same test sources
 * compile and run against both (carp-spring-boot-autoconfigure runs them on 3.5, carp-spring-boot-boot4-tests on
 * 4.0).
 */
final class BootGeneration {
    private static final String[] BOOT3_METRICS = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    };
    private static final String[] BOOT4_METRICS = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    };

    private BootGeneration() {
    }

    /** 3 or 4: the major version of the Spring Boot on the class path. */
    static int major() {
        return Integer.parseInt(org.springframework.boot.SpringBootVersion.getVersion().split("\\.")[0]);
    }

    /** Spring Boot's own metrics auto-configuration (a SimpleMeterRegistry, and binding of MeterBinder beans). */
    static AutoConfigurations metrics() {
        List<Class<?>> classes = new ArrayList<>();
        for (String name : major() == 4 ? BOOT4_METRICS : BOOT3_METRICS) {
            classes.add(load(name));
        }
        return AutoConfigurations.of(classes.toArray(new Class<?>[0]));
    }

    private static final String[] BOOT3_HEALTH_ENDPOINT = {
        "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration",
    };
    private static final String[] BOOT4_HEALTH_ENDPOINT = {
        "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration",
    };

    /** Spring Boot's own health endpoint auto-configuration: the registry that names contributors by bean name. */
    static AutoConfigurations healthEndpoint() {
        List<Class<?>> classes = new ArrayList<>();
        for (String name : major() == 4 ? BOOT4_HEALTH_ENDPOINT : BOOT3_HEALTH_ENDPOINT) {
            classes.add(load(name));
        }
        return AutoConfigurations.of(classes.toArray(new Class<?>[0]));
    }

    /** The status code the health endpoint bean gives for a path, e.g. {@code "carp"}. */
    static String endpointStatus(Object healthEndpoint, String path) {
        try {
            Object component = healthEndpoint.getClass().getMethod("healthForPath", String[].class)
                    .invoke(healthEndpoint, (Object) new String[] {path});
            if (component == null) {
                return null;
            }
            Object status = component.getClass().getMethod("getStatus").invoke(component);
            return (String) status.getClass().getMethod("getCode").invoke(status);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read health endpoint " + healthEndpoint, e);
        }
    }

    /** The generation's health contributor auto-configuration of this module. */
    static Class<?> healthAutoConfiguration() {
        return major() == 4 ? CarpHealthBoot4AutoConfiguration.class : CarpHealthBoot3AutoConfiguration.class;
    }

    /** The generation's HealthIndicator interface. */
    static Class<?> healthIndicatorType() {
        return load(major() == 4 ? "org.springframework.boot.health.contributor.HealthIndicator"
                : "org.springframework.boot.actuate.health.HealthIndicator");
    }

    /** Calls {@code health()} on a health indicator of either generation. */
    static Reading health(Object indicator) {
        try {
            Method health = healthIndicatorType().getMethod("health");
            Object h = health.invoke(indicator);
            Object status = h.getClass().getMethod("getStatus").invoke(h);
            String code = (String) status.getClass().getMethod("getCode").invoke(status);
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) h.getClass().getMethod("getDetails").invoke(h);
            return new Reading(code, details);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read health of " + indicator, e);
        }
    }

    /** A health reading: the status code and the details. */
    record Reading(String status, Map<String, Object> details) {
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, BootGeneration.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("Spring Boot " + major() + " has no " + name, e);
        }
    }
}
