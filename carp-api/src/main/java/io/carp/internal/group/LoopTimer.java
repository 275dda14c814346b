package io.carp.internal.group;

import io.carp.spi.ProtocolLoop;

/**
 * The one pending deadline of a group on its protocol loop: rescheduling to the same deadline does nothing, a new one
 * replaces the old. Protocol thread only.
 */
final class LoopTimer {
    private final Runnable onDue;
    private ProtocolLoop loop;
    private ProtocolLoop.Cancellable timer;
    private long scheduledDeadline = CarpStateMachine.NO_DEADLINE;

    LoopTimer(Runnable onDue) {
        this.onDue = onDue;
    }

    void bind(ProtocolLoop protocolLoop) {
        this.loop = protocolLoop;
    }

    /** Makes {@code deadline} (a time on the loop's clock, or {@link CarpStateMachine#NO_DEADLINE}) the pending one. */
    void scheduleAt(long deadline) {
        if (deadline == scheduledDeadline) {
            return;
        }
        cancel();
        if (deadline != CarpStateMachine.NO_DEADLINE) {
            scheduledDeadline = deadline;
            timer = loop.schedule(this::fire, deadline);
        }
    }

    void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        scheduledDeadline = CarpStateMachine.NO_DEADLINE;
    }

    private void fire() {
        timer = null;
        scheduledDeadline = CarpStateMachine.NO_DEADLINE;
        onDue.run();
    }
}
