package io.carp.spring.boot;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.CarpState;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code carp} health contributor reports, for either Spring Boot generation: UP while every group is MASTER
 * or BACKUP (each group's state in the details); OUT_OF_SERVICE while any group is in INIT, which means the node
 * cannot take part in its election: the link is down (no carrier), or the application is not started yet or stopping.
 * Not DOWN: the application itself works, and a restart would not bring the link back; OUT_OF_SERVICE still answers
 * HTTP 503 on the health endpoint, so a load balancer stops sending this node traffic meant for the group.
 */
final class CarpHealth {
    static final String UP = "UP";
    static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

    final String status;
    final Map<String, Object> details;

    private CarpHealth(String status, Map<String, Object> details) {
        this.status = status;
        this.details = details;
    }

    static CarpHealth of(CarpGroups groups) {
        boolean allUp = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Map.Entry<String, CarpGroup> e : groups.all().entrySet()) {
            CarpGroup g = e.getValue();
            CarpState state = g.state();
            if (state == CarpState.INIT) {
                allUp = false;
            }
            details.put(e.getKey(), describe(g, state));
        }
        return new CarpHealth(allUp ? UP : OUT_OF_SERVICE, details);
    }

    /** An address as people write it: {@code 2001:db8::100} rather than {@code 2001:db8:0:0:0:0:0:100}. */
    static String literal(InetAddress address) {
        String full = address.getHostAddress();
        if (!(address instanceof java.net.Inet6Address)) {
            return full;
        }
        int percent = full.indexOf('%');
        String scope = percent < 0 ? "" : full.substring(percent);
        String[] parts = (percent < 0 ? full : full.substring(0, percent)).split(":");
        int bestStart = -1;
        int bestLength = 1; // RFC 5952: a single zero group is not shortened
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(parts, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(parts, bestStart + bestLength, parts.length));
        return head + "::" + tail + scope;
    }

    static Map<String, Object> describe(CarpGroup g, CarpState state) {
        CarpConfig c = g.config();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", state.name());
        d.put("vhid", c.vhid());
        d.put("interface", c.interfaceLabel());
        d.put("virtualAddresses", c.virtualAddresses().stream().map(CarpHealth::literal).toList());
        d.put("demotion", g.demotion());
        return d;
    }
}
