package io.carp.netty.internal.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code recvmsg} of whole datagrams on a non-blocking socket, each with its kernel receive timestamp
 * ({@code SCM_TIMESTAMPNS}, turned on by the constructor), into buffers made once in native memory: one system call
 * and no allocation per packet (a {@code byte[]} argument would make JNA allocate and copy the whole array in and out
 * on every call). Not thread-safe (used from the socket's event loop only).
 */
public final class StampedReceiver {
    private static final int CONTROL_LEN = 64; // one SCM_TIMESTAMPNS record: 16 + 16 bytes

    private final NativeSocket socket;
    private final MessageHeader message = new MessageHeader();
    private final Memory control = new Memory(CONTROL_LEN);
    private final ByteBuffer controlView = control.getByteBuffer(0, CONTROL_LEN).order(ByteOrder.nativeOrder());
    private long stampSeconds;
    private long stampNanos;
    private boolean stamped;

    /**
     * @param socket a non-blocking datagram or raw socket; its receive timestamps are turned on
     * @throws NativeException if the kernel refuses the timestamp option
     */
    public StampedReceiver(NativeSocket socket) {
        this.socket = socket;
        ArrivalTimes.enable(socket);
    }

    /**
     * Reads one datagram without blocking.
     *
     * @param into where its bytes go, from index 0 (a longer datagram is cut to the array's length, and to 2048)
     * @return how many bytes were written, or -1 if none was waiting
     * @throws NativeException on a socket error
     */
    public int receive(byte[] into) {
        message.prepare(MessageHeader.MAX_PACKET, null, 0, control, CONTROL_LEN);
        long n = LibC.Quiet.recvmsg(socket.fd(), message.msghdr, Linux.MSG_DONTWAIT);
        if (n < 0) {
            int errno = Native.getLastError(); // no LastErrorException: it would allocate at every EAGAIN
            if (errno == Errno.EAGAIN) {
                return -1;
            }
            throw new NativeException("recvmsg() on the " + socket.label(), errno);
        }
        int length = (int) Math.min(n, Math.min(into.length, MessageHeader.MAX_PACKET));
        message.data.read(0, into, 0, length);
        int at = ControlMessages.find(controlView, (int) Math.min(message.receivedControlLength(), CONTROL_LEN),
                Linux.SOL_SOCKET, Linux.SCM_TIMESTAMPNS, 16);
        stamped = at >= 0;
        if (stamped) {
            stampSeconds = controlView.getLong(at);
            stampNanos = controlView.getLong(at + 8);
        }
        return length;
    }

    /**
     * The arrival of the datagram last read.
     *
     * @param times the socket's clock mapping ({@link ArrivalTimes#startBatch} called for this batch)
     * @return a {@link io.carp.CarpClock#system()} time, or {@link ArrivalTimes#UNKNOWN} if the kernel gave no stamp
     */
    public long lastArrival(ArrivalTimes times) {
        return stamped ? times.toMonotonic(stampSeconds, stampNanos) : ArrivalTimes.UNKNOWN;
    }
}
