package io.carp;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address literals for tests (no DNS). */
public final class InetAddressLiterals {
    public static final InetAddress CARP_V4 = of("224.0.0.18");
    public static final InetAddress CARP_V6 = of("ff02::12");

    private InetAddressLiterals() {
    }

    public static InetAddress of(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
