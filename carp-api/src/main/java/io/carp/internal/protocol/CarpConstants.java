package io.carp.internal.protocol;

/**
 * Wire constants, named as in the BSD {@code ip_carp.h} and {@code netinet/in.h}.
 */
public final class CarpConstants {
    /** IP protocol number of CARP (shared with VRRP). */
    public static final int IPPROTO_CARP = 112;
    /** CARP protocol version carried in the high nibble of byte 0. */
    public static final int CARP_VERSION = 2;
    /** The only CARP message type: an advertisement (low nibble of byte 0). */
    public static final int CARP_ADVERTISEMENT = 1;
    /** TTL / hop limit every CARP packet is sent with and must arrive with. */
    public static final int CARP_DFLTTL = 255;
    /** Length of the HMAC key buffer; passwords are at most {@code CARP_KEY_LEN - 1} = 19 bytes. */
    public static final int CARP_KEY_LEN = 20;
    /** The authlen field: counter and digest in 32-bit words (2 + 5). Sent, never checked on receipt. */
    public static final int CARP_AUTHLEN = 7;
    /** Length of the CARP header in bytes. */
    public static final int CARP_HEADER_LEN = 36;
    /** Length of the HMAC-SHA1 digest in bytes. */
    public static final int CARP_MD_LEN = 20;
    /** FreeBSD's ceiling for the advertised (demoted) advskew. */
    public static final int CARP_MAXSKEW = 240;
    /** advbase and advskew of the OpenBSD bow-out advertisement sent by a master that shuts down. */
    public static final int CARP_BOW_OUT = 255;
    /** Length of an IPv4 header without options. */
    public static final int IPV4_HEADER_LEN = 20;
    /** Length of the fixed IPv6 header. */
    public static final int IPV6_HEADER_LEN = 40;
    /** The IPv4 CARP multicast group, 224.0.0.18 ({@code INADDR_CARP_GROUP}). */
    public static final byte[] INADDR_CARP_GROUP = {(byte) 224, 0, 0, 18};
    /** The IPv6 CARP multicast group, ff02::12. */
    public static final byte[] IN6ADDR_CARP_GROUP = {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};
    /** IPv4 type of service of adverts: {@code IPTOS_LOWDELAY}, as OpenBSD and ucarp send. */
    public static final int IPTOS_LOWDELAY = 0x10;

    private CarpConstants() {
    }
}
