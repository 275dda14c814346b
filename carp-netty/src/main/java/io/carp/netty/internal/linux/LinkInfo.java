package io.carp.netty.internal.linux;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** An interface as an {@code RTM_NEWLINK} message describes it. */
public final class LinkInfo {
    /** {@code IFF_UP}: administratively up. */
    public static final int IFF_UP = 0x1;
    /** {@code IFF_RUNNING}: operationally up (carrier and not dormant). */
    public static final int IFF_RUNNING = 0x40;
    /** {@code IFF_LOWER_UP}: the driver signals carrier. */
    public static final int IFF_LOWER_UP = 0x10000;
    /** {@code IF_OPER_UP} from RFC 2863. */
    public static final int OPER_UP = 6;
    /** {@code IF_OPER_UNKNOWN}: drivers that do not report operational state (e.g. loopback). */
    public static final int OPER_UNKNOWN = 0;

    private final int ifindex;
    private final String name;
    private final int flags;
    private final int operState;
    private final byte[] hardwareAddress;
    private final boolean deleted;

    /**
     * Creates a description.
     *
     * @param ifindex         the interface index
     * @param name            the name, or {@code null} if the message had none
     * @param flags           {@code IFF_*} flags
     * @param operState       {@code IFLA_OPERSTATE}, or -1 if absent
     * @param hardwareAddress {@code IFLA_ADDRESS}, or an empty array
     * @param deleted         whether this came from {@code RTM_DELLINK}
     */
    public LinkInfo(int ifindex, String name, int flags, int operState, byte[] hardwareAddress, boolean deleted) {
        this.ifindex = ifindex;
        this.name = name;
        this.flags = flags;
        this.operState = operState;
        this.hardwareAddress = hardwareAddress.clone();
        this.deleted = deleted;
    }

    /** The interface index. */
    public int ifindex() {
        return ifindex;
    }

    /** The interface name, or {@code null}. */
    public String name() {
        return name;
    }

    /** The {@code IFF_*} flags. */
    public int flags() {
        return flags;
    }

    /** {@code IFLA_OPERSTATE}, or -1. */
    public int operState() {
        return operState;
    }

    /** A copy of the link-layer address (6 bytes on Ethernet, empty if none). */
    public byte[] hardwareAddress() {
        return hardwareAddress.clone();
    }

    /** Whether the message announced that the interface was removed. */
    public boolean deleted() {
        return deleted;
    }

    /**
     * Whether CARP can run on the link: administratively up and running (carrier). Running already folds in the
     * operational state ({@code IFF_RUNNING} is set for {@code IF_OPER_UP} and {@code IF_OPER_UNKNOWN}).
     */
    public boolean usable() {
        return !deleted && (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkInfo l && l.ifindex == ifindex && Objects.equals(l.name, name) && l.flags == flags
                && l.operState == operState && Arrays.equals(l.hardwareAddress, hardwareAddress) && l.deleted == deleted;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ifindex, name, flags, operState);
    }

    @Override
    public String toString() {
        return name + " (ifindex " + ifindex + ", flags 0x" + Integer.toHexString(flags) + ", operstate " + operState
                + ", lladdr " + HexFormat.ofDelimiter(":").formatHex(hardwareAddress) + (deleted ? ", deleted" : "")
                + ")";
    }
}
