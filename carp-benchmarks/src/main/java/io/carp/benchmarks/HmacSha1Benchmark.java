package io.carp.benchmarks;

import io.carp.internal.protocol.CarpAuthenticator;
import io.carp.internal.protocol.CarpCodec;
import io.carp.internal.protocol.CarpDecoder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
 * Where the time of decode + verify goes, piece by piece, in nanoseconds per operation: the decode alone, the MAC
 * comparison alone, one SHA-1 of a one-block message through {@link MessageDigest} (one compression: the JDK uses
 * the CPU's SHA instructions where it has them), HMAC-SHA1 over {@link MessageDigest} as CarpAuthenticator computed it
 * before (ipad and opad blocks hashed every time: four compressions), over {@code javax.crypto.Mac}, and over
 * {@link KeyedStateHmacSha1} (keyed states kept: two compressions in plain Java; checked against Mac first). The message is CARP's for one IPv4 address (15 bytes).
 * Run: {@code java -jar carp-benchmarks/target/benchmarks.jar HmacSha1Benchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HmacSha1Benchmark {
    private final byte[] key = "secret".getBytes(StandardCharsets.UTF_8);
    private byte[] message;
    private final byte[] out = new byte[20];
    private final byte[] other = new byte[20];
    private MessageDigest sha1;
    private JdkHmacSha1 jdkHmac;
    private KeyedStateHmacSha1 hmac;
    private Mac mac;
    private CarpAuthenticator authenticator;
    private final CarpDecoder decoder = new CarpDecoder();
    private ByteBuffer packet;
    private long counter;

    /** HMAC-SHA1 over MessageDigest, hashing the padded keys every time (CarpAuthenticator until 2026-12-03). */
    static final class JdkHmacSha1 {
        private final MessageDigest sha1;
        private final byte[] ipad = new byte[64];
        private final byte[] opad = new byte[64];
        private final byte[] inner = new byte[20];

        JdkHmacSha1(byte[] key) throws Exception {
            sha1 = MessageDigest.getInstance("SHA-1");
            for (int i = 0; i < 64; i++) {
                byte k = i < key.length ? key[i] : 0;
                ipad[i] = (byte) (k ^ 0x36);
                opad[i] = (byte) (k ^ 0x5c);
            }
        }

        void mac(byte[] message, byte[] out) throws DigestException {
            sha1.update(ipad);
            sha1.update(message);
            sha1.digest(inner, 0, 20);
            sha1.update(opad);
            sha1.update(inner);
            sha1.digest(out, 0, 20);
        }
    }

    @Setup
    public void setUp() throws Exception {
        List<InetAddress> vips = List.of(InetAddress.getByName("198.18.0.100"));
        message = CarpAuthenticator.message(1, vips, 42L);
        sha1 = MessageDigest.getInstance("SHA-1");
        jdkHmac = new JdkHmacSha1(key);
        hmac = new KeyedStateHmacSha1(key);
        java.util.Random random = new java.util.Random(14);
        for (int n = 0; n < 1000; n++) { // the candidate must be right before its speed means anything
            byte[] k = new byte[1 + random.nextInt(100)];
            byte[] m = new byte[random.nextInt(200)];
            random.nextBytes(k);
            random.nextBytes(m);
            Mac reference = Mac.getInstance("HmacSHA1");
            reference.init(new SecretKeySpec(k, "HmacSHA1"));
            byte[] got = new byte[20];
            new KeyedStateHmacSha1(k).mac(m, 0, m.length, got, 0);
            if (!java.util.Arrays.equals(got, reference.doFinal(m))) {
                throw new IllegalStateException("KeyedStateHmacSha1 disagrees with javax.crypto.Mac");
            }
        }
        mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        authenticator = new CarpAuthenticator(key, 1, vips);
        byte[] header = CarpCodec.encode(1, 100, 0, 1, 42L, authenticator.digest(42L));
        packet = ByteBuffer.wrap(CarpCodec.encodeIpv4((Inet4Address) InetAddress.getByName("198.18.0.2"),
                (Inet4Address) InetAddress.getByName("224.0.0.18"), 255, 0, header));
    }

    /** The receive path's decode without the HMAC: IPv4 header, envelope cache, TTL, checksum, fill. */
    @Benchmark
    public Object decodeOnly() {
        decoder.decodeIpv4(packet, true);
        return decoder.dropReason();
    }

    /** The constant-time comparison of two 20-byte MACs. */
    @Benchmark
    public boolean compareOnly() {
        return MessageDigest.isEqual(out, other);
    }

    /** SHA-1 of the 15-byte message: one compression plus MessageDigest's per-call work. */
    @Benchmark
    public byte[] jdkSha1OneBlock() {
        sha1.update(message);
        try {
            sha1.digest(out, 0, 20);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** HMAC-SHA1 over MessageDigest, padded keys hashed every time: four compressions. */
    @Benchmark
    public byte[] jdkMessageDigestHmac() {
        message[14] = (byte) counter++;
        try {
            jdkHmac.mac(message, out);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** HMAC-SHA1 through javax.crypto.Mac (allocates its result). */
    @Benchmark
    public byte[] jdkMacHmac() {
        message[14] = (byte) counter++;
        return mac.doFinal(message);
    }

    /** HMAC-SHA1 with the keyed states kept: two compressions in plain Java. */
    @Benchmark
    public byte[] keyedStateHmac() {
        message[14] = (byte) counter++;
        hmac.mac(message, 0, message.length, out, 0);
        return out;
    }

    /** CarpAuthenticator.digest as the sender calls it (MessageDigest, whole inputs in two arrays: four compressions). */
    @Benchmark
    public byte[] authenticatorDigest() {
        authenticator.digest(counter++, out, 0);
        return out;
    }
}
