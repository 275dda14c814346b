package io.carp.examples.spring;

import io.carp.CarpState;
import io.carp.spring.boot.CarpGroups;
import io.carp.spring.boot.CarpStateChangedEvent;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The service on the virtual address: a second Tomcat connector ({@code failover.port}, on all addresses by default)
 * whose requests are answered only where the virtual address is, that is on the MASTER. The kernel delivers requests
 * for the virtual address only to the node that holds it (the starter adds it on MASTER and removes it on leaving
 * MASTER); a request on the service port for any other address is answered while this node is MASTER, else with 503.
 *
 * <p>Why a connector that is always open rather than one opened on MASTER: the library claims the address and sends
 * the gratuitous ARP before it publishes the MASTER event, so a connector opened by that event would leave a moment
 * in which clients reach the new master and are refused. This way the new master answers the first packet.
 */
@Component
class VirtualAddressService extends OncePerRequestFilter
        implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualAddressService.class);

    private final CarpGroups groups;
    private final FailoverProperties properties;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Connector connector;

    VirtualAddressService(CarpGroups groups, FailoverProperties properties) {
        this.groups = groups;
        this.properties = properties;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        Connector c = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
        c.setPort(properties.getPort());
        if (properties.getBindAddress() != null) {
            c.setProperty("address", properties.getBindAddress());
        }
        factory.addAdditionalTomcatConnectors(c);
        connector = c;
    }

    @EventListener
    void onStateChange(CarpStateChangedEvent event) {
        if (!event.groupName().equals(properties.getGroup())) {
            return;
        }
        LOG.info("carp.groups.{}: {} -> {} ({})", event.groupName(), event.from(), event.to(), event.reason());
        if (event.becameMaster()) {
            LOG.info("serving {} on port {}", addresses(), servicePort());
        } else if (event.leftMaster()) {
            LOG.info("no longer serving {}", addresses());
        }
    }

    /** The service port (the bound one when {@code failover.port} is 0), or -1 before the web server started. */
    int servicePort() {
        Connector c = connector;
        return c == null ? -1 : c.getLocalPort();
    }

    /**
     * Waits until no request is in progress on the service port (at most {@code failover.drain-millis}). Called right
     * before the bow-out: a request that a node accepted but had not answered when its address moved would fail,
     * because its answer can no longer leave from an address the node has given up.
     */
    void awaitIdle() {
        long start = System.nanoTime();
        long deadline = System.nanoTime() + properties.getDrainMillis() * 1_000_000L;
        while ((inFlight.get() > 0 || openConnections() > 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        LOG.info("bowing out after {} us waiting for the service port to be idle ({} in progress, {} open)",
                (System.nanoTime() - start) / 1000, inFlight.get(), openConnections());
    }

    /**
     * Connections Tomcat accepted on the service port and has not closed, whether or not a request started. Tomcat's
     * acceptor counts the connection it waits for in advance: one is subtracted.
     */
    private long openConnections() {
        Connector c = connector;
        if (c != null && c.getProtocolHandler() instanceof AbstractProtocol<?> p) {
            return Math.max(0, p.getConnectionCount() - 1);
        }
        return 0;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getLocalPort() != servicePort()) {
            chain.doFilter(request, response); // the application's own port: actuator etc.
            return;
        }
        inFlight.incrementAndGet();
        try {
            if (toVirtualAddress(request) || groups.state(properties.getGroup()) == CarpState.MASTER) {
                chain.doFilter(request, response);
            } else {
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "not the master");
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private boolean toVirtualAddress(HttpServletRequest request) throws IOException {
        InetAddress local = InetAddress.getByName(request.getLocalAddr()); // a literal: no lookup
        return groups.group(properties.getGroup()).config().virtualAddresses().contains(local);
    }

    private String addresses() {
        return groups.group(properties.getGroup()).config().virtualAddresses().stream()
                .map(InetAddress::getHostAddress).toList().toString();
    }
}
