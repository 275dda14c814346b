package io.carp.netty.internal.linux;

/**
 * An interface with the attributes the virtual MAC code reads: parent ({@code IFLA_LINK}), kind
 * ({@code IFLA_INFO_KIND}), macvlan mode and alias ({@code IFLA_IFALIAS}).
 *
 * @param link        flags, name, MAC
 * @param parent      the parent's ifindex, 0 if none
 * @param kind        e.g. {@code macvlan}, {@code veth}; {@code null} for physical interfaces
 * @param macvlanMode {@code IFLA_MACVLAN_MODE}, or -1
 * @param alias       the alias, or {@code null}
 */
public record LinkDetails(LinkInfo link, int parent, String kind, int macvlanMode, String alias) {
}
