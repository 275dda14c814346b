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
            throw new IllegalStateException(message(interfaceName, String.join(" and ", missing), null,
                    manageAddresses));
        }
    }

    /**
     * The sentence for a missing capability, for a group that manages its addresses.
     *
     * @param interfaceName the interface
     * @param missing       e.g. {@code CAP_NET_RAW}
     * @param detail        what failed (e.g. the errno), or {@code null}
     * @return the message
     */
    static String message(String interfaceName, String missing, String detail) {
        return message(interfaceName, missing, detail, true);
    }

    /**
     * The sentence for a missing capability: what is missing and why, then the grants from the narrowest to the
     * widest. systemd's ambient capabilities reach only the one service. File capabilities on a java binary reach
     * every program that binary runs, so only on a copy of the JDK kept for this service; the loader then ignores
     * the binary's {@code $ORIGIN} run path (secure-execution mode) and finds {@code libjli.so} only if the copy's
     * {@code lib} directory is in {@code /etc/ld.so.conf.d} (checked on Debian 12 with OpenJDK 17; see
     * docs/SECURITY.md). Root comes last.
     *
     * @param interfaceName   the interface
     * @param missing         e.g. {@code CAP_NET_RAW}
     * @param detail          what failed (e.g. the errno), or {@code null}
     * @param manageAddresses whether the group adds addresses, so also needs {@code CAP_NET_ADMIN}
     * @return the message, one line
     */
    static String message(String interfaceName, String missing, String detail, boolean manageAddresses) {
        String ambient = manageAddresses ? "CAP_NET_RAW CAP_NET_ADMIN" : "CAP_NET_RAW";
        String file = manageAddresses ? "cap_net_raw,cap_net_admin+ep" : "cap_net_raw+ep";
        return "CARP on " + interfaceName + " needs " + missing
                + " (raw protocol-112 and ARP sockets need CAP_NET_RAW, adding the virtual addresses needs"
                + " CAP_NET_ADMIN)" + (detail == null ? "" : " [" + detail + "]")
                + ". Grant only these, narrowest first: 1) run it as a systemd service with AmbientCapabilities="
                + ambient + " (that service alone gets them); 2) `setcap " + file + "` on the java binary of a"
                + " copy of the JDK kept for this service, never the system's java (file capabilities apply to every"
                + " program that binary runs; the copy's lib directory must be in /etc/ld.so.conf.d, see"
                + " docs/SECURITY.md); 3) run as root.";
    }
}
