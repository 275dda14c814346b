package io.carp.internal.group;

import io.carp.spi.ProtocolLoop;

/**
 * The one pending deadline of a group on its protocol loop: rescheduling to the same deadline does nothing, a new one
 * replaces the old. Protocol thread only.
 */
final class LoopTimer {
    private final Runnable onDue;
    private ProtocolLoop.Timer timer;
    private long scheduledDeadline = CarpStateMachine.NO_DEADLINE;

    LoopTimer(Runnable onDue) {
        this.onDue = onDue;
    }

    void bind(ProtocolLoop protocolLoop) {
        this.timer = protocolLoop.newTimer(this::fire); // one timer, re-armed: nothing allocated per deadline
    }

    /** Makes {@code deadline} (a time on the loop's clock, or {@link CarpStateMachine#NO_DEADLINE}) the pending one. */
    void scheduleAt(long deadline) {
        scheduleAt(deadline, 0);
    }

    /**
     * As {@link #scheduleAt(long)}, allowing the runtime to run the task up to {@code toleranceNanos} late (to serve
     * several deadlines with one wake-up).
     */
    void scheduleAt(long deadline, long toleranceNanos) {
        if (deadline == scheduledDeadline) {
            return;
        }
        if (deadline == CarpStateMachine.NO_DEADLINE) {
            cancel();
            return;
        }
        scheduledDeadline = deadline;
        timer.setDeadline(deadline, toleranceNanos);
    }

    void cancel() {
        if (timer != null) {
            timer.cancel();
        }
        scheduledDeadline = CarpStateMachine.NO_DEADLINE;
    }

    private void fire() {
        scheduledDeadline = CarpStateMachine.NO_DEADLINE;
        onDue.run();
    }
}
