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
