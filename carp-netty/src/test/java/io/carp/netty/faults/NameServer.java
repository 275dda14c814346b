package io.carp.netty.faults;

import io.carp.netty.internal.linux.NetworkNamespace;
import io.carp.netty.testing.LiveLab.Host;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A TCP service on every address of a host's namespace that answers the host's name and closes: a client asking the
 * virtual address learns which node served it (a name says more than a ping, and there is no ping(8) here).
 */
final class NameServer implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 2_000;
    private final ServerSocketChannel channel;

    private NameServer(ServerSocketChannel channel, String name) {
        this.channel = channel;
        Thread t = new Thread(() -> {
            byte[] answer = (name + "\n").getBytes(StandardCharsets.UTF_8);
            while (channel.isOpen()) {
                try (SocketChannel c = channel.accept()) {
                    c.write(ByteBuffer.wrap(answer));
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }, "flt-name-server-" + name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Listens on a port in a host's namespace.
     *
     * @param host the host
     * @param port the TCP port
     * @return the server; close it
     */
    static NameServer start(Host host, int port) {
        ServerSocketChannel channel = NetworkNamespace.of(host.ns()).call(() -> {
            try {
                ServerSocketChannel s = ServerSocketChannel.open();
                s.bind(new InetSocketAddress(port));
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new NameServer(channel, host.name());
    }

    /**
     * Connects from a host's namespace to an address and reads the name of the node that answers.
     *
     * @param from    the client host
     * @param address the address to ask
     * @param port    the TCP port
     * @return the name, or {@code null} if nobody answered within two seconds
     */
    static String ask(Host from, String address, int port) {
        SocketChannel channel = NetworkNamespace.of(from.ns()).call(() -> {
            try {
                return SocketChannel.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (channel) {
            channel.socket().connect(new InetSocketAddress(address, port), TIMEOUT_MILLIS);
            channel.socket().setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = channel.socket().getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
