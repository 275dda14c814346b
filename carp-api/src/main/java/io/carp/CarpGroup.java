package io.carp;

import java.util.function.Consumer;

/**
 * One CARP virtual host: a vhid, its password and its virtual addresses, electing a master among its peers.
 *
 * <pre>{@code
 * CarpGroup group = CarpGroup.builder()
 *         .runtime(runtime)                      // NettyCarpRuntime on Linux, a SimulatedNode in tests
 *         .interfaceName("eth0").vhid(1).password("secret")
 *         .virtualAddress("198.18.0.100")
 *         .advskew(100)
 *         .onMaster(e -> server.start())
 *         .onBackup(e -> server.stop())
 *         .build();
 * group.start();
 * ...
 * group.close();                                 // bows out: a backup takes over at once
 * }</pre>
 *
 * <p>Threads: every method is safe to call from any thread. The protocol runs on the runtime's single protocol
 * thread; callbacks run on the callback executor (see {@link CarpGroupBuilder#callbackExecutor}), in order, and with
 * the default executor never on the protocol thread; a callback that throws is logged and counted without affecting
 * the protocol.
 */
public interface CarpGroup extends AutoCloseable {

    /**
     * Starts configuring a group.
     *
     * @return a new builder with the defaults of {@link CarpConfig}
     */
    static CarpGroupBuilder builder() {
        return new CarpGroupBuilder();
    }

    /** {@return the validated configuration; never {@code null}} */
    CarpConfig config();

    /** {@return the current state: INIT before {@link #start()} and after {@link #close()}} */
    CarpState state();

    /** {@return the group's live counters, safe to read from any thread} */
    CarpStats stats();

    /**
     * Whether the group runs but waits in INIT for its interface to come up (link down or no carrier). A group that
     * starts with its link down never leaves INIT, so no state event tells it; this does.
     *
     * @return {@code true} while started, not closed, and waiting for the link
     */
    boolean isWaitingForLink();

    /**
     * Adds a listener called, on the callback executor, whenever {@link #isWaitingForLink()} changes.
     *
     * @param listener called with no argument; read {@link #isWaitingForLink()} in it
     */
    void addLinkWaitListener(Runnable listener);

    /**
     * Joins the group: INIT -> BACKUP, then MASTER if no master is heard within the master-down interval.
     *
     * @throws IllegalStateException if already started or closed, or if no runtime was configured
     */
    void start();

    /**
     * Leaves the group. A MASTER first sends the bow-out advertisement (advbase 255, advskew 255; VRRP priority 0) so
     * that a backup takes over at once instead of after the master-down interval, then releases its addresses: at
     * once, or after {@link CarpGroupBuilder#releaseDelay} if one is set. Idempotent. Blocks until done (about a
     * second at most, plus the release delay) when called from outside the protocol thread; on the protocol thread it
     * returns at once and a release delay ends on the loop.
     */
    @Override
    void close();

    /**
     * Adds a listener for every state transition (also reachable through the builder's {@code onStateChange}).
     *
     * @param listener called on the callback executor
     */
    void addListener(Consumer<CarpStateEvent> listener);

    /**
     * Removes a listener added with {@link #addListener}; no effect if absent.
     *
     * @param listener the same instance that was added
     */
    void removeListener(Consumer<CarpStateEvent> listener);

    /**
     * Sets the operator demotion, which is added to the advertised advskew (FreeBSD style, total capped at 240) and carried in
     * the OpenBSD demote byte. A demoted master loses to undemoted peers even when they do not preempt. A MASTER
     * advertises the change at once.
     *
     * @param demotion 0-240
     * @param reason   why, for the log
     */
    void setDemotion(int demotion, String reason);

    /**
     * Sets one named part of the demotion. The total demotion is the sum of its parts (the operator's, which
     * {@link #setDemotion(int, String)} sets, one per failing health check, one per {@link CarpGroupUnit}, and your own
     * named parts), capped at 240; so independent reasons to step aside do not overwrite each other.
     *
     * @param source    a name for the part, e.g. {@code "replication-lag"}; {@code "operator"} is the part that
     *                  {@link #setDemotion(int, String)} sets
     * @param demotion  0-240; 0 removes the part
     * @param reason    why, for the log
     * @throws IllegalArgumentException if {@code demotion} is out of range or {@code source} is empty
     */
    void setDemotion(String source, int demotion, String reason);

    /**
     * Raises the operator demotion by {@code amount} (like writing FreeBSD's {@code net.inet.carp.demotion}).
     *
     * @param amount 0-240
     * @param reason why, for the log
     */
    void demote(int amount, String reason);

    /**
     * Lowers the operator demotion by {@code amount}, not below 0.
     *
     * @param amount 0-240
     * @param reason why, for the log
     */
    void promote(int amount, String reason);

    /**
     * The current total demotion (0-240): the operator's ({@link #setDemotion}, {@link #demote}, {@link #promote})
     * plus the weights of failing health checks, plus 240 while the addresses could not be claimed (or, as MASTER,
     * renewed), capped at 240.
     *
     * @return the demotion, 0-240
     */
    int demotion();

    /**
     * Operator take-over: become MASTER now, whatever the peers advertise (FreeBSD {@code ifconfig ... state master}).
     * Peers that advertise better will take mastership back by the normal rules.
     *
     * @param reason why, for the log
     */
    void forceMaster(String reason);

    /**
     * Operator step-down: a MASTER sends the bow-out advertisement so a backup takes over at once, becomes BACKUP, and
     * does not preempt for one master-down interval (ucarp's SIGUSR2). With a {@link CarpGroupBuilder#releaseDelay}, it
     * keeps its addresses that long after the bow-out (as BACKUP), unless it becomes MASTER again meanwhile.
     *
     * @param reason why, for the log
     */
    void forceBackup(String reason);

    /**
     * Changes the keys of a replay-protected group (built with {@link CarpGroupBuilder#authentication}), one step of a
     * key change; see {@link Authentication} for the three steps that change a key without a flap. The replay state
     * is kept. Safe from any thread; on a running group the change is made on the protocol thread.
     *
     * @param authentication the new keys; the group id may differ (it is part of the keys)
     * @throws IllegalStateException if the group runs plain CARP (a password or {@code noPassword()}), or is closed
     */
    void setAuthentication(Authentication authentication);
}
