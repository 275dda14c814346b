package io.carp.internal.vrrp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One VRRP advertisement the real keepalived sent, captured on the wire, with its fields as tshark decoded them
 * ({@code src/test/resources/vrrp-golden/*.txt}; see the README there for how they were made).
 *
 * @param name        the file's name without {@code .txt}
 * @param ipv6        whether it came over IPv6
 * @param source      the IP source (IPv4 address, or the IPv6 link-local address)
 * @param destination 224.0.0.18 or ff02::12
 * @param hopLimit    TTL / hop limit
 * @param version     2 or 3
 * @param type        1 (advertisement)
 * @param vrid        the virtual router ID
 * @param priority    the priority
 * @param count       the address count
 * @param interval    VRRPv3: the maximum advertisement interval in centiseconds; VRRPv2: the interval in seconds
 * @param authType    VRRPv2 authentication type (0 none, 1 text password); -1 for VRRPv3
 * @param password    VRRPv2 text password, or {@code null}
 * @param checksum    the checksum field
 * @param addresses   the virtual addresses
 * @param ip          the whole IP packet
 * @param vrrp        the VRRP message
 */
record VrrpGoldenVector(String name, boolean ipv6, InetAddress source, InetAddress destination, int hopLimit,
                        int version, int type, int vrid, int priority, int count, int interval, int authType,
                        String password, int checksum, List<InetAddress> addresses, byte[] ip, byte[] vrrp) {
    /** Every vector, in a fixed order. */
    static final List<String> NAMES = List.of("v3-ipv4", "v3-ipv4-5cs-two-addresses", "v3-ipv6", "v2-ipv4",
            "v2-ipv4-pass");

    static List<VrrpGoldenVector> all() {
        List<VrrpGoldenVector> all = new ArrayList<>();
        for (String name : NAMES) {
            all.add(load(name));
        }
        return all;
    }

    static VrrpGoldenVector load(String name) {
        String text;
        try (InputStream in = VrrpGoldenVector.class.getResourceAsStream("/vrrp-golden/" + name + ".txt")) {
            if (in == null) {
                throw new IllegalArgumentException("no vector /vrrp-golden/" + name + ".txt");
            }
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.indexOf(' ');
                f.put(line.substring(0, space), line.substring(space + 1).trim());
            }
        }
        int version = Integer.parseInt(f.get("version"));
        List<InetAddress> addresses = new ArrayList<>();
        for (String a : f.get("addresses").split(" ")) {
            addresses.add(literal(a));
        }
        return new VrrpGoldenVector(f.get("name"), "ipv6".equals(f.get("family")), literal(f.get("source")),
                literal(f.get("destination")), Integer.parseInt(f.get("hop-limit")), version,
                Integer.parseInt(f.get("type")), Integer.parseInt(f.get("vrid")), Integer.parseInt(f.get("priority")),
                Integer.parseInt(f.get("count")),
                Integer.parseInt(version == 3 ? f.get("max-advert-int-centiseconds") : f.get("advert-int-seconds")),
                version == 3 ? -1 : Integer.parseInt(f.get("auth-type")), f.get("password"),
                Integer.decode(f.get("checksum")), List.copyOf(addresses), unhex(f.get("ip")), unhex(f.get("vrrp")));
    }

    @Override
    public String toString() {
        return name;
    }

    private static InetAddress literal(String text) {
        // only literals (no DNS): hex digits, dots and colons
        if (!text.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an address literal: " + text);
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static byte[] unhex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
