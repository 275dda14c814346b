package io.carp.netty.internal.linux;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A socket file descriptor opened with libc, with typed wrappers whose failures name the call and the errno.
 * Not thread-safe: each socket is used from one thread at a time (its event loop), or its owner synchronizes.
 */
public final class NativeSocket implements AutoCloseable {
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
    /** {@code struct pollfd}'s second int: {@code short events} then {@code short revents}, in native order. */
    private static final int POLL_EVENTS_IN = LITTLE_ENDIAN ? 0x1 : 0x1 << 16; // POLLIN
    private static final int POLL_REVENTS_ANY = LITTLE_ENDIAN ? 0xffff_0000 : 0x0000_ffff;
    private final int fd;
    private final int[] pollFd = new int[2];
    private final String label;
    private volatile boolean closed;

    private NativeSocket(int fd, String label) {
        this.fd = fd;
        this.label = label;
    }

    /**
     * Opens a socket.
     *
     * @param domain   e.g. {@code AF_INET}
     * @param type     e.g. {@code SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC}
     * @param protocol e.g. 112
     * @param label    what the socket is for, used in error messages (e.g. {@code raw IPv4 protocol-112 socket})
     * @return the socket
     * @throws NativeException if {@code socket(2)} fails
     */
    static NativeSocket open(int domain, int type, int protocol, String label) {
        try {
            return new NativeSocket(LibC.socket(domain, type, protocol), label);
        } catch (LastErrorException e) {
            throw new NativeException("socket() for a " + label, e.getErrorCode());
        }
    }

    /**
     * Adopts an open file descriptor.
     *
     * @param fd    the descriptor
     * @param label what it is, for error messages
     * @return the socket
     */
    static NativeSocket adopt(int fd, String label) {
        return new NativeSocket(fd, label);
    }

    /**
     * A second descriptor of the same socket ({@code dup(2)}, with {@code FD_CLOEXEC}), e.g. to read a socket whose
     * first descriptor a Netty channel owns: epoll watches each descriptor on its own.
     *
     * @param fd    the descriptor to duplicate
     * @param label what the new one is, for error messages
     * @return the new descriptor, closed by {@link #close()}
     * @throws NativeException if {@code fcntl(F_DUPFD_CLOEXEC)} fails
     */
    public static NativeSocket duplicate(int fd, String label) {
        try {
            return new NativeSocket(LibC.fcntl(fd, Linux.F_DUPFD_CLOEXEC, 0), label);
        } catch (LastErrorException e) {
            throw new NativeException("fcntl(F_DUPFD_CLOEXEC) for the " + label, e.getErrorCode());
        }
    }

    /**
     * Reads one datagram without blocking and without allocating (no exception is built for {@code EAGAIN}).
     *
     * @param buffer where to put it; a longer datagram is truncated
     * @return its length (at most {@code buffer.length}), or -1 if none is waiting
     * @throws NativeException on a socket error
     */
    public int receiveQuietly(byte[] buffer) {
        long n = LibC.Quiet.recv(fd, buffer, buffer.length, Linux.MSG_DONTWAIT);
        if (n < 0) {
            int errno = com.sun.jna.Native.getLastError();
            if (errno == Errno.EAGAIN) {
                return -1;
            }
            throw new NativeException("recv() on the " + label, errno);
        }
        return (int) Math.min(n, buffer.length);
    }

    /** The file descriptor. */
    public int fd() {
        return fd;
    }

    /** What the socket is for. */
    public String label() {
        return label;
    }

    void setInt(int level, int option, int value, String optionName) {
        setBytes(level, option, intBytes(value), optionName);
    }

    void setBytes(int level, int option, byte[] value, String optionName) {
        try {
            LibC.setsockopt(fd, level, option, value, value.length);
        } catch (LastErrorException e) {
            throw new NativeException("setsockopt(" + optionName + ") on the " + label, e.getErrorCode());
        }
    }

    int getInt(int level, int option, String optionName) {
        byte[] value = new byte[4];
        int[] length = {4};
        try {
            LibC.getsockopt(fd, level, option, value, length);
        } catch (LastErrorException e) {
            throw new NativeException("getsockopt(" + optionName + ") on the " + label, e.getErrorCode());
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        return length[0] == 1 ? b.get(0) & 0xff : b.getInt(0);
    }

    void bindToDevice(String interfaceName) {
        byte[] name = (interfaceName + "\0").getBytes(StandardCharsets.US_ASCII);
        setBytes(Linux.SOL_SOCKET, Linux.SO_BINDTODEVICE, name, "SO_BINDTODEVICE " + interfaceName);
    }

    void bind(byte[] socketAddress, String what) {
        try {
            LibC.bind(fd, socketAddress, socketAddress.length);
        } catch (LastErrorException e) {
            throw new NativeException("bind(" + what + ") of the " + label, e.getErrorCode());
        }
    }

    /**
     * Sends a datagram without blocking.
     *
     * @param data          the bytes
     * @param length        how many bytes of {@code data}
     * @param socketAddress the destination, or {@code null} for a connected/kernel destination
     * @param what          the operation for error messages
     * @return bytes sent
     * @throws NativeException on failure (including {@code EAGAIN})
     */
    int sendTo(byte[] data, int length, byte[] socketAddress, String what) {
        try {
            return (int) LibC.sendto(fd, data, length, Linux.MSG_DONTWAIT, socketAddress,
                    socketAddress == null ? 0 : socketAddress.length);
        } catch (LastErrorException e) {
            throw new NativeException(what, e.getErrorCode());
        }
    }

    /**
     * Receives one datagram.
     *
     * @param buffer   where to put it
     * @param wait     whether to block (up to the socket's receive timeout)
     * @return the datagram's full length (may exceed the buffer: truncated), or -1 if none is waiting
     * @throws NativeException on failure other than "would block"
     */
    int receive(byte[] buffer, boolean wait) {
        try {
            return (int) LibC.recv(fd, buffer, buffer.length, (wait ? 0 : Linux.MSG_DONTWAIT) | Linux.MSG_TRUNC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) {
                return -1;
            }
            throw new NativeException("recv() on the " + label, e.getErrorCode());
        }
    }

    /**
     * Whether a {@link #receive} would return at once (a datagram or an error is waiting), asked with {@code poll}
     * and a zero timeout, so that "nothing waiting" costs no exception (JNA throws one for {@code EAGAIN}).
     */
    boolean readable() {
        pollFd[0] = fd;
        pollFd[1] = POLL_EVENTS_IN;
        try {
            return LibC.poll(pollFd, 1, 0) > 0 && (pollFd[1] & POLL_REVENTS_ANY) != 0;
        } catch (LastErrorException e) {
            return e.getErrorCode() != Errno.EINTR || readable();
        }
    }

    void setReceiveTimeoutMillis(int millis) {
        ByteBuffer timeval = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        timeval.putLong(0, millis / 1000).putLong(8, (millis % 1000) * 1000L);
        setBytes(Linux.SOL_SOCKET, Linux.SO_RCVTIMEO, timeval.array(), "SO_RCVTIMEO");
    }

    /**
     * Hands the descriptor to another owner (e.g. a Netty channel, which closes it): this object will not close it.
     *
     * @return the descriptor
     */
    public int handOver() {
        closed = true;
        return fd;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the descriptor; idempotent, never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.closeQuietly(fd);
    }

    static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    @Override
    public String toString() {
        return label + " (fd " + fd + (closed ? ", closed)" : ")");
    }
}
