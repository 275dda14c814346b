package io.carp;

/**
 * The redundancy protocol a group speaks, chosen with {@link CarpGroupBuilder#protocol(Protocol)}. All three share IP
 * protocol 112 and the groups 224.0.0.18 / ff02::12, so one node can run groups of each on the same interface; a
 * packet of one protocol is {@linkplain DropReason#FOREIGN foreign} to a group of another.
 */
public enum Protocol {
    /**
     * CARP (OpenBSD, FreeBSD, ucarp): HMAC-SHA1 authenticated adverts, election by advertisement interval
     * ({@code advbase}, {@code advskew}). The default.
     */
    CARP("carp"),
    /**
     * VRRP version 2 (RFC 3768), IPv4 only: election by priority, interval in whole seconds, no authentication or a
     * simple text password. keepalived's default ({@code vrrp_version 2}).
     */
    VRRP_V2("vrrp2"),
    /**
     * VRRP version 3 (RFC 9568), IPv4 and IPv6: election by priority, interval in centiseconds (10 ms to 40.95 s), no
     * authentication.
     */
    VRRP_V3("vrrp3");

    private final String tag;

    Protocol(String tag) {
        this.tag = tag;
    }

    /** {@return the stable lower-case name, for metric tags and logs: {@code carp}, {@code vrrp2} or {@code vrrp3}} */
    public String tag() {
        return tag;
    }

    /** {@return whether this is one of the VRRP versions} */
    public boolean isVrrp() {
        return this != CARP;
    }
}
