package io.carp.netty;

import io.carp.netty.internal.linux.LinkInfo;
import io.carp.netty.internal.linux.RtNetlink;
import java.net.InetAddress;

/**
 * Adds one address with rtnetlink and prints {@code OK} or {@code ERROR <message>}: lets a test see the exact error
 * of a process without {@code CAP_NET_ADMIN}. Arguments: interface, address, prefix length.
 */
public final class NetlinkProbeMain {
    private NetlinkProbeMain() {
    }

    /**
     * Runs the probe.
     *
     * @param args interface, address, prefix length
     * @throws Exception if the address cannot be parsed
     */
    public static void main(String[] args) throws Exception {
        try (RtNetlink netlink = RtNetlink.open()) {
            LinkInfo link = netlink.link(args[0]);
            netlink.addAddress(args[0], link.ifindex(), InetAddress.getByName(args[1]), Integer.parseInt(args[2]), 3);
            System.out.println("OK");
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e.getMessage());
        }
    }
}
