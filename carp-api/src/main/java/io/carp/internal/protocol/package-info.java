/**
 * The CARP wire format: the 36-byte header, its IPv4/IPv6 envelope, the Internet checksum, HMAC-SHA1 authentication
 * and the protocol's timer arithmetic. Pure functions on {@code byte[]} and {@link java.nio.ByteBuffer}; no I/O.
 *
 * <p>CARP has no RFC. The format and rules here follow the BSD kernels and ucarp as they actually behave.
 *
 * @see <a href="https://github.com/openbsd/src/blob/master/sys/netinet/ip_carp.h">OpenBSD ip_carp.h</a>
 * @see <a href="https://github.com/freebsd/freebsd-src/blob/main/sys/netinet/ip_carp.c">FreeBSD ip_carp.c</a>
 * @see <a href="https://github.com/jedisct1/UCarp/blob/master/src/carp.c">ucarp carp.c</a>
 */
package io.carp.internal.protocol;
