package io.carp.netty.internal.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's effective Linux capabilities, read from {@code /proc/self/status}. */
public final class Capabilities {
    /** {@code CAP_NET_ADMIN}: add and remove addresses. */
    public static final int CAP_NET_ADMIN = 12;
    /** {@code CAP_NET_RAW}: raw IP and packet sockets, {@code SO_BINDTODEVICE}. */
    public static final int CAP_NET_RAW = 13;
    /** {@code CAP_SYS_ADMIN}: enter another network namespace. */
    public static final int CAP_SYS_ADMIN = 21;

    private Capabilities() {
    }

    /**
     * The effective capability set of this process.
     *
     * @return the bit set, or -1 if it cannot be read (then callers try and report the errno instead)
     */
    public static long effective() {
        try {
            return parseEffective(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Parses the {@code CapEff:} line of a {@code /proc/PID/status} text.
     *
     * @param status the file's content
     * @return the bit set, or -1 if there is no such line
     */
    static long parseEffective(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
            }
        }
        return -1;
    }

    /**
     * Whether a set has a capability; an unknown set (-1) has every capability.
     *
     * @param set        from {@link #effective()}
     * @param capability e.g. {@link #CAP_NET_RAW}
     * @return whether it is present
     */
    public static boolean has(long set, int capability) {
        return set == -1 || (set & (1L << capability)) != 0;
    }
}
