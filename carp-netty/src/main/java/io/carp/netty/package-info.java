/**
 * The Linux runtime of the CARP library: {@link io.carp.netty.NettyCarpRuntime} carries
 * {@link io.carp.CarpGroup}s on Netty's native epoll transport with raw protocol-112 sockets, rtnetlink and
 * gratuitous ARP / unsolicited neighbour advertisements. Everything else in this package is package-private.
 */
package io.carp.netty;
