package io.carp.netty.internal.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The few libc functions the transport needs, bound with JNA direct mapping. Every call that can fail throws
 * {@link LastErrorException} carrying {@code errno}; callers turn it into a {@link NativeException}.
 *
 * <p>Sizes ({@code size_t}, {@code ssize_t}) are {@code long}: the transport runs on 64-bit Linux only.
 */
final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    private LibC() {
    }

    /**
     * The calls of the packet path without {@link LastErrorException}: they return -1 and leave {@code errno} to
     * {@link Native#getLastError()} (JNA saves it after every call), so that an {@code EAGAIN}, which a non-blocking
     * read meets at the end of every burst, allocates no exception (with its message and stack trace).
     */
    static final class Quiet {
        static {
            Native.register(Quiet.class, NativeLibrary.getInstance("c"));
        }

        private Quiet() {
        }

        static native long recvmsg(int fd, Pointer message, int flags);

        static native long recv(int fd, byte[] buffer, long length, int flags);

        static native long sendmsg(int fd, Pointer message, int flags);

        static native int clock_gettime(int clockId, Pointer timespec);

    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, byte[] value, int[] length) throws LastErrorException;

    static native int bind(int fd, byte[] address, int length) throws LastErrorException;

    static native long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    /**
     * {@code sendto} from native memory: unlike the {@code byte[]} overload, JNA neither copies the arrays in and out
     * nor allocates a native buffer for them on each call.
     */
    static native long sendto(int fd, Pointer buffer, long length, int flags, Pointer address, int addressLength)
            throws LastErrorException;

    static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    static native long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    static native long sendmsg(int fd, Pointer message, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int fcntl(int fd, int command, int argument) throws LastErrorException;

    /**
     * {@code close(2)} whose failure is ignored: on Linux the descriptor is released even when the call reports an
     * error (EINTR, EIO), so there is nothing to retry and nothing left to do.
     *
     * @param fd the descriptor
     */
    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // the descriptor is gone either way
        }
    }

    /** {@code fds}: {@code struct pollfd} entries as pairs of ints (fd; events and revents, two shorts). */
    static native int poll(int[] fds, long nfds, int timeout) throws LastErrorException;

    static native long read(int fd, byte[] buffer, long length) throws LastErrorException;

    static native int timerfd_create(int clockid, int flags) throws LastErrorException;

    static native int timerfd_settime(int fd, int flags, long[] newValue, Pointer oldValue) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native String strerror(int errno);

}
