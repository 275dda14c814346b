package io.carp.netty.internal.linux;

import java.util.Map;

/**
 * Linux {@code errno} values as names and messages, so that errors read {@code EPERM (Operation not permitted)}
 * rather than a number. Covers the values socket, netlink and address calls return; others fall back to
 * {@code strerror}.
 */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Resource temporarily unavailable (would block, or a receive timeout). */
    public static final int EAGAIN = 11;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** File exists. */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use (also: a macvlan with that MAC exists on the parent). */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** No buffer space available (a netlink listener missed messages). */
    public static final int ENOBUFS = 105;

    private static final Map<Integer, String[]> KNOWN = Map.ofEntries(
            entry(EPERM, "EPERM", "Operation not permitted"),
            entry(ENOENT, "ENOENT", "No such file or directory"),
            entry(3, "ESRCH", "No such process"),
            entry(EINTR, "EINTR", "Interrupted system call"),
            entry(5, "EIO", "Input/output error"),
            entry(6, "ENXIO", "No such device or address"),
            entry(9, "EBADF", "Bad file descriptor"),
            entry(EAGAIN, "EAGAIN", "Resource temporarily unavailable"),
            entry(12, "ENOMEM", "Cannot allocate memory"),
            entry(EACCES, "EACCES", "Permission denied"),
            entry(14, "EFAULT", "Bad address"),
            entry(16, "EBUSY", "Device or resource busy"),
            entry(EEXIST, "EEXIST", "File exists"),
            entry(ENODEV, "ENODEV", "No such device"),
            entry(EINVAL, "EINVAL", "Invalid argument"),
            entry(23, "ENFILE", "Too many open files in system"),
            entry(24, "EMFILE", "Too many open files"),
            entry(28, "ENOSPC", "No space left on device"),
            entry(34, "ERANGE", "Numerical result out of range"),
            entry(88, "ENOTSOCK", "Socket operation on non-socket"),
            entry(90, "EMSGSIZE", "Message too long"),
            entry(92, "ENOPROTOOPT", "Protocol not available"),
            entry(93, "EPROTONOSUPPORT", "Protocol not supported"),
            entry(95, "EOPNOTSUPP", "Operation not supported"),
            entry(EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol"),
            entry(EADDRINUSE, "EADDRINUSE", "Address already in use"),
            entry(EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address"),
            entry(ENETDOWN, "ENETDOWN", "Network is down"),
            entry(101, "ENETUNREACH", "Network is unreachable"),
            entry(ENOBUFS, "ENOBUFS", "No buffer space available"),
            entry(110, "ETIMEDOUT", "Connection timed out"),
            entry(113, "EHOSTUNREACH", "No route to host"));

    private Errno() {
    }

    private static Map.Entry<Integer, String[]> entry(int errno, String name, String message) {
        return Map.entry(errno, new String[] {name, message});
    }

    /**
     * The symbolic name of an errno.
     *
     * @param errno a positive errno (a negative netlink error code is accepted too)
     * @return e.g. {@code EPERM}, or {@code errno 200} if unknown
     */
    public static String name(int errno) {
        String[] known = KNOWN.get(Math.abs(errno));
        return known != null ? known[0] : "errno " + Math.abs(errno);
    }

    /**
     * The name and message of an errno.
     *
     * @param errno a positive errno (a negative netlink error code is accepted too)
     * @return e.g. {@code EPERM (Operation not permitted)}
     */
    public static String describe(int errno) {
        int positive = Math.abs(errno);
        String[] known = KNOWN.get(positive);
        if (known != null) {
            return known[0] + " (" + known[1] + ")";
        }
        return "errno " + positive + " (" + strerror(positive) + ")";
    }

    private static String strerror(int errno) {
        try {
            return LibC.strerror(errno);
        } catch (LinkageError | RuntimeException e) {
            return "unknown error";
        }
    }
}
