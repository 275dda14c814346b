package io.carp.internal.vrrp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** Literals and helpers for the VRRP tests (no DNS). */
final class VrrpTestPackets {
    static final Inet4Address GROUP_V4 = v4("224.0.0.18");
    static final Inet6Address GROUP_V6 = v6("ff02::12");

    private VrrpTestPackets() {
    }

    static Inet4Address v4(String literal) {
        return (Inet4Address) literal(literal);
    }

    static Inet6Address v6(String literal) {
        return (Inet6Address) literal(literal);
    }

    static InetAddress literal(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
