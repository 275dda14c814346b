package io.carp;

import java.util.List;
import java.util.Objects;

/**
 * Groups that move together, like the two interfaces of a firewall (OpenBSD interface groups, pfSense's
 * "if one CARP interface fails, all fail over"):
 * <ul>
 *   <li>when one member leaves MASTER, the members still MASTER step down at once with a bow-out, so the peers take
 *       over every member together;</li>
 *   <li>while a member is in INIT because its link is down (also from its start, or from before the unit was
 *       formed), every member is demoted by 240, so none of them takes mastership back until the link returns.</li>
 * </ul>
 * <pre>{@code
 * CarpGroupUnit.of("firewall", wan, lan);
 * }</pre>
 *
 * <p>Reacts on the members' callback threads; all it calls are thread-safe group methods. Whatever it does, it does to
 * every member it concerns: a member that cannot be moved (closed meanwhile, or its event loop shut down) does not
 * stop the others. The failures are reported afterwards, in one exception naming each member it could not move
 * ({@link UnitException}); in a reaction to a transition that exception is logged as a WARNING and counted in the
 * reporting member's {@link CarpStats#callbackFailures()}.
 */
public final class CarpGroupUnit {
    private final String name;
    private final List<CarpGroup> members;
    private boolean demoted;

    private CarpGroupUnit(String name, List<CarpGroup> members) {
        this.name = name;
        this.members = members;
    }

    /**
     * Ties groups together. Call before or after they start.
     *
     * @param name    a name for logs
     * @param members two or more groups built by {@link CarpGroup#builder()}, with distinct vhids
     * @return the unit
     */
    public static CarpGroupUnit of(String name, CarpGroup... members) {
        Objects.requireNonNull(name, "name");
        if (members.length < 2) {
            throw new IllegalArgumentException("members: " + members.length + " (expected: 2 or more groups)");
        }
        java.util.Set<Integer> vhids = new java.util.HashSet<>();
        for (CarpGroup g : members) {
            if (!vhids.add(g.config().vhid())) { // members are told apart by the vhid of their events
                throw new IllegalArgumentException("members: vhid " + g.config().vhid()
                        + " twice (expected: groups with distinct vhids)");
            }
        }
        CarpGroupUnit unit = new CarpGroupUnit(name, List.of(members));
        for (CarpGroup g : members) {
            g.addListener(unit::onTransition);
            g.addLinkWaitListener(unit::onLinkWait);
        }
        unit.onLinkWait(); // a member may already wait for its link
        return unit;
    }

    /** {@return the member groups, in the order given to {@link #of}; unmodifiable} */
    public List<CarpGroup> members() {
        return members;
    }

    /**
     * Steps every member that is MASTER down to BACKUP (each with a bow-out, see {@link CarpGroup#forceBackup}), so
     * the peers take the whole unit over together: an operator's switch-over of the unit.
     *
     * @param reason why, for the logs and events
     * @throws UnitException after trying every member, if some could not be moved; it names each of them
     */
    public void forceBackup(String reason) {
        Objects.requireNonNull(reason, "reason");
        apply("force BACKUP", g -> g.state() == CarpState.MASTER, g -> g.forceBackup(reason));
    }

    /**
     * Makes every member that is not MASTER take over ({@link CarpGroup#forceMaster}).
     *
     * @param reason why, for the logs and events
     * @throws UnitException after trying every member, if some could not be moved; it names each of them
     */
    public void forceMaster(String reason) {
        Objects.requireNonNull(reason, "reason");
        apply("force MASTER", g -> g.state() != CarpState.MASTER, g -> g.forceMaster(reason));
    }

    /**
     * Some members of a unit could not be moved; every other member was. {@link #failures()} names them; each cause
     * is also a {@linkplain Throwable#getSuppressed() suppressed} exception.
     */
    public static final class UnitException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient List<CarpGroup> failed;

        UnitException(String message, List<CarpGroup> failed) {
            super(message);
            this.failed = List.copyOf(failed);
        }

        /** {@return the members that could not be moved, in member order} */
        public List<CarpGroup> failures() {
            return failed;
        }
    }

    /** Does {@code action} to every member that {@code concerns}, then reports every failure at once. */
    private synchronized void apply(String what, java.util.function.Predicate<CarpGroup> concerns,
                                    java.util.function.Consumer<CarpGroup> action) {
        List<CarpGroup> failed = new java.util.ArrayList<>();
        List<RuntimeException> causes = new java.util.ArrayList<>();
        for (CarpGroup g : members) {
            if (!concerns.test(g)) {
                continue;
            }
            try {
                action.accept(g);
            } catch (RuntimeException e) {
                failed.add(g);
                causes.add(e);
            }
        }
        if (!failed.isEmpty()) {
            StringBuilder sb = new StringBuilder("unit ").append(name).append(": could not ").append(what)
                    .append(" on ");
            for (int i = 0; i < failed.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append("vhid ").append(failed.get(i).config().vhid()).append('@')
                        .append(failed.get(i).config().interfaceLabel()).append(" (")
                        .append(causes.get(i).getMessage()).append(')');
            }
            sb.append("; every other member was moved");
            UnitException e = new UnitException(sb.toString(), failed);
            causes.forEach(e::addSuppressed);
            throw e;
        }
    }

    private void onTransition(CarpStateEvent event) {
        String cause = "unit " + name + ": vhid " + event.vhid() + " " + event.from() + " -> " + event.to();
        if (event.from() == CarpState.MASTER && event.to() != CarpState.MASTER) {
            apply("force BACKUP", g -> g.config().vhid() != event.vhid() && g.state() == CarpState.MASTER,
                    g -> g.forceBackup(cause));
        }
    }

    private synchronized void onLinkWait() {
        List<Integer> waiting = members.stream().filter(CarpGroup::isWaitingForLink)
                .map(g -> g.config().vhid()).toList();
        boolean demote = !waiting.isEmpty();
        if (demote != demoted) {
            demoted = demote;
            String cause = "unit " + name + (demote ? ": vhid " + waiting + " waits for its link" : ": links up");
            apply(demote ? "demote" : "promote", g -> true,
                    g -> g.setDemotion("unit:" + name, demote ? 240 : 0, cause));
        }
    }
}
