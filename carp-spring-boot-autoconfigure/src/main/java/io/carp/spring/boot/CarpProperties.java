package io.carp.spring.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code carp.*} application properties. Every group under {@code carp.groups.<name>} becomes one
 * {@link io.carp.CarpGroup}; the values are checked by {@link io.carp.CarpGroupBuilder} when the context starts, and a
 * bad one fails the start with a message that names the property, e.g.
 * {@code carp.groups.web.vhid: 300 is out of range 1-255}.
 *
 * <pre>
 * carp:
 *   interface-name: eth0
 *   groups:
 *     web:
 *       vhid: 10
 *       password: s3cret
 *       virtual-addresses: [198.18.10.100]
 *       advskew: 0
 * </pre>
 */
@ConfigurationProperties(prefix = "carp")
public class CarpProperties {

    /** Whether to run the groups configured under carp.groups. */
    private boolean enabled = true;

    /** The network interface of every group that names none itself, e.g. eth0. Required by the linux runtime. */
    private String interfaceName;

    /**
     * What carries the groups: linux (raw sockets on the interface, needs CAP_NET_RAW and CAP_NET_ADMIN) or simulated
     * (the testkit's simulated network inside this JVM: no root, no packets on any wire; for tests and local runs).
     * Ignored when the application defines its own io.carp CarpRuntime bean.
     */
    private RuntimeKind runtime = RuntimeKind.LINUX;

    /** Settings of carp.runtime=simulated. */
    private final Simulated simulated = new Simulated();

    /** The groups, by name; the name appears in events, health and info details, logs and error messages. */
    private Map<String, Group> groups = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getInterfaceName() {
        return interfaceName;
    }

