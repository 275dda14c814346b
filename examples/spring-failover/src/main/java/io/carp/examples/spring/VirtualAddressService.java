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
import org.apache.catalina.connector.Connector;
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
 *
 * <p>On shutdown nothing of the example's own is needed: the starter closes the group before the web server stops,
 * the group bows out (the other node takes over at once and its gratuitous ARP moves the clients) and keeps the
 * address for {@code carp.groups.web.release-delay} (1 s by default), so a request this node accepted just before is
 * still answered from the address; only then does the web server's graceful shutdown begin.
 */
@Component
class VirtualAddressService extends OncePerRequestFilter
        implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualAddressService.class);

    private final CarpGroups groups;
    private final FailoverProperties properties;
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

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getLocalPort() != servicePort()) {
            chain.doFilter(request, response); // the application's own port: actuator etc.
            return;
        }
        // To the virtual address: this node holds it, as MASTER or, after the bow-out, during the starter's
        // release-delay, so that requests that reached it before the other node's gratuitous ARP are answered.
        if (toVirtualAddress(request) || groups.state(properties.getGroup()) == CarpState.MASTER) {
            chain.doFilter(request, response);
        } else {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "not the master");
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
