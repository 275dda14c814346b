package io.carp.testkit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/** Parses address literals without ever making a DNS lookup. */
final class Addresses {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private Addresses() {
    }

    /**
     * Parses an IPv4 or IPv6 literal.
     *
     * @param field for the message
     * @param type  {@code InetAddress.class} for either family, or {@code Inet4Address} / {@code Inet6Address}
     */
    static <T extends InetAddress> T parse(String field, String literal, Class<T> type) {
        Objects.requireNonNull(literal, field);
        String s = literal.trim();
        if (IPV4.matcher(s).matches() || IPV6.matcher(s).matches()) {
            try {
                InetAddress a = InetAddress.getByName(s);
                if (type.isInstance(a)) {
                    return type.cast(a);
                }
            } catch (UnknownHostException e) {
                // reported below
            }
        }
        String expected = type == Inet4Address.class ? "an IPv4 literal such as 198.18.0.10"
                : type == InetAddress.class ? "an IPv4 or IPv6 literal such as 198.18.0.100 or 2001:db8::100"
                : "an IPv6 literal such as 2001:db8::a";
        throw new IllegalArgumentException(field + ": \"" + literal + "\" (expected: " + expected + ")");
    }

    static InetAddress of(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes is always an address", e);
        }
    }
}
