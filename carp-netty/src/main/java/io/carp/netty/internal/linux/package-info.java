/**
 * Internal: the Linux system calls behind {@link io.carp.netty.NettyCarpRuntime}, made with JNA (libc
 * {@code socket}, {@code setsockopt}, {@code sendto}, {@code recvmsg}, {@code setns}...), the rtnetlink codec, and
 * pure builders of gratuitous ARP and neighbour advertisement frames. Public only so that the runtime's package can
 * use it; not an API, it may change in any release. Assumes 64-bit Linux ({@code size_t} and pointers of 8 bytes).
 */
package io.carp.netty.internal.linux;
