package io.carp.benchmarks;

import io.carp.internal.crypto.AuthKeys;
import io.carp.internal.protocol.ReplayProtectedAuthenticator;
import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpCodec;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The replay-protected mode: sealing an advert (HMAC-SHA256 over 84 bytes plus addresses), opening one (decode, MAC,
 * replay window), and deriving a key from a secret (PBKDF2, 600,000 iterations): the cost of one offline guess.
 * Run: {@code java -jar carp-benchmarks/target/benchmarks.jar ReplayProtected -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayProtectedBenchmark {
    private ReplayProtectedAuthenticator sender;
    private ReplayProtectedAuthenticator receiver;
    private final ByteBuffer out = ByteBuffer.allocate(ReplayProtectedAuthenticator.PAYLOAD_LEN);
    private InetAddress source;
    private Inet4Address group;
    private long seq;
    private long receivedSeq;

    @Setup
    public void setUp() throws Exception {
        List<InetAddress> vips = List.of(InetAddress.getByName("198.18.0.100"));
        byte[] master = new byte[32];
        AuthKeys keys = new AuthKeys("bench", 1, Map.of(1, master));
        sender = new ReplayProtectedAuthenticator(1, vips, keys);
        receiver = new ReplayProtectedAuthenticator(1, vips, keys);
        source = InetAddress.getByName("198.18.0.2");
        group = (Inet4Address) InetAddress.getByName("224.0.0.18");
    }

    /** Sender: the 36-byte header, the trailer and its HMAC-SHA256. */
    @Benchmark
    public ByteBuffer seal() {
        out.clear();
        sender.seal(out, source, 100, 0, 1, 1_000L, seq++);
        return out;
    }

    /** Receiver: a fresh advert each time (so the replay window accepts it): seal, IPv4 decode, MAC, window. */
    @Benchmark
    public boolean sealDecodeAndOpen() {
        out.clear();
        sender.seal(out, source, 100, 0, 1, 1_000L, receivedSeq++);
        byte[] payload = java.util.Arrays.copyOf(out.array(), ReplayProtectedAuthenticator.PAYLOAD_LEN);
        CarpAdvertisement adv = CarpCodec.decodeIpv4(ByteBuffer.wrap(CarpCodec.encodeIpv4((Inet4Address) source,
                group, 255, 0, payload)), true).advertisement();
        return receiver.open(source, adv).accepted();
    }

    /** One offline guess against a captured replay-protected advert: PBKDF2-HMAC-SHA256, 600,000 iterations. */
    @Benchmark
    @Warmup(iterations = 1, time = 5)
    @Measurement(iterations = 3, time = 10)
    public byte[] deriveKey() {
        return AuthKeys.deriveMaster("bench", "guess-1234".getBytes(StandardCharsets.UTF_8));
    }
}
