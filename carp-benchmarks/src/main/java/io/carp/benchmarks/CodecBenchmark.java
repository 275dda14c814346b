package io.carp.benchmarks;

import io.carp.internal.protocol.CarpAdvertisement;
import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.InboundPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * What one advertisement costs: building and authenticating it (sender), decoding and verifying it (receiver).
 * Run: {@code java -jar carp-benchmarks/target/benchmarks.jar -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    private CarpAuthenticator authenticator;
    private final ByteBuffer out = ByteBuffer.allocate(36);
    private final byte[] md = new byte[20];
    private ByteBuffer packet;
    private long counter;

    @Setup
    public void setUp() throws Exception {
        List<InetAddress> vips = List.of(InetAddress.getByName("198.18.0.100"));
        authenticator = new CarpAuthenticator("secret".getBytes(StandardCharsets.UTF_8), 1, vips);
        byte[] header = CarpCodec.encode(1, 100, 0, 1, 42L, authenticator.digest(42L));
        packet = ByteBuffer.wrap(CarpCodec.encodeIpv4((Inet4Address) InetAddress.getByName("198.18.0.2"),
                (Inet4Address) InetAddress.getByName("224.0.0.18"), 255, 0, header));
    }

    /** Sender: HMAC-SHA1 over the prepared message plus counter, then the 36-byte header with its checksum. */
    @Benchmark
    public ByteBuffer encodeAndAuthenticate() {
        long c = counter++;
        authenticator.digest(c, md, 0);
        out.clear();
        CarpCodec.encode(out, 1, 100, 0, 1, c, md);
        return out;
    }

    /** Receiver: IPv4 envelope, TTL, length, version, checksum, then HMAC verification. */
    @Benchmark
    public boolean decodeAndVerify() {
        InboundPacket p = CarpCodec.decodeIpv4(packet, true);
        CarpAdvertisement adv = p.advertisement();
        return adv != null && authenticator.verify(adv);
    }
}
