package io.carp.internal.group;

import io.carp.internal.crypto.Secrets;

import io.carp.Authentication;
import io.carp.CarpConfig;
import io.carp.DropReason;
import io.carp.internal.crypto.AuthKeys;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.CarpConstants;
import io.carp.internal.protocol.IpEnvelope;
import io.carp.internal.protocol.ReplayProtectedAuthenticator;
import io.carp.internal.protocol.ReplayProtectedAuthenticator.Outcome;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How a group signs what it sends and checks what it receives, and the counter that goes with it: plain CARP
 * (HMAC-SHA1 keyed with the password; the BSD counter, random at start and then continuing from the peer's) or the
 * replay-protected mode (see docs/SECURITY.md). Protocol thread only, except {@link #mode()}.
 */
abstract class GroupAuthenticator {

    /**
     * The authenticator a config asks for.
     *
     * @param config the group's config
     * @return plain or replay-protected
     */
    static GroupAuthenticator of(CarpConfig config) {
        if (config.authentication().isPresent()) {
            return new ReplayProtected(config, Secrets.keys(config.authentication().get()));
        }
        byte[] password = Secrets.password(config);
        try {
            return new Plain(config, password);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    /** Bytes of one advertisement: 36, or 84 with the replay-protected trailer. */
    abstract int payloadLength();

    /**
     * Starts the counter.
     *
     * @param random     a random 64-bit value (plain: the first counter, as the BSD kernels pick it)
     * @param wallMillis the wall clock (replay-protected: the epoch)
     */
    abstract void start(long random, long wallMillis);

    /**
     * Writes one advertisement at the buffer's position and advances the counter.
     *
     * @param tx     at least {@link #payloadLength()} bytes remaining
     * @param source the address it is sent from (covered by the replay-protected MAC), or {@code null} if unknown
     */
    abstract void seal(ByteBuffer tx, InetAddress source, int advbase, int advskew, int demote);

    /**
     * Checks a peer's advertisement; an accepted one may move the counter (plain) or the replay window.
     *
     * @return {@code null} if accepted, else the reason it is dropped for
     */
    abstract DropReason open(IpEnvelope envelope, CarpAdvertisement advertisement);

    /** One sentence for the log on why the last refused advertisement was refused. */
    abstract String explain(IpEnvelope envelope, CarpAdvertisement advertisement, DropReason reason);

    /** The mode and keys in force, as {@link CarpConfig#authenticationMode()} words them. */
    abstract String mode();

    /**
     * Changes the keys of the replay-protected mode (a rotation step).
     *
     * @throws IllegalStateException in plain mode
     */
    abstract void update(Authentication authentication);

    /** Zeroes the key material; the instance is not used afterwards. */
    abstract void destroy();

    // ------------------------------------------------------------------------------------------------ plain CARP

    /** FreeBSD's and ucarp's HMAC-SHA1, and their counter. */
    static final class Plain extends GroupAuthenticator {
        private final int vhid;
        private final String mode;
        private final CarpAuthenticator authenticator;
        private final AuthDiagnosis diagnosis;
        private final byte[] md = new byte[CarpConstants.CARP_MD_LEN];
        private long counter;

        Plain(CarpConfig config, byte[] password) {
            this.vhid = config.vhid();
            this.mode = config.authenticationMode();
            this.authenticator = new CarpAuthenticator(password, vhid, config.virtualAddresses());
            this.diagnosis = new AuthDiagnosis(password, vhid, config.virtualAddresses());
        }

        @Override
        int payloadLength() {
            return CarpConstants.CARP_HEADER_LEN;
        }

        @Override
        void start(long random, long wallMillis) {
            counter = random;
        }

        @Override
        void seal(ByteBuffer tx, InetAddress source, int advbase, int advskew, int demote) {
            long c = counter++;
            authenticator.digest(c, md, 0);
            CarpCodec.encode(tx, vhid, advskew, demote, advbase, c, md);
        }

        @Override
        DropReason open(IpEnvelope envelope, CarpAdvertisement advertisement) {
            if (!authenticator.verify(advertisement)) {
                return DropReason.BAD_AUTH;
            }
            counter = advertisement.counter() + 1; // FreeBSD/ucarp: continue from the peer's counter
            return null;
        }

        @Override
        String explain(IpEnvelope envelope, CarpAdvertisement advertisement, DropReason reason) {
            if (advertisement.extensionLength() == ReplayProtectedAuthenticator.TRAILER_LEN
                    && Arrays.equals(advertisement.md(), new byte[CarpConstants.CARP_MD_LEN])) {
                return "a replay-protected advertisement (carp4j authentication(...)): this group runs plain CARP;"
                        + " every node of a group must use the same mode";
            }
            return diagnosis.explain(advertisement);
        }

        @Override
        String mode() {
            return mode;
        }

        @Override
        void update(Authentication authentication) {
            throw new IllegalStateException("setAuthentication(): this group runs plain CARP (" + mode + "); the"
                    + " replay-protected mode is chosen when the group is built, with authentication(...)");
        }

        @Override
        void destroy() {
            authenticator.destroy();
            diagnosis.destroy();
            Arrays.fill(md, (byte) 0);
        }
    }

    // ------------------------------------------------------------------------------------------------ replay-protected

    /** The HMAC-SHA256 trailer, epoch, sequence and replay window of docs/SECURITY.md. */
    static final class ReplayProtected extends GroupAuthenticator {
        private final ReplayProtectedAuthenticator authenticator;
        private volatile String mode;
        private long epoch;
        private long seq;
        private Outcome last;

        ReplayProtected(CarpConfig config, AuthKeys keys) {
            this.authenticator = new ReplayProtectedAuthenticator(config.vhid(), config.virtualAddresses(), keys);
            this.mode = "replay-protected(" + keys + ")";
        }

        @Override
        int payloadLength() {
            return ReplayProtectedAuthenticator.PAYLOAD_LEN;
        }

        @Override
        void start(long random, long wallMillis) {
            epoch = ReplayProtectedAuthenticator.newEpoch(wallMillis);
            seq = 0;
        }

        @Override
        void seal(ByteBuffer tx, InetAddress source, int advbase, int advskew, int demote) {
            authenticator.seal(tx, source, advskew, demote, advbase, epoch, seq++);
        }

        @Override
        DropReason open(IpEnvelope envelope, CarpAdvertisement advertisement) {
            last = authenticator.open(envelope.source(), advertisement);
            return last.dropReason();
        }

        @Override
        String explain(IpEnvelope envelope, CarpAdvertisement advertisement, DropReason reason) {
            if (last == null) {
                return "refused";
            }
            switch (last) {
                case PLAIN_CARP:
                    return "a plain CARP advertisement (no carp4j authentication trailer): this group is replay-protected"
                            + " and accepts only nodes configured with the same authentication(...)";
                case MALFORMED:
                    return "bytes after the CARP header that are not a replay-protected trailer of version "
                            + ReplayProtectedAuthenticator.VERSION;
                case UNKNOWN_KEY:
                    return "key id " + authenticator.lastKeyId() + " is not accepted here (we accept "
                            + authenticator.keys().keyIds() + "): change keys in the three steps of"
                            + " Authentication's documentation";
                case BAD_MAC:
                    return "the HMAC-SHA256 tag does not verify: another secret or group id, another set of virtual"
                            + " addresses, or a changed packet";
                case REPLAY:
                    long remembered = authenticator.acceptedEpochOf(envelope.source());
                    return "epoch " + authenticator.lastEpoch() + " sequence " + authenticator.lastSeq()
                            + (remembered != authenticator.lastEpoch()
                            ? " is older than the epoch " + remembered + " already heard from this sender (a replayed"
                            + " capture, or the sender's clock went back across a restart)"
                            : " was already heard or is below the window (a replayed capture)");
                default:
                    return last.toString();
            }
        }

        @Override
        String mode() {
            return mode;
        }

        @Override
        void update(Authentication authentication) {
            AuthKeys keys = Secrets.keys(authentication);
            authenticator.setKeys(keys);
            mode = "replay-protected(" + keys + ")";
        }

        @Override
        void destroy() {
            authenticator.destroy();
        }
    }
}
