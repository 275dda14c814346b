package io.carp.netty.internal.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * One {@code struct msghdr} with a single {@code iovec} and its packet buffer, in native memory made once, for
 * {@code sendmsg}/{@code recvmsg} on the event loop without allocating per packet. The caller owns the socket
 * address and control buffers (their layout depends on the family). Not thread-safe.
 *
 * <p>Layout (x86-64 and aarch64 Linux, {@code <sys/socket.h>}): {@code msg_name} at 0, {@code msg_namelen} at 8,
 * {@code msg_iov} at 16, {@code msg_iovlen} at 24, {@code msg_control} at 32, {@code msg_controllen} at 40,
 * {@code msg_flags} at 48; {@code iov_base} at 0, {@code iov_len} at 8.
 */
final class MessageHeader {
    /** The largest packet sent or received whole (longer ones are truncated). */
    static final int MAX_PACKET = 2048;
    private static final int MSGHDR_LEN = 56;
    private static final int IOVEC_LEN = 16;
    private static final int CONTROL_LENGTH_OFFSET = 40;

    /** The packet's bytes in native memory. */
    final Memory data = new Memory(MAX_PACKET);
    /** A Java copy of {@link #data}, for the payload of a heap buffer and for reading a received packet. */
    final byte[] bytes = new byte[MAX_PACKET];
    /** The {@code struct msghdr} to pass to the system call. */
    final Memory msghdr = new Memory(MSGHDR_LEN);
    private final Memory iov = new Memory(IOVEC_LEN);

    MessageHeader() {
        if (Native.POINTER_SIZE != 8) {
            throw new IllegalStateException("the Linux transport needs a 64-bit JVM (pointer size "
                    + Native.POINTER_SIZE + ")");
        }
    }

    /**
     * Copies a payload into {@link #data}.
     *
     * @param payload the bytes, from position to limit (not consumed)
     * @return how many were copied (at most {@link #MAX_PACKET})
     */
    int copyIn(ByteBuffer payload) {
        int length = Math.min(payload.remaining(), MAX_PACKET);
        if (payload.hasArray()) {
            data.write(0, payload.array(), payload.arrayOffset() + payload.position(), length);
        } else {
            payload.get(payload.position(), bytes, 0, length);
            data.write(0, bytes, 0, length);
        }
        return length;
    }

    /**
     * Fills the header for one call.
     *
     * @param dataLength    bytes of {@link #data} to send, or room to receive into
     * @param name          the socket address buffer
     * @param nameLength    its length
     * @param control       the control buffer, or {@code null} for none
     * @param controlLength its length (0 for none)
     */
    void prepare(int dataLength, Pointer name, int nameLength, Pointer control, int controlLength) {
        iov.setPointer(0, data);
        iov.setLong(8, dataLength);
        msghdr.clear();
        msghdr.setPointer(0, name);
        msghdr.setInt(8, nameLength);
        msghdr.setPointer(16, iov);
        msghdr.setLong(24, 1);
        msghdr.setPointer(32, controlLength > 0 ? control : null);
        msghdr.setLong(CONTROL_LENGTH_OFFSET, controlLength);
    }

    /** @return after {@code recvmsg}: how many bytes of control data the kernel wrote */
    long receivedControlLength() {
        return msghdr.getLong(CONTROL_LENGTH_OFFSET);
    }
}
