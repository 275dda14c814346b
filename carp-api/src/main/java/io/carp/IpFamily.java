package io.carp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** IP address family of a packet, an address or a socket. */
public enum IpFamily {
    /** IPv4: adverts go to 224.0.0.18. */
    IPV4,
    /** IPv6: adverts go to ff02::12. */
    IPV6;

    /**
     * The family of an address.
     *
     * @param address an IPv4 or IPv6 address
     * @return its family
     */
    public static IpFamily of(InetAddress address) {
        if (address instanceof Inet4Address) {
            return IPV4;
        }
        if (address instanceof Inet6Address) {
            return IPV6;
        }
        throw new IllegalArgumentException("unknown address family: " + address);
    }
}
