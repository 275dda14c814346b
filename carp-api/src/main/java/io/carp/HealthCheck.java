package io.carp;

/**
 * An application health check. While it fails, the group's demotion rises by the check's weight, so a healthy peer
 * takes over even without preempt; when it passes again the demotion drops back.
 *
 * <p>Checks run on the health-check executor (see {@link CarpGroupBuilder#healthCheckExecutor}), never on the protocol
 * thread, so a check may block (keep it well under its interval).
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * Runs the check.
     *
     * @return {@code true} if healthy
     * @throws Exception counted as a failure (so is any other {@link Throwable} but a {@link VirtualMachineError})
     */
    boolean isHealthy() throws Exception;

    /**
     * A check that passes while something accepts TCP connections at {@code host:port} (e.g. the application's own
     * listener).
     *
     * @param host          host name or address literal
     * @param port          1-65535
     * @param timeoutMillis connect timeout in milliseconds, 1 or more (keep it well under the check's interval; 0,
     *                      "no timeout", is refused: a check that never returns would never report again)
     * @return the check
     */
    static HealthCheck tcpPort(String host, int port, int timeoutMillis) {
        java.util.Objects.requireNonNull(host, "host");
        CarpChecks.inRange("port", port, 1, 65535);
        CarpChecks.inRange("timeoutMillis", timeoutMillis, 1, Integer.MAX_VALUE);
        return () -> {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
                return true;
            }
        };
    }
}
