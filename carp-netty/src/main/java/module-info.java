/**
 * The Linux runtime of carp4j: {@link io.carp.netty.NettyCarpRuntime} carries {@link io.carp.CarpGroup}s on Netty's
 * native epoll transport with raw protocol-112 sockets, rtnetlink, gratuitous ARP and unsolicited neighbour
 * advertisements, through JNA. Only {@code io.carp.netty} is exported.
 */
module io.carp.netty {
    requires transitive io.carp;
    requires transitive io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires com.sun.jna;

    exports io.carp.netty;

    // JNA binds LibC's native methods by reflection.
    opens io.carp.netty.internal.linux to com.sun.jna;
}
