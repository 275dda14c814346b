package io.carp.micrometer;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.CarpState;
import io.carp.StateChangeCause;
import io.carp.CarpStateEvent;
import io.carp.CarpStats;
import io.carp.DropReason;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A hand-driven {@link CarpGroup} for lifecycle tests: {@link #fire} delivers any transition, including reason texts
 * the real state machine never writes. Its stats count received IPv4 packets only ({@link #received}).
 */
final class StubGroup implements CarpGroup {
    private final CarpConfig config;
    private final List<Consumer<CarpStateEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile CarpState state = CarpState.INIT;
    private volatile long received;

    StubGroup(int vhid, String interfaceName) {
        this.config = CarpGroup.builder().vhid(vhid).interfaceName(interfaceName).password("pw")
                .virtualAddress("198.18.0.50").buildConfig();
    }

    int listenerCount() {
        return listeners.size();
    }

    void received(long n) {
        received = n;
    }

    void fire(CarpState to, StateChangeCause cause, String reason) {
        CarpStateEvent event = new CarpStateEvent(config.vhid(), config.interfaceLabel(), state, to, cause, reason, 0,
                Instant.EPOCH);
        state = to;
        listeners.forEach(l -> l.accept(event));
    }

    @Override
    public CarpConfig config() {
        return config;
    }

    @Override
    public CarpState state() {
        return state;
    }

    @Override
    public CarpStats stats() {
        return new CarpStats() {
            @Override
            public long ipv4PacketsReceived() {
                return received;
            }

            @Override
            public long ipv6PacketsReceived() {
                return 0;
            }

            @Override
            public long ipv4PacketsSent() {
                return 0;
            }

            @Override
            public long ipv6PacketsSent() {
                return 0;
            }

            @Override
            public long sendErrors() {
                return 0;
            }

            @Override
            public long dropped(DropReason reason) {
                return 0;
            }

            @Override
            public long transitions() {
                return 0;
            }

            @Override
            public long callbackFailures() {
                return 0;
            }

            @Override
            public long addressFailures() {
                return 0;
            }

            @Override
            public long lastAdvertisementNanos() {
                return Long.MIN_VALUE;
            }

            @Override
            public long nanosSinceLastAdvertisement() {
                return -1;
            }

            @Override
            public long claims() {
                return 0;
            }

            @Override
            public long lastClaimDurationNanos() {
                return -1;
            }

            @Override
            public String authenticationMode() {
                return "hmac-sha1 (password)";
            }

            @Override
            public long currentMasterDownNanos() {
                return -1;
            }
        };
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void close() {
    }

    @Override
    public void addListener(Consumer<CarpStateEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Consumer<CarpStateEvent> listener) {
        listeners.remove(listener);
    }

    @Override
    public void setDemotion(String source, int demotion, String reason) {
    }

    @Override
    public boolean isWaitingForLink() {
        return false;
    }

    @Override
    public void addLinkWaitListener(Runnable listener) {
    }

    @Override
    public void setDemotion(int demotion, String reason) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void demote(int amount, String reason) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void promote(int amount, String reason) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public int demotion() {
        return 0;
    }

    @Override
    public void forceMaster(String reason) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void forceBackup(String reason) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void setAuthentication(io.carp.Authentication authentication) {
        throw new UnsupportedOperationException("stub");
    }
}
