package io.carp.examples.spring;

import io.carp.spring.boot.CarpGroups;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops in the phase just before the starter's {@link CarpGroups} (which bows out and gives up the virtual address):
 * waits for a moment when no request is in progress on the virtual address, so that the address moves between two
 * requests rather than in the middle of one.
 */
@Component
class BowOutWhenIdle implements SmartLifecycle {
    private final VirtualAddressService service;
    private volatile boolean running;

    BowOutWhenIdle(VirtualAddressService service) {
        this.service = service;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        service.awaitIdle();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return CarpGroups.PHASE + 1;
    }
}
