package io.carp.netty.internal.linux;

/**
 * A failed system call or netlink request. The message names the operation and the errno, e.g.
 * {@code RTM_NEWADDR 198.18.0.100/32 on veth0: EPERM (Operation not permitted)}.
 */
public final class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /**
     * Creates the exception.
     *
     * @param operation what was attempted, e.g. {@code setsockopt(IP_MULTICAST_TTL) on veth0}
     * @param errno     the positive errno (a negative netlink code is accepted)
     */
    public NativeException(String operation, int errno) {
        super(operation + ": " + Errno.describe(errno));
        this.errno = Math.abs(errno);
    }

    /**
     * Creates the exception with the kernel's explanation (netlink extended ack).
     *
     * @param operation what was attempted
     * @param errno     the errno
     * @param detail    the kernel's text, or {@code null}
     */
    public NativeException(String operation, int errno, String detail) {
        super(operation + ": " + Errno.describe(errno) + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.errno = Math.abs(errno);
    }

    /** The positive errno. */
    public int errno() {
        return errno;
    }

    /** Whether the errno says a capability is missing ({@code EPERM} or {@code EACCES}). */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }
}
