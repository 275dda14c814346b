package io.carp.spring.boot;

import io.carp.CarpGroupBuilder;
import io.carp.HealthCheck;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@code carp.groups.<name>.health-checks.<check>}: a TCP connect check ({@link HealthCheck#tcpPort}) or an HTTP GET
 * that must answer 2xx, each validated with a message naming the property.
 */
final class PropertyHealthChecks {
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    private static final Duration MAX = Duration.ofHours(1);

    private PropertyHealthChecks() {
    }

    /**
     * Adds every check of a group to its builder.
     *
     * @param prefix  {@code carp.groups.NAME.}
     * @param checks  the bound checks, by name
     * @param builder the group's builder
     * @throws CarpConfigurationException naming the first bad property
     */
    static void add(String prefix, Map<String, CarpProperties.Check> checks, CarpGroupBuilder builder) {
        for (Map.Entry<String, CarpProperties.Check> e : checks.entrySet()) {
            String name = e.getKey();
            CarpProperties.Check c = e.getValue();
            String p = prefix + "health-checks." + name + ".";
            range(p + "interval", c.getInterval(), MIN_INTERVAL, "100ms-1h");
            range(p + "timeout", c.getTimeout(), MIN_TIMEOUT, "10ms-1h");
            if (c.getWeight() < 1 || c.getWeight() > 240) {
                throw new CarpConfigurationException(p + "weight", p + "weight: " + c.getWeight()
                        + " is out of range 1-240");
            }
            HealthCheck check = check(p, c);
            builder.healthCheck(name, check, c.getInterval(), c.getTimeout(), c.getWeight());
        }
    }

    private static HealthCheck check(String p, CarpProperties.Check c) {
        boolean tcp = c.getTcpPort() != null;
        boolean http = c.getHttpUrl() != null && !c.getHttpUrl().isBlank();
        if (tcp == http) {
            throw new CarpConfigurationException(p + "tcp-port", p.substring(0, p.length() - 1) + ": "
                    + (tcp ? "both tcp-port and http-url set" : "neither tcp-port nor http-url set")
                    + " (expected: exactly one of them)");
        }
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, c.getTimeout().toMillis()));
        if (tcp) {
            if (c.getTcpPort() < 1 || c.getTcpPort() > 65535) {
                throw new CarpConfigurationException(p + "tcp-port", p + "tcp-port: " + c.getTcpPort()
                        + " is out of range 1-65535");
            }
            if (c.getHost() == null || c.getHost().isBlank()) {
                throw new CarpConfigurationException(p + "host", p + "host: empty (expected: a host name or address"
                        + " literal, default 127.0.0.1)");
            }
            return HealthCheck.tcpPort(c.getHost().trim(), c.getTcpPort(), timeoutMillis);
        }
        URI uri;
        try {
            uri = URI.create(c.getHttpUrl().trim());
        } catch (IllegalArgumentException ex) {
            throw new CarpConfigurationException(p + "http-url", p + "http-url: \"" + c.getHttpUrl()
                    + "\" (expected: an http:// or https:// URL)", ex);
        }
        if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme())
                || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw new CarpConfigurationException(p + "http-url", p + "http-url: \"" + c.getHttpUrl()
                    + "\" (expected: an http:// or https:// URL with a host)");
        }
        return () -> {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            try {
                connection.setConnectTimeout(timeoutMillis);
                connection.setReadTimeout(timeoutMillis);
                connection.setInstanceFollowRedirects(false);
                connection.setUseCaches(false);
                int status = connection.getResponseCode();
                return status >= 200 && status < 300;
            } finally {
                connection.disconnect();
            }
        };
    }

    private static void range(String property, Duration value, Duration min, String allowed) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(MAX) > 0) {
            throw new CarpConfigurationException(property, property + ": " + (value == null ? "not set"
                    : value.toMillis() + "ms") + " is out of range " + allowed);
        }
    }
}
