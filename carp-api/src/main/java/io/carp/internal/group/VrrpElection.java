package io.carp.internal.group;

import io.carp.CarpConfig;
import io.carp.CarpState;
import io.carp.DropReason;
import io.carp.IpFamily;
import io.carp.Protocol;
import io.carp.StateChangeCause;
import io.carp.internal.crypto.Secrets;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.util.LogThrottle;
import io.carp.internal.vrrp.VrrpAdvertisement;
import io.carp.internal.vrrp.VrrpCodec;
import io.carp.internal.vrrp.VrrpConstants;
import io.carp.internal.vrrp.VrrpReceiveCheck;
import io.carp.internal.vrrp.VrrpStateMachine;
import io.carp.spi.RuntimeBinding;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The VRRP side of a group (RFC 9568, RFC 3768): a {@link VrrpStateMachine} with its advertisements and its receive
 * checks, behind the same {@link Election} face as CARP's machine so that {@link DefaultCarpGroup} runs either.
 * A VRRP group has one address family (RFC 9568 §1: the IPv4 and IPv6 virtual routers are independent). Protocol
 * thread only.
 */
final class VrrpElection implements Election, VrrpStateMachine.Effects {
    private static final System.Logger LOG = System.getLogger(io.carp.CarpGroup.class.getName());
    private static final long MISMATCH_LOG_INTERVAL_NANOS = 60_000_000_000L;

    /** What the election needs from its group (the CARP machine's effects, with a typed cause). */
    interface Host {
        void claimAddresses();

        void releaseAddresses();

        void announceAddresses();

        /** The master renews its addresses' lifetime with each advertisement, as in CARP. */
        void refreshAddresses();

        void stateChanged(CarpState from, CarpState to, StateChangeCause cause, String reason);
    }

    private final String label;
    private final int version;
    private final int vrid;
    private final IpFamily family;
    private final List<InetAddress> addresses;
    private final int intervalCentis;
    private final int authType;
    private final byte[] authData;
    private final VrrpReceiveCheck check;
    private final VrrpStateMachine machine;
    private final DefaultCarpStats stats;
    private final InboundFilter drops;
    private final Host host;
    private final LogThrottle mismatchLog = new LogThrottle(MISMATCH_LOG_INTERVAL_NANOS);
    private RuntimeBinding binding;
    /** The advertisement's bytes, made again only when the source or destination changes (see {@link Encoder}). */
    private final Encoder encoder = new Encoder();

    VrrpElection(String label, CarpConfig config, DefaultCarpStats stats, InboundFilter drops, Host host) {
        this.label = label;
        this.version = config.protocol() == Protocol.VRRP_V2 ? VrrpConstants.VERSION_2 : VrrpConstants.VERSION_3;
        this.vrid = config.vhid();
        this.addresses = config.virtualAddresses();
        this.family = IpFamily.of(addresses.get(0));
        this.intervalCentis = config.vrrpIntervalCentis();
        byte[] password = Secrets.password(config); // VRRPv2's simple text password, or null
        this.authType = password != null ? VrrpConstants.AUTH_SIMPLE_TEXT : VrrpConstants.AUTH_NONE;
        this.authData = password != null ? VrrpCodec.simpleTextAuthData(password)
                : new byte[VrrpConstants.V2_AUTH_DATA_LEN];
        if (password != null) {
            java.util.Arrays.fill(password, (byte) 0);
        }
        this.check = new VrrpReceiveCheck(version, intervalCentis, authType, authData, addresses);
        this.stats = stats;
        this.drops = drops;
        this.host = host;
        this.machine = new VrrpStateMachine(version, config.priority(), intervalCentis, config.preempt(),
                config.demotion(), this);
    }

    void bind(RuntimeBinding runtimeBinding) {
        this.binding = runtimeBinding;
    }

    /** The family of the group's addresses, the only one it sends and accepts. */
    IpFamily family() {
        return family;
    }

    // ------------------------------------------------------------------------------------------------ Election

    @Override
    public CarpState state() {
        return machine.state();
    }

    @Override
    public long nextDeadline() {
        return machine.nextDeadline();
    }

    @Override
    public int demotion() {
        return machine.demotion();
    }

    @Override
    public void start(long now, boolean linkUp) {
        machine.start(now, linkUp);
        reportMasterDown();
    }

    /** Master_Down_Interval with the learned interval and the priority in force, in nanoseconds. */
    long masterDownNanos() {
        return machine.masterDownNanos();
    }

    /** Master_Adver_Interval in centiseconds (learned from the master in VRRPv3). */
    int masterIntervalCentis() {
        return machine.masterIntervalCentis();
    }

    /** Keeps {@link io.carp.CarpStats#currentMasterDownNanos()} equal to the machine's Master_Down_Interval. */
    private void reportMasterDown() {
        stats.masterDown(machine.masterDownNanos());
    }

    @Override
    public void stop(long now) {
        machine.stop(now);
    }

    @Override
    public void onTimer(long now) {
        machine.onTimer(now);
    }

    @Override
    public void onLinkStateChanged(long now, boolean up) {
        machine.onLinkStateChanged(now, up);
    }

    @Override
    public void forceMaster(long now, String reason) {
        machine.forceMaster(now, reason);
    }

    @Override
    public void forceBackup(long now, String reason) {
        machine.forceBackup(now, reason);
    }

    @Override
    public void setDemotion(long now, int demotion) {
        machine.setDemotion(now, demotion);
        reportMasterDown();
    }

    // ------------------------------------------------------------------------------------------------ inbound

