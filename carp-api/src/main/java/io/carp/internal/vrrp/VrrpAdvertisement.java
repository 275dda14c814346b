package io.carp.internal.vrrp;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A decoded VRRP ADVERTISEMENT, either version.
 *
 * <pre>
 * VRRPv3 (RFC 9568 §5.1)                          VRRPv2 (RFC 3768 §5.1)
 *  0       4       8              16              |  0       4       8              16              24
 * |Version| Type  |   Virtual Rtr ID |  Priority  | |Version| Type  | Virtual Rtr ID |   Priority   | Count IP Addrs |
 * |Count IPvX Addr|(rsvd)| Max Adver Int (12 bits)| |   Auth Type   |  Adver Int (s) |          Checksum              |
 * |          Checksum               |              |  IP Address(es) (4 bytes each)                                  |
 * |  IPvX Address(es) (4 or 16 bytes each)          |  Authentication Data (8 bytes)                                  |
 * </pre>
 *
 * <p>In VRRPv3 bytes 0-3 are version/type, VRID, priority, count; bytes 4-5 carry 4 reserved bits and the 12-bit
 * interval in centiseconds; bytes 6-7 the checksum. In VRRPv2 byte 4 is the authentication type, byte 5 the
 * interval in seconds, bytes 6-7 the checksum, and 8 bytes of authentication data follow the addresses.
 *
 * @param version        2 or 3
 * @param vrid           virtual router id, 0-255 as received
 * @param priority       0-255
 * @param addresses      the addresses carried, in order (their count is the packet's count byte)
 * @param intervalCentis the advertisement interval in centiseconds (VRRPv2's seconds times 100)
 * @param authType       VRRPv2's authentication type, 0 for VRRPv3
 * @param checksum       the checksum as carried
 * @param authData       VRRPv2's 8 authentication bytes (copied), empty for VRRPv3
 */
public record VrrpAdvertisement(int version, int vrid, int priority, List<InetAddress> addresses, int intervalCentis,
                                int authType, int checksum, byte[] authData) {
    /** Copies the address list and the authentication data. */
    public VrrpAdvertisement {
        addresses = List.copyOf(addresses);
        authData = authData.clone();
    }

    /** VRRPv2's authentication data (a copy), empty for VRRPv3. */
    @Override
    public byte[] authData() {
        return authData.clone();
    }

    /**
     * Whether the authentication data equal {@code expected}, compared in constant time and without the copy
     * {@link #authData()} makes (the receive check runs for every advertisement heard).
     */
    boolean authDataEquals(byte[] expected) {
        return java.security.MessageDigest.isEqual(authData, expected);
    }

    /** The count byte of the packet. */
    public int count() {
        return addresses.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpAdvertisement a && version == a.version && vrid == a.vrid && priority == a.priority
                && addresses.equals(a.addresses) && intervalCentis == a.intervalCentis && authType == a.authType
                && checksum == a.checksum && java.util.Arrays.equals(authData, a.authData);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(version, vrid, priority, addresses, intervalCentis, authType, checksum)
                * 31 + java.util.Arrays.hashCode(authData);
    }

    /** Readable form; never prints the authentication data (it may be a password). */
    @Override
    public String toString() {
        return "VRRPv" + version + "(vrid " + vrid + ", priority " + priority + ", interval " + intervalCentis
                + " cs, " + addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(",", "[", "]"))
                + (version == VrrpConstants.VERSION_2 ? ", auth type " + authType : "") + ")";
    }
}
