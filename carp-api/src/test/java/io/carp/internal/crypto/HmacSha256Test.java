package io.carp.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The hand-made HMAC-SHA256, PBKDF2 and HKDF-Expand against the JDK's own implementations and RFC vectors. */
class HmacSha256Test {

    @Test
    void shouldMatchJdkMacForKeysAndMessagesOfEveryLength() throws Exception {
        SplittableRandom random = new SplittableRandom(12);
        for (int keyLength : new int[] {1, 20, 32, 63, 64, 65, 200}) {
            for (int messageLength : new int[] {0, 1, 55, 56, 64, 84, 300}) {
                byte[] key = bytes(random, keyLength);
                byte[] message = bytes(random, messageLength);
                Mac jdk = Mac.getInstance("HmacSHA256");
                jdk.init(new SecretKeySpec(key, "HmacSHA256"));
                HmacSha256 ours = new HmacSha256(key);
                assertArrayEquals(jdk.doFinal(message), ours.mac(message), keyLength + "/" + messageLength);
                assertArrayEquals(jdk.doFinal(message), ours.mac(message), "reusable after a MAC");
            }
        }
    }

    @Test
    void shouldMatchRfc4231TestCase2() {
        // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?"
        byte[] mac = new HmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII))
                .mac("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", HexFormat.of().formatHex(mac));
    }

    @Test
    void shouldMatchJdkPbkdf2ForAsciiSecrets() throws Exception {
        SecretKeyFactory jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] salt = AuthKeys.salt("web-vip");
        for (int iterations : new int[] {1, 2, 1000}) {
            byte[] expected = jdk.generateSecret(new PBEKeySpec("correct horse".toCharArray(), salt, iterations, 256))
                    .getEncoded();
            assertArrayEquals(expected, AuthKeys.pbkdf2("correct horse".getBytes(StandardCharsets.US_ASCII), salt,
                    iterations), "iterations " + iterations);
        }
    }

    @Test
    void shouldMatchRfc7914Pbkdf2Vector() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1): the first 32 of its 64 bytes
        byte[] dk = AuthKeys.pbkdf2("passwd".getBytes(StandardCharsets.US_ASCII),
                "salt".getBytes(StandardCharsets.US_ASCII), 1);
        assertEquals("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc", HexFormat.of().formatHex(dk));
    }

    @Test
    void shouldExpandVhidKeyAsHkdfExpandOfOneBlock() throws Exception {
        byte[] master = bytes(new SplittableRandom(3), 32);
        Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(master, "HmacSHA256"));
        jdk.update("carp4j/replay-protected/v1 vhid".getBytes(StandardCharsets.US_ASCII));
        jdk.update((byte) 7);
        jdk.update((byte) 1);
        assertArrayEquals(jdk.doFinal(), AuthKeys.expand(master, 7));
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }
}