    /**
     * A VRRP advertisement the codec accepted for this VRID: checked, counted, and fed to the machine.
     *
     * @return whether it reached the machine
     */
    boolean onAdvertisement(IpEnvelope envelope, VrrpAdvertisement advertisement, long now) {
        if (envelope.family() != family) {
            drops.drop(DropReason.FOREIGN, envelope, now); // the other family's virtual router with this VRID
            return false;
        }
        InetAddress self = binding.sourceAddress(family);
        switch (check.check(advertisement, envelope.source(), self)) {
            case OWN_PACKET -> {
                drops.drop(DropReason.OWN_PACKET, envelope, now);
                return false;
            }
            case WRONG_VERSION -> {
                drops.drop(DropReason.BAD_VERSION, envelope, now);
                return false;
            }
            case BAD_INTERVAL -> {
                drops.drop(DropReason.BAD_INTERVAL, envelope, now);
                return false;
            }
            case BAD_AUTH -> {
                drops.drop(DropReason.BAD_AUTH, envelope, now);
                return false;
            }
            case BAD_ADDRESS_LIST -> {
                drops.drop(DropReason.BAD_ADDRESS_LIST, envelope, now);
                return false;
            }
            case ACCEPT_ADDRESS_MISMATCH -> {
                stats.addressListMismatch();
                if (mismatchLog.tryAcquire(now)) {
                    LOG.log(Level.WARNING, "{0}: advertisement from {1} lists other addresses than this group: {2}"
                                    + " ({3} so far; processed as RFC 9568 §7.1 allows; logged at most once a minute)",
                            label, envelope.source().getHostAddress(), advertisement,
                            String.valueOf(stats.addressListMismatches()));
                }
            }
            default -> {
            }
        }
        stats.received(family, now);
        machine.onAdvertisement(now, advertisement.priority(), advertisement.intervalCentis(), envelope.source(),
                self);
        reportMasterDown();
        return true;
    }

    // ------------------------------------------------------------------------------------------------ effects

    @Override
    public void sendAdvertisement(int priority) {
        try {
            encoder.priority = priority;
            binding.sendVrrp(family, encoder);
            stats.sent(family);
        } catch (RuntimeException e) {
            stats.sendError();
            LOG.log(Level.WARNING, "{0}: could not send {1} advertisement: {2}", label, family, e.toString());
        }
        if (machine.state() == CarpState.MASTER && priority != VrrpConstants.PRIORITY_STOP) {
            host.refreshAddresses();
        }
    }

    @Override
    public void claimAddresses() {
        host.claimAddresses();
    }

    @Override
    public void releaseAddresses() {
        host.releaseAddresses();
    }

    @Override
    public void announceAddresses() {
        host.announceAddresses();
    }

    @Override
    public void stateChanged(CarpState from, CarpState to, VrrpStateMachine.Cause cause, String detail) {
        reportMasterDown();
        host.stateChanged(from, to, cause(cause), detail);
    }

    /** The public cause of a VRRP transition. */
    static StateChangeCause cause(VrrpStateMachine.Cause cause) {
        return switch (cause) {
            case STARTED -> StateChangeCause.STARTED;
            case ADDRESS_OWNER -> StateChangeCause.ADDRESS_OWNER;
            case MASTER_DOWN -> StateChangeCause.MASTER_TIMED_OUT;
            case MASTER_STOPPED -> StateChangeCause.BOW_OUT_RECEIVED;
            case PREEMPTING -> StateChangeCause.PREEMPTING;
            case PREEMPTED -> StateChangeCause.PREEMPTED;
            case DEMOTED -> StateChangeCause.DEMOTED;
            case HIGHER_ADDRESS -> StateChangeCause.EQUAL_ADVERTISEMENT;
            case LINK_DOWN -> StateChangeCause.LINK_DOWN;
            case LINK_UP -> StateChangeCause.LINK_UP;
            case STOPPED -> StateChangeCause.STOPPED;
            case FORCED -> StateChangeCause.FORCED;
        };
    }

    /**
     * The bytes of this group's advertisements, reused from advert to advert so that a master allocates nothing per
     * advertisement: the message is built by {@link VrrpCodec#encodeV3} / {@link VrrpCodec#encodeV2} (which validate
     * it) when the source or destination object changes, and otherwise only its priority and checksum are written
     * again. The returned buffer is valid until the next call (the runtime sends it before asking for the next one).
     * Protocol thread only.
     */
    private final class Encoder implements RuntimeBinding.VrrpMessage {
        int priority;
        private byte[] message;
        private ByteBuffer view;
        private InetAddress source;
        private InetAddress destination;
        private byte[] sourceBytes;
        private byte[] destinationBytes;

        @Override
        public ByteBuffer bytes(InetAddress from, InetAddress to) {
            if (message == null || from != source || to != destination) {
                message = version == VrrpConstants.VERSION_3
                        ? VrrpCodec.encodeV3(from, to, vrid, priority, intervalCentis, addresses)
                        : VrrpCodec.encodeV2(vrid, priority, intervalCentis / VrrpConstants.CENTIS_PER_SECOND,
                        authType, authData, addresses);
                view = ByteBuffer.wrap(message);
                source = from;
                destination = to;
                sourceBytes = from.getAddress();
                destinationBytes = to.getAddress();
                return view.clear();
            }
            message[2] = (byte) priority;
            message[6] = 0;
            message[7] = 0;
            int sum = version == VrrpConstants.VERSION_3
                    ? VrrpCodec.v3Checksum(sourceBytes, destinationBytes, view.clear(), 0, message.length)
                    : io.carp.internal.protocol.InternetChecksum.compute(message, 0, message.length);
            message[6] = (byte) (sum >>> 8);
            message[7] = (byte) sum;
            return view.clear();
        }
    }
}
