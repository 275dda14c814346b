package io.carp.internal.vrrp;

/**
 * Wire constants of VRRPv3 (RFC 9568) and VRRPv2 (RFC 3768). Names follow the RFC fields; where keepalived has a
 * name for the same constant (keepalived/include/vrrp.h) it is given in the comment.
 */
public final class VrrpConstants {
    private VrrpConstants() {
    }

    /** IP protocol number, shared with CARP (RFC 9568 §5.1.1.4, IANA). */
    public static final int IPPROTO_VRRP = 112;
    /** The only TTL / hop limit a VRRP packet is sent and accepted with (RFC 9568 §5.1.1.3, §7.1). */
    public static final int VRRP_TTL = 255;
    /** VRRPv2 (RFC 3768). */
    public static final int VERSION_2 = 2;
    /** VRRPv3 (RFC 9568). */
    public static final int VERSION_3 = 3;
    /** The only message type: ADVERTISEMENT (RFC 9568 §5.2.2). */
    public static final int TYPE_ADVERTISEMENT = 1;
    /** The fixed part of a VRRP message: version/type, VRID, priority, count, (v3) interval or (v2) auth type and
     *  interval, checksum. */
    public static final int HEADER_LEN = 8;
    /** VRRPv2's trailing authentication data, two 32-bit words (RFC 3768 §5.3.10; keepalived VRRP_AUTH_LEN). */
    public static final int V2_AUTH_DATA_LEN = 8;
    /** VRRPv2 authentication type 0: none (RFC 3768 §5.3.6). */
    public static final int AUTH_NONE = 0;
    /** VRRPv2 authentication type 1: simple text password (RFC 2338 §5.3.6.1, kept by keepalived as auth_type PASS). */
    public static final int AUTH_SIMPLE_TEXT = 1;
    /** VRRPv2 authentication type 2: IP Authentication Header (RFC 2338 §5.3.6.2); not supported here. */
    public static final int AUTH_AH = 2;
    /** Priority of the address owner (RFC 9568 §5.2.4; keepalived VRRP_PRIO_OWNER). */
    public static final int PRIORITY_OWNER = 255;
    /** Priority sent by a master that stops participating (RFC 9568 §5.2.4; keepalived VRRP_PRIO_STOP). */
    public static final int PRIORITY_STOP = 0;
    /** The default priority of a backup (RFC 9568 §6.1). */
    public static final int PRIORITY_DEFAULT = 100;
    /** Largest VRRPv3 Max Adver Int, centiseconds (12 bits, RFC 9568 §5.2.7). */
    public static final int V3_MAX_INTERVAL_CENTIS = 4095;
    /** Mask of the 12-bit Max Adver Int field in bytes 4-5 of a VRRPv3 message; the top 4 bits are reserved. */
    public static final int V3_INTERVAL_MASK = 0x0fff;
    /** Largest VRRPv2 Adver Int, seconds (one byte, RFC 3768 §5.3.7). */
    public static final int V2_MAX_INTERVAL_SECONDS = 255;
    /** Centiseconds per second. */
    public static final int CENTIS_PER_SECOND = 100;
    /** Default advertisement interval, centiseconds (1 s, RFC 9568 §6.1 and RFC 3768 §6.1). */
    public static final int DEFAULT_INTERVAL_CENTIS = 100;
    /** Nanoseconds per centisecond. */
    public static final long NANOS_PER_CENTI = 10_000_000L;
}
