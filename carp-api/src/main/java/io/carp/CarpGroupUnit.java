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
 * <p>Reacts on the members' callback threads; all it calls are thread-safe group methods.
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

    /** The member groups. */
    public List<CarpGroup> members() {
        return members;
    }

    private synchronized void onTransition(CarpStateEvent event) {
        String cause = "unit " + name + ": vhid " + event.vhid() + " " + event.from() + " -> " + event.to();
        if (event.from() == CarpState.MASTER && event.to() != CarpState.MASTER) {
            for (CarpGroup g : members) {
                if (g.config().vhid() != event.vhid() && g.state() == CarpState.MASTER) {
                    g.forceBackup(cause);
                }
            }
        }
    }

    private synchronized void onLinkWait() {
        List<Integer> waiting = members.stream().filter(CarpGroup::isWaitingForLink)
                .map(g -> g.config().vhid()).toList();
        boolean demote = !waiting.isEmpty();
        if (demote != demoted) {
            demoted = demote;
            String cause = "unit " + name + (demote ? ": vhid " + waiting + " waits for its link" : ": links up");
            for (CarpGroup g : members) {
                g.setDemotion("unit:" + name, demote ? 240 : 0, cause);
            }
        }
    }
}
