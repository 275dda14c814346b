package io.carp.netty.testing;

import io.carp.netty.testing.LiveLab.Host;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings shared by ucarp and the library's node main, in ucarp's terms. Defaults: vhid 60, password
 * {@value #DEFAULT_PASSWORD}, virtual address 198.18.60.100, advbase 1 s, advskew 0, no preempt, the host's own address
 * as the source ({@code srcip} null).
 */
public record CarpOptions(int vhid, String password, List<String> virtualAddresses, int advbase, int advskew,
                          boolean preempt, String srcip) {
    public static final String DEFAULT_PASSWORD = "cit-secret";
    /** The /24 of the segment (inside 198.18.0.0/15, RFC 2544 benchmarking space). */
    public static final String SUBNET = "198.18.60.";
    public static final int PREFIX_LENGTH = 24;
    public static final String VIP = SUBNET + "100";

    public CarpOptions {
        virtualAddresses = List.copyOf(virtualAddresses);
    }

    public static CarpOptions defaults() {
        return new CarpOptions(60, DEFAULT_PASSWORD, List.of(VIP), 1, 0, false, null);
    }

    public CarpOptions advskew(int skew) {
        return new CarpOptions(vhid, password, virtualAddresses, advbase, skew, preempt, srcip);
    }

    public CarpOptions preempt(boolean on) {
        return new CarpOptions(vhid, password, virtualAddresses, advbase, advskew, on, srcip);
    }

    public CarpOptions password(String pass) {
        return new CarpOptions(vhid, pass, virtualAddresses, advbase, advskew, preempt, srcip);
    }

    /** Sends from {@code address} (an address the test added to the host) instead of the host's own. */
    public CarpOptions srcip(String address) {
        return new CarpOptions(vhid, password, virtualAddresses, advbase, advskew, preempt, address);
    }

    /** The first virtual address (ucarp takes exactly one). */
    public String vip() {
        return virtualAddresses.get(0);
    }

    /**
     * A lab with one segment in {@link #SUBNET}: hosts {@code n1..nN} with addresses .1 to .N and a client {@code cl}
     * (.50), which only pings and looks at its neighbour table; each joined to the segment by its {@code eth0}.
     *
     * @param hostCount 1-9
     * @return the lab; close it
     */
    public static LiveLab lab(int hostCount) {
        LiveLab lab = new LiveLab();
        try {
            lab.segment(SUBNET);
            for (int i = 1; i <= hostCount; i++) {
                lab.host("n" + i, i, "eth0");
            }
            lab.host("cl", 50, "eth0");
            return lab;
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    /** The ucarp-style arguments both programs accept. */
    public List<String> commonArgs(Host host) {
        List<String> args = new ArrayList<>(List.of(
                "--interface=" + host.ifname(), "--srcip=" + (srcip != null ? srcip : host.address()),
                "--vhid=" + vhid,
                "--pass=" + password, "--advbase=" + advbase, "--advskew=" + advskew));
        for (String vip : virtualAddresses) {
            args.add("--addr=" + vip);
        }
        if (preempt) {
            args.add("--preempt");
        }
        return args;
    }
}
