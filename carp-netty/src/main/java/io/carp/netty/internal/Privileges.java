package io.carp.netty.internal;

import io.carp.netty.internal.linux.Capabilities;
import java.util.ArrayList;
import java.util.List;

/** Checks the capabilities a group needs before any socket is opened, and says how to grant them. */
final class Privileges {
    private Privileges() {
    }

    /**
     * Fails if a capability is missing.
     *
     * @param effective       the effective set ({@link Capabilities#effective()}; -1 = unknown, assume present)
     * @param interfaceName   for the message
     * @param manageAddresses whether the group adds addresses ({@code CAP_NET_ADMIN})
     * @throws IllegalStateException one sentence naming the capability and how to grant it
     */
    static void check(long effective, String interfaceName, boolean manageAddresses) {
        List<String> missing = new ArrayList<>();
        if (!Capabilities.has(effective, Capabilities.CAP_NET_RAW)) {
            missing.add("CAP_NET_RAW");
        }
        if (manageAddresses && !Capabilities.has(effective, Capabilities.CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(message(interfaceName, String.join(" and ", missing), null));
        }
    }

    /**
     * The sentence for a missing capability.
     *
     * @param interfaceName the interface
     * @param missing       e.g. {@code CAP_NET_RAW}
     * @param detail        what failed (e.g. the errno), or {@code null}
     * @return the message
     */
    static String message(String interfaceName, String missing, String detail) {
        return "CARP on " + interfaceName + " needs " + missing
                + " (raw protocol-112 and ARP sockets need CAP_NET_RAW, adding the virtual addresses needs"
                + " CAP_NET_ADMIN)" + (detail == null ? "" : " [" + detail + "]")
                + ": run as root, or grant them to the JVM with"
                + " `sudo setcap cap_net_raw,cap_net_admin+ep $(readlink -f $(which java))`,"
                + " or run it under systemd with AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN.";
    }
}
