package io.carp.examples.spring;

import io.carp.spring.boot.CarpGroups;
import io.carp.spring.boot.CarpStateChangedEvent;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Opens an HTTP listener on the virtual address when this node becomes MASTER of the group and closes it when it stops
 * being MASTER: one more Tomcat connector on the application's own web server, so the same controllers answer there.
 *
 * <p>With {@code manage-addresses} (the default) the library has added the virtual address to the interface before
 * the MASTER event is published, and has removed it before the event for leaving MASTER: so the connector binds an
 * address that is there, and on leaving no new connection can reach it; the requests in progress are finished
 * ({@code failover.drain-millis}) before the connector closes. On shutdown the starter closes the group (bow-out: the
 * other node takes over at once) before the web server's graceful shutdown begins.
 */
@Component
class VirtualAddressListener extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualAddressListener.class);

    private final ApplicationContext context;
    private final CarpGroups groups;
    private final FailoverProperties properties;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object lock = new Object();
    private Connector connector; // guarded by lock
    private volatile int servingPort = -1;

    VirtualAddressListener(ApplicationContext context, CarpGroups groups, FailoverProperties properties) {
        this.context = context;
        this.groups = groups;
        this.properties = properties;
    }

    @EventListener
    void onStateChange(CarpStateChangedEvent event) {
        if (!event.groupName().equals(properties.getGroup())) {
            return;
        }
        LOG.info("carp.groups.{}: {} -> {} ({})", event.groupName(), event.from(), event.to(), event.cause());
        if (event.becameMaster()) {
            open();
        } else if (event.leftMaster()) {
            close();
        }
    }

    /** The port the listener is bound to, or -1 while this node is not serving. */
    int localPort() {
        synchronized (lock) {
            return connector == null ? -1 : connector.getLocalPort();
        }
    }

    private String bindAddress() {
        if (properties.getBindAddress() != null) {
            return properties.getBindAddress();
        }
        return groups.group(properties.getGroup()).config().virtualAddresses().get(0).getHostAddress();
    }

    private void open() {
        synchronized (lock) {
            if (connector != null) {
                return;
            }
            Service service = tomcatService();
            Connector c = new Connector("HTTP/1.1");
            c.setPort(properties.getPort());
            c.setProperty("address", bindAddress());
            c.setThrowOnFailure(true);
            try {
                service.addConnector(c);
            } catch (RuntimeException e) {
                LOG.error("cannot listen on {}:{}: {}", bindAddress(), properties.getPort(), e.toString());
                return;
            }
            connector = c;
            servingPort = c.getLocalPort();
            LOG.info("listening on {}:{}", bindAddress(), c.getLocalPort());
        }
    }

    private void close() {
        synchronized (lock) {
            Connector c = connector;
            if (c == null) {
                return;
            }
            connector = null;
            try {
                c.pause(); // accept nothing new; the address is already gone anyway
                long deadline = System.nanoTime() + properties.getDrainMillis() * 1_000_000L;
                while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Service service = c.getService();
                if (service != null) {
                    service.removeConnector(c);
                }
                c.destroy();
                servingPort = -1;
            } catch (Exception e) {
                LOG.warn("closing the listener on {}: {}", bindAddress(), e.toString());
            }
            LOG.info("stopped listening on {}", bindAddress());
        }
    }

    private Service tomcatService() {
        if (context instanceof WebServerApplicationContext web && web.getWebServer() instanceof TomcatWebServer t) {
            return t.getTomcat().getService();
        }
        throw new IllegalStateException("the example needs the embedded Tomcat of spring-boot-starter-web");
    }

    /** Counts the requests in progress on the virtual address's listener, for the drain on leaving MASTER. */
    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean onVirtual = request.getLocalPort() == servingPort;
        if (onVirtual) {
            inFlight.incrementAndGet();
        }
        try {
            chain.doFilter(request, response);
        } finally {
            if (onVirtual) {
                inFlight.decrementAndGet();
            }
        }
    }
}
