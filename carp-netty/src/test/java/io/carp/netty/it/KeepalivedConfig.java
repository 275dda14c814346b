package io.carp.netty.it;

import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LibraryNode;
import io.carp.netty.testing.LiveLab.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One keepalived {@code vrrp_instance} (keepalived 2.2, {@code man keepalived.conf}), rendered by {@link #render}.
 * Defaults ({@link #defaults()}): VRRPv3, VRID 61, priority 100, {@code advert_int 1}, virtual address
 * {@value #VIP}/24, preemption on (keepalived's default), no authentication, no virtual MAC, multicast.
 *
 * @param version            2 or 3 ({@code version} in the instance)
 * @param vrid               1-255 ({@code virtual_router_id})
 * @param priority           1-255
 * @param advertInt          {@code advert_int} as keepalived reads it: seconds, with decimals for VRRPv3 ("0.05")
 * @param virtualAddresses   {@code virtual_ipaddress} entries with prefix length, all of one family
 * @param password           {@code auth_type PASS} with this {@code auth_pass} (VRRPv2 only), or {@code null}
 * @param nopreempt          {@code nopreempt} (keepalived then requires {@code state BACKUP}, which we always use)
 * @param useVmac            {@code use_vmac} (a macvlan {@code vrrp.<vrid>} with the RFC virtual MAC)
 * @param unicastPeers       {@code unicast_peer} addresses; empty for multicast
 * @param garpMasterRefresh  {@code garp_master_refresh} in seconds; 0 for none
 */
record KeepalivedConfig(int version, int vrid, int priority, String advertInt, List<String> virtualAddresses,
                        String password, boolean nopreempt, boolean useVmac, List<String> unicastPeers,
                        int garpMasterRefresh) {
    static final String VIP = CarpOptions.SUBNET + "100";
    static final String VIP6 = "fd00:60::100";
    /** The instance name keepalived prints in its log lines: {@code (VI_1) Entering MASTER STATE}. */
    static final String INSTANCE = "VI_1";

    KeepalivedConfig {
        virtualAddresses = List.copyOf(virtualAddresses);
        unicastPeers = List.copyOf(unicastPeers);
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("version: " + version + " (expected: 2 or 3)");
        }
        if (password != null && version != 2) {
            throw new IllegalArgumentException("password: VRRPv3 has no authentication (expected: version 2)");
        }
    }

    static KeepalivedConfig defaults() {
        return new KeepalivedConfig(3, 61, 100, "1", List.of(VIP + "/" + CarpOptions.PREFIX_LENGTH), null, false, false,
                List.of(), 0);
    }

    KeepalivedConfig version(int v) {
        return new KeepalivedConfig(v, vrid, priority, advertInt, virtualAddresses, password, nopreempt, useVmac,
                unicastPeers, garpMasterRefresh);
    }

    KeepalivedConfig vrid(int id) {
        return new KeepalivedConfig(version, id, priority, advertInt, virtualAddresses, password, nopreempt, useVmac,
                unicastPeers, garpMasterRefresh);
    }

    KeepalivedConfig priority(int p) {
        return new KeepalivedConfig(version, vrid, p, advertInt, virtualAddresses, password, nopreempt, useVmac,
                unicastPeers, garpMasterRefresh);
    }

    KeepalivedConfig advertInt(String seconds) {
        return new KeepalivedConfig(version, vrid, priority, seconds, virtualAddresses, password, nopreempt, useVmac,
                unicastPeers, garpMasterRefresh);
    }

    KeepalivedConfig virtualAddresses(String... cidrs) {
        return new KeepalivedConfig(version, vrid, priority, advertInt, List.of(cidrs), password, nopreempt, useVmac,
                unicastPeers, garpMasterRefresh);
    }

    KeepalivedConfig password(String pass) {
        return new KeepalivedConfig(version, vrid, priority, advertInt, virtualAddresses, pass, nopreempt, useVmac,
                unicastPeers, garpMasterRefresh);
    }

    KeepalivedConfig nopreempt(boolean on) {
        return new KeepalivedConfig(version, vrid, priority, advertInt, virtualAddresses, password, on, useVmac,
                unicastPeers, garpMasterRefresh);
    }

    KeepalivedConfig useVmac(boolean on) {
        return new KeepalivedConfig(version, vrid, priority, advertInt, virtualAddresses, password, nopreempt, on,
                unicastPeers, garpMasterRefresh);
    }

    KeepalivedConfig unicastPeers(String... peers) {
        return new KeepalivedConfig(version, vrid, priority, advertInt, virtualAddresses, password, nopreempt, useVmac,
                List.of(peers), garpMasterRefresh);
    }

    KeepalivedConfig garpMasterRefresh(int seconds) {
        return new KeepalivedConfig(version, vrid, priority, advertInt, virtualAddresses, password, nopreempt, useVmac,
                unicastPeers, seconds);
    }

    /** The first virtual address without its prefix length. */
    String vip() {
        String first = virtualAddresses.get(0);
        int slash = first.indexOf('/');
        return slash < 0 ? first : first.substring(0, slash);
    }

    boolean ipv6() {
        return vip().contains(":");
    }

    /** The {@code advert_int} in centiseconds (keepalived's VRRPv3 unit), e.g. 100 for "1", 5 for "0.05". */
    int advertIntCentis() {
        return (int) Math.round(Double.parseDouble(advertInt) * 100);
    }

    /**
     * The configuration file.
     *
     * @param routerId      {@code router_id} in {@code global_defs} (shows which node wrote a log line)
     * @param interfaceName the interface the instance runs on
     * @param sourceAddress {@code unicast_src_ip} when unicast peers are set, else ignored; may be {@code null}
     */
    String render(String routerId, String interfaceName, String sourceAddress) {
        List<String> lines = new ArrayList<>();
        lines.add("global_defs {");
        lines.add("    router_id " + routerId);
        // no gratuitous ARP delay after becoming master: the tests look at the neighbour tables right away
        lines.add("    vrrp_garp_master_delay 0");
        lines.add("}");
        lines.add("vrrp_instance " + INSTANCE + " {");
        // nopreempt needs state BACKUP; with preemption, BACKUP only means "start as backup", as carp4j does
        lines.add("    state BACKUP");
        lines.add("    interface " + interfaceName);
        lines.add("    version " + version);
        lines.add("    virtual_router_id " + vrid);
        lines.add("    priority " + priority);
        lines.add("    advert_int " + advertInt);
        if (nopreempt) {
            lines.add("    nopreempt");
        }
        if (useVmac) {
            lines.add("    use_vmac");
        }
        if (garpMasterRefresh > 0) {
            lines.add("    garp_master_refresh " + garpMasterRefresh);
        }
        if (password != null) {
            lines.add("    authentication {");
            lines.add("        auth_type PASS");
            lines.add("        auth_pass " + password);
            lines.add("    }");
        }
        if (!unicastPeers.isEmpty()) {
            if (sourceAddress != null) {
                lines.add("    unicast_src_ip " + sourceAddress);
            }
            lines.add("    unicast_peer {");
            unicastPeers.forEach(p -> lines.add("        " + p));
            lines.add("    }");
        }
        lines.add("    virtual_ipaddress {");
        // with use_vmac, no "dev": keepalived then puts the addresses on its macvlan (vrrp.<vrid>), which answers ARP
        // and neighbour solicitations with the virtual MAC; "dev <parent>" would put them on the parent
        virtualAddresses.forEach(a -> lines.add("        " + a + (useVmac ? "" : " dev " + interfaceName)));
        lines.add("    }");
        lines.add("}");
        return String.join("\n", lines) + "\n";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "keepalived[v%d vrid %d prio %d advert_int %s%s%s%s%s]", version, vrid,
                priority, advertInt, password == null ? "" : " PASS", nopreempt ? " nopreempt" : "",
                useVmac ? " use_vmac" : "", unicastPeers.isEmpty() ? "" : " unicast " + unicastPeers);
    }

    /**
     * Starts a library node JVM running a VRRP group with the settings of a keepalived instance (version, VRID,
     * priority, interval, addresses, password, nopreempt, unicast peers), so that both sides are configured alike.
     */
    static LibraryNode startLibrary(Host host, KeepalivedConfig k, String... extra) {
        List<String> args = new ArrayList<>(List.of("--interface=" + host.ifname(), "--vhid=" + k.vrid(),
                "--vrrp=" + k.version(), "--priority=" + k.priority(), "--advert-int-cs=" + k.advertIntCentis()));
        if (!k.ipv6()) {
            args.add("--srcip=" + host.address());
        }
        for (String a : k.virtualAddresses()) {
            args.add("--addr=" + a.substring(0, a.indexOf('/')));
        }
        if (k.password() != null) {
            args.add("--pass=" + k.password());
        }
        if (k.nopreempt()) {
            args.add("--no-preempt");
        }
        k.unicastPeers().forEach(p -> args.add("--peer=" + p));
        args.addAll(List.of(extra));
        return LibraryNode.launch(host, null, args);
    }
}
