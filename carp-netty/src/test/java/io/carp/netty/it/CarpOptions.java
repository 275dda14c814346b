package io.carp.netty.it;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings shared by ucarp and the library's node main, in ucarp's terms. Defaults: vhid 60, password
 * {@value #DEFAULT_PASSWORD}, virtual address 198.18.60.100, advbase 1 s, advskew 0, no preempt.
 */
record CarpOptions(int vhid, String password, List<String> virtualAddresses, int advbase, int advskew,
                   boolean preempt, String srcip) {
    static final String DEFAULT_PASSWORD = "cit-secret";
    static final String VIP = Lab.SUBNET + ".100";

    CarpOptions {
        virtualAddresses = List.copyOf(virtualAddresses);
    }

    static CarpOptions defaults() {
        return new CarpOptions(60, DEFAULT_PASSWORD, List.of(VIP), 1, 0, false, null);
    }

    CarpOptions advskew(int skew) {
        return new CarpOptions(vhid, password, virtualAddresses, advbase, skew, preempt, srcip);
    }

    CarpOptions preempt(boolean on) {
        return new CarpOptions(vhid, password, virtualAddresses, advbase, advskew, on, srcip);
    }

    CarpOptions password(String pass) {
        return new CarpOptions(vhid, pass, virtualAddresses, advbase, advskew, preempt, srcip);
    }

    /** Sends from {@code address} (an address the test added to the host) instead of the host's own. */
    CarpOptions srcip(String address) {
        return new CarpOptions(vhid, password, virtualAddresses, advbase, advskew, preempt, address);
    }

    /** The first virtual address (ucarp takes exactly one). */
    String vip() {
        return virtualAddresses.get(0);
    }

    /** The ucarp-style arguments both programs accept. */
    List<String> commonArgs(Host host) {
        List<String> args = new ArrayList<>(List.of(
                "--interface=" + host.interfaceName(), "--srcip=" + (srcip != null ? srcip : host.address()), "--vhid=" + vhid,
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
