package io.carp.testkit;

/** Whoever an event belongs to decides, when it is due, whether it runs now, later (frozen) or never (dead). */
interface EventOwner {

    /**
     * Called when the event is due.
     *
     * @param event the due event
     * @return whether to run it now; if not, the owner has dropped it or kept it for later
     */
    boolean admit(ScheduledEvent event);
}
