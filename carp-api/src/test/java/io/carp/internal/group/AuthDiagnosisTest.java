package io.carp.internal.group;

import io.carp.CarpState;

import io.carp.CarpGroup;

import io.carp.DropReason;

import static io.carp.InetAddressLiterals.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.internal.protocol.TestPackets;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the WARNING log says when an advert fails authentication ({@link AuthDiagnosis}): the HMAC covers the password
 * and the address set, and the diagnosis tells the two apart when it can. The group's log goes through
 * {@link System.Logger} to java.util.logging (the default), captured here with a handler on the logger
 * {@code io.carp.CarpGroup}.
 */
class AuthDiagnosisTest {
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.UTF_8);
    private static final Inet4Address PEER4 = (Inet4Address) of("198.18.0.2");
    private static final InetAddress X = of("198.18.0.100");
    private static final InetAddress Y = of("198.18.0.101");
    private static final InetAddress Z = of("198.18.0.102");
    private static final InetAddress X6 = of("2001:db8::100");
    private static final long MINUTE = 60_000_000_000L;

    private final FakeRuntime runtime = new FakeRuntime(of("198.18.0.1"), of("2001:db8::1"));
    private final Logger logger = Logger.getLogger("io.carp.CarpGroup");
    private final List<String> warnings = new ArrayList<>();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(formatter.formatMessage(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;
    private CarpGroup group;

    @BeforeEach
    void attach() {
        previousLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    @AfterEach
    void detach() {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
        if (group != null) {
            group.close();
        }
    }

    private void start(InetAddress... addresses) {
        group = CarpGroup.builder().vhid(1).password("secret").virtualAddresses(List.of(addresses)).advskew(100)
                .runtime(runtime).callbackExecutor(Runnable::run).build();
        group.start();
    }

    private void receive(byte[] key, InetAddress... peerAddresses) {
        runtime.receiveIpv4(TestPackets.ipv4Advert(PEER4, key, 1, List.of(peerAddresses), 1, 0, 0, 7));
    }

    private String onlyWarning() {
        assertEquals(1, warnings.size(), () -> "warnings: " + warnings);
        return warnings.get(0);
    }

    @Test
    void shouldSayTheAddressSetDiffersWhenThePeerAuthenticatesOneOfOurAddresses() {
        // Rule: an advert that verifies with one of our addresses alone (as ucarp sends) means the password is
        // right and the address sets differ; the log names both sets.
        start(X, Y);

        receive(KEY, X);

        String warning = onlyWarning();
        assertTrue(warning.contains("vhid 1@-: advertisement from 198.18.0.2 failed authentication (1 so far)"),
                warning);
        assertTrue(warning.contains("address set differs from peer: it authenticates [198.18.0.100] while we have"
                + " [198.18.0.100, 198.18.0.101]"), warning);
        assertTrue(warning.contains("ucarp peers support a single IPv4 address per vhid"), warning);
        assertEquals(1, group.stats().dropped(DropReason.BAD_AUTH));
        assertEquals(CarpState.BACKUP, group.state(), "a failed advert changes nothing");
    }

    @Test
    void shouldNameTheOtherAddressWhenThePeerAuthenticatesOnlyIt() {
        // Rule: every single address of ours is tried, not only the first.
        start(X, Y);
        receive(KEY, Y);
        assertTrue(onlyWarning().contains("it authenticates [198.18.0.101] while we have [198.18.0.100, 198.18.0.101]"),
                warnings::toString);
    }

    @Test
    void shouldSayTheAddressSetDiffersWhenThePeerAuthenticatesOnlyOurIpv4Addresses() {
        // Rule: the subsets tried include our addresses of one family (a peer without IPv6).
        start(X, Y, X6);
        receive(KEY, X, Y);
        assertTrue(onlyWarning().contains("it authenticates [198.18.0.100, 198.18.0.101] while we have"
                + " [198.18.0.100, 198.18.0.101, 2001:db8:0:0:0:0:0:100]"), warnings::toString);
    }

    @Test
    void shouldGiveTheGenericSentenceWhenThePasswordIsWrong() {
        // Rule: if no likely subset verifies, the cause cannot be told: wrong password, other addresses, or another
        // device on the vhid. The password is never logged.
        start(X, Y);

        receive("wrong".getBytes(StandardCharsets.UTF_8), X);

        String warning = onlyWarning();
        assertTrue(warning.endsWith("failed authentication (1 so far): wrong password, or an address set that differs"
                + " from ours [198.18.0.100, 198.18.0.101], or another device using vhid 1 (logged at most once a"
                + " minute)"), warning);
        assertFalse(warning.contains("secret"), warning);
        assertFalse(warning.contains("wrong\""), warning);
    }

    @Test
    void shouldGiveTheGenericSentenceWhenThePeerHasAnAddressWeDoNotHave() {
        // Rule: only subsets of our own addresses are tried; a peer with another address gets the generic sentence.
        start(X, Y);
        receive(KEY, Z);
        assertTrue(onlyWarning().contains("wrong password, or an address set that differs from ours"),
                warnings::toString);
    }

    @Test
    void shouldGiveTheGenericSentenceWhenWeHaveASingleAddress() {
        // Rule: with one address there is no smaller set to try (a peer with more addresses is told on its side).
        start(X);
        receive(KEY, X, Y);
        assertTrue(onlyWarning().contains("wrong password, or an address set that differs from ours [198.18.0.100]"),
                warnings::toString);
    }

    @Test
    void shouldLogAtMostOnceAMinuteWhileCountingEveryFailure() {
        // Rule: one warning a minute at most, with the running count; every failure is counted.
        start(X, Y);
        receive(KEY, X);
        runtime.loop.advanceBy(MINUTE - 1);
        receive(KEY, X);
        assertEquals(1, warnings.size());

        runtime.loop.advanceBy(1);
        receive(KEY, X);

        assertEquals(2, warnings.size());
        assertTrue(warnings.get(1).contains("(3 so far)"), warnings.get(1));
        assertEquals(3, group.stats().dropped(DropReason.BAD_AUTH));
    }
}