    public void setInterfaceName(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    public RuntimeKind getRuntime() {
        return runtime;
    }

    public void setRuntime(RuntimeKind runtime) {
        this.runtime = runtime;
    }

    public Simulated getSimulated() {
        return simulated;
    }

    public Map<String, Group> getGroups() {
        return groups;
    }

    public void setGroups(Map<String, Group> groups) {
        this.groups = groups;
    }

    /** The runtime that carries the groups. */
    public enum RuntimeKind {
        /** The Linux runtime of carp-netty. */
        LINUX,
        /** The testkit's simulated network, inside this JVM. */
        SIMULATED
    }

    /** Settings of the simulated network. */
    public static class Simulated {

        /**
         * The name of the simulated network to join. Application contexts in one JVM that name the same network see
         * each other's advertisements, so a test can run two instances of an application and fail one over to the
         * other.
         */
        private String network = "default";

        /** This application's node on the network. Default: spring.application.name, else "node". */
        private String nodeName;

        /** The node's IPv4 address on the simulated segment. Default: 198.18.0.N for the N-th node. */
        private String nodeAddress;

        /**
         * How many times faster than the wall clock simulated time runs (1.0: real time). Set by the first context
         * that joins a network. Tests use e.g. 10 to fail over in a tenth of the real master-down interval.
         */
        private double timeScale = 1.0;

        public String getNetwork() {
            return network;
        }

        public void setNetwork(String network) {
            this.network = network;
        }

        public String getNodeName() {
            return nodeName;
        }

        public void setNodeName(String nodeName) {
            this.nodeName = nodeName;
        }

        public String getNodeAddress() {
            return nodeAddress;
        }

        public void setNodeAddress(String nodeAddress) {
            this.nodeAddress = nodeAddress;
        }

        public double getTimeScale() {
            return timeScale;
        }

        public void setTimeScale(double timeScale) {
            this.timeScale = timeScale;
        }
    }

    /**
     * One health check of a group: a TCP connect to {@code host:tcp-port}, or an HTTP GET of {@code http-url} that
     * must answer 2xx. Set exactly one of the two.
     */
    public static class Check {

        /** Passes while host:tcp-port accepts TCP connections (1-65535), e.g. the application's own port. */
        private Integer tcpPort;

        /** The host of tcp-port (default 127.0.0.1). */
        private String host = "127.0.0.1";

        /**
         * Passes while a GET of this http:// URL answers 2xx within the timeout, e.g.
         * http://127.0.0.1:8080/actuator/health/liveness (not the whole health endpoint, which includes carp's own
         * OUT_OF_SERVICE before the group has joined).
         */
        private String httpUrl;

        /** How long after each run the next one starts (100ms-1h, default 1s). */
        private java.time.Duration interval = java.time.Duration.ofSeconds(1);

        /** The connect (and HTTP read) timeout; a run still hanging then counts as failed (10ms-1h, default 500ms). */
        private java.time.Duration timeout = java.time.Duration.ofMillis(500);

        /** The demotion while the check fails (1-240, default 240: any healthy peer takes over). */
        private int weight = 240;

        public Integer getTcpPort() {
            return tcpPort;
        }

        public void setTcpPort(Integer tcpPort) {
            this.tcpPort = tcpPort;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public String getHttpUrl() {
            return httpUrl;
        }

        public void setHttpUrl(String httpUrl) {
            this.httpUrl = httpUrl;
        }

        public java.time.Duration getInterval() {
            return interval;
        }

        public void setInterval(java.time.Duration interval) {
            this.interval = interval;
        }

        public java.time.Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(java.time.Duration timeout) {
            this.timeout = timeout;
        }

        public int getWeight() {
            return weight;
        }

        public void setWeight(int weight) {
            this.weight = weight;
        }
    }

    /** One CARP group. Unset values take the defaults of io.carp.CarpConfig. */
    public static class Group {

        /** The virtual host id, shared by every node of the group (1-255). Required. */
        private Integer vhid;

        /** The shared password (1-19 bytes in UTF-8). Required. */
        private String password;

        /** The virtual IPv4 and/or IPv6 addresses, as literals. At least one is required. */
        private List<String> virtualAddresses = new ArrayList<>();

        /**
         * The advertisement skew in 1/256 s (0-254, default 0): the node with the lowest advbase + advskew/256
         * becomes master. Give every node a distinct value.
         */
        private Integer advskew;

        /** The advertisement base interval in seconds (0-255, default 1). */
        private Integer advbase;

        /** Whether this node, as a backup, takes over from a master that advertises slower (default false). */
        private Boolean preempt;

        /**
         * How many advbase intervals a backup waits without hearing the master (1-255, default 3): master-down is
         * dead-ratio * advbase + advskew/256 seconds.
         */
        private Integer deadRatio;

        /**
         * Unicast peers: adverts go to each of them instead of the multicast group (for networks without multicast).
         */
        private List<String> unicastPeers = new ArrayList<>();

        /**
         * Whether the runtime adds the virtual addresses to the interface on MASTER and removes them when leaving it
         * (default true). With false, react to the CarpStateChangedEvent yourself.
         */
        private Boolean manageAddresses;

        /** The initial demotion (0-240, default 0), added to the advertised advskew. */
        private Integer demotion;

        /**
         * How long a MASTER keeps the virtual addresses after its bow-out when the application stops (0-30s, whole
         * milliseconds, default 1s; 0 removes them with the bow-out): the other node takes over at once, and requests
         * this node already accepted are still answered from the address. Shutdown takes this much longer.
         */
        private java.time.Duration releaseDelay;

        /**
         * Health checks by name: while one fails, the group's demotion rises by its weight, so that a healthy peer
         * takes over (even without preempt); when it passes again the demotion drops back.
         */
        private Map<String, Check> healthChecks = new LinkedHashMap<>();

        /** The network interface of this group. Default: carp.interface-name. */
        private String interfaceName;

        /** The source address of the adverts. Default: the interface's primary address. */
        private String sourceAddress;

        /**
         * The protocol: carp (default), vrrp3 (RFC 9568, IPv4 or IPv6) or vrrp2 (RFC 3768, IPv4), to join a
         * keepalived or router pair. With VRRP the vhid is the VRID, and advbase, advskew and dead-ratio do not apply.
         */
        private String protocol;

        /** VRRP only: this router's priority (1-255, default 100); the highest becomes master, 255 is the owner. */
        private Integer priority;

        /**
         * VRRP only: the advertisement interval (VRRPv3: 10ms-40.95s in steps of 10 ms, default 1s; VRRPv2: whole
         * seconds 1s-255s), e.g. 1s or 50ms.
         */
        private java.time.Duration advertInterval;

        public String getProtocol() {
            return protocol;
        }

        public void setProtocol(String protocol) {
            this.protocol = protocol;
        }

        public Integer getPriority() {
            return priority;
        }

        public void setPriority(Integer priority) {
            this.priority = priority;
        }

        public java.time.Duration getAdvertInterval() {
            return advertInterval;
        }

        public void setAdvertInterval(java.time.Duration advertInterval) {
            this.advertInterval = advertInterval;
        }

        public Integer getVhid() {
            return vhid;
        }

        public void setVhid(Integer vhid) {
            this.vhid = vhid;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public List<String> getVirtualAddresses() {
            return virtualAddresses;
        }

        public void setVirtualAddresses(List<String> virtualAddresses) {
            this.virtualAddresses = virtualAddresses;
        }

        public Integer getAdvskew() {
            return advskew;
        }

        public void setAdvskew(Integer advskew) {
            this.advskew = advskew;
        }

        public Integer getAdvbase() {
            return advbase;
        }

        public void setAdvbase(Integer advbase) {
            this.advbase = advbase;
        }

        public Boolean getPreempt() {
            return preempt;
        }

        public void setPreempt(Boolean preempt) {
            this.preempt = preempt;
        }

        public Integer getDeadRatio() {
            return deadRatio;
        }

        public void setDeadRatio(Integer deadRatio) {
            this.deadRatio = deadRatio;
        }

        public List<String> getUnicastPeers() {
            return unicastPeers;
        }

        public void setUnicastPeers(List<String> unicastPeers) {
            this.unicastPeers = unicastPeers;
        }

        public Boolean getManageAddresses() {
            return manageAddresses;
        }

        public void setManageAddresses(Boolean manageAddresses) {
            this.manageAddresses = manageAddresses;
        }

        public Map<String, Check> getHealthChecks() {
            return healthChecks;
        }

        public void setHealthChecks(Map<String, Check> healthChecks) {
            this.healthChecks = healthChecks;
        }

        public java.time.Duration getReleaseDelay() {
            return releaseDelay;
        }

        public void setReleaseDelay(java.time.Duration releaseDelay) {
            this.releaseDelay = releaseDelay;
        }

        public Integer getDemotion() {
            return demotion;
        }

        public void setDemotion(Integer demotion) {
            this.demotion = demotion;
        }

        public String getInterfaceName() {
            return interfaceName;
        }

        public void setInterfaceName(String interfaceName) {
            this.interfaceName = interfaceName;
        }

        public String getSourceAddress() {
            return sourceAddress;
        }

        public void setSourceAddress(String sourceAddress) {
            this.sourceAddress = sourceAddress;
        }
    }
}
