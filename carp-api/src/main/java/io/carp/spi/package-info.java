/**
 * The service-provider interface between a {@link io.carp.CarpGroup} and the runtime that carries it: the Linux
 * transport in {@code carp-netty} or the simulated network in {@code carp-testkit}. Applications do not need it.
 *
 * <p>A runtime gives each group a {@link io.carp.spi.ProtocolLoop} (one thread, one clock), a way to send
 * advertisements, and an {@link io.carp.AddressManager}. Received packets go through a
 * {@link io.carp.spi.CarpDispatcher}, which decodes them with the shared codec and hands them to the group with the
 * matching vhid.
 */
package io.carp.spi;
