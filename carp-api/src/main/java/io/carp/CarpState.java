package io.carp;

/**
 * The three states of a CARP virtual host, in the order of {@code CARP_STATES} in the BSD {@code ip_carp.h}.
 *
 * <p>{@link #order()} is the stable numeric value the BSD kernels and ucarp use (INIT=0, BACKUP=1, MASTER=2); use it
 * rather than {@link #ordinal()} for metrics and logs.
 */
public enum CarpState {
    /** Not taking part: not started yet, stopped, or the interface is down. Holds no virtual address. */
    INIT(0),
    /** Listening to a master's advertisements; takes over when they stop. Holds no virtual address. */
    BACKUP(1),
    /** Holds the virtual addresses and advertises them. */
    MASTER(2);

    private final int order;

    CarpState(int order) {
        this.order = order;
    }

    /** {@return the BSD numeric value of this state: INIT=0, BACKUP=1, MASTER=2} */
    public int order() {
        return order;
    }
}
