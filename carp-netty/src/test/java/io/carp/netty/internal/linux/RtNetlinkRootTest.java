package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** rtnetlink requests against a real kernel, in a namespace of ours. */
@LinuxRootTest("rtnetlink address changes in a network namespace")
class RtNetlinkRootTest {
    private static final String NS = "cnx-nl";
    private static final String IF = "cnxn0";
    private static LiveLab lab;
    private static RtNetlink netlink;
    private static int ifindex;

    @BeforeAll
    static void createNamespace() {
        lab = new LiveLab();
        lab.namespace(NS);
        lab.in(NS, "ip", "link", "add", IF, "type", "veth", "peer", "name", "cnxn1");
        lab.in(NS, "ip", "link", "set", IF, "up");
        lab.in(NS, "ip", "link", "set", "cnxn1", "up");
        lab.in(NS, "ip", "addr", "add", "198.18.50.1/24", "dev", IF);
        netlink = NetworkNamespace.of(lab.ns(NS)).call(RtNetlink::open);
        ifindex = netlink.link(IF).ifindex();
    }

    @AfterAll
    static void deleteNamespace() {
        if (netlink != null) {
            netlink.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void shouldAddWithLifetimeRenewAndDelete() throws Exception {
        InetAddress vip = InetAddress.getByName("198.18.50.60");
        netlink.addAddress(IF, ifindex, vip, 24, 30);
        AddressInfo added = find(vip);
        assertNotNull(added);
        assertEquals(24, added.prefixLength());
        assertTrue(added.secondary(), added.toString());
        assertTrue(added.validSeconds() <= 30 && added.validSeconds() >= 28, added.toString());
        netlink.addAddress(IF, ifindex, vip, 24, 300); // renewal: NLM_F_REPLACE, no EEXIST
        assertTrue(find(vip).validSeconds() > 30, find(vip).toString());
        netlink.deleteAddress(IF, ifindex, vip, 24);
        assertNull(find(vip));
    }

    @Test
    void shouldRenewABatchWithoutAcknowledgementsAndReportOnlyTheRefusedRequests() throws Exception {
        InetAddress a = InetAddress.getByName("198.18.50.70");
        InetAddress b = InetAddress.getByName("198.18.50.71");
        netlink.addAddress(IF, ifindex, a, 24, 30);
        netlink.addAddress(IF, ifindex, b, 24, 30);
        RtNetlink.AddressRequest[] requests = {
            RtNetlink.prepareAdd(IF, ifindex, a, 24, 300),
            RtNetlink.prepareAdd(IF, 0, b, 24, 300), // interface index 0: ENODEV, nothing touched
            RtNetlink.prepareAdd(IF, ifindex, b, 24, 300),
        };
        RtNetlink.AddressRequest[] padded = new RtNetlink.AddressRequest[5];
        System.arraycopy(requests, 0, padded, 1, 3); // sent from an offset
        assertEquals(1, netlink.sendUnacknowledged(padded, 1, 3));
        assertNull(requests[0].failure());
        assertNotNull(requests[1].failure());
        assertEquals(Errno.ENODEV, requests[1].failure().errno());
        assertNull(requests[2].failure());
        assertTrue(find(a).validSeconds() > 30, find(a).toString());
        assertTrue(find(b).validSeconds() > 30, find(b).toString());
        // Nothing left on the socket: a synchronous request right after reads its own acknowledgement.
        assertEquals(0, netlink.sendUnacknowledged(requests, 0, 1));
        netlink.deleteAddress(IF, ifindex, a, 24);
        netlink.deleteAddress(IF, ifindex, b, 24);
        assertNull(find(a));
        assertNull(find(b));
    }

    @Test
    void shouldNameErrnoWhenKernelRefuses() throws Exception {
        InetAddress vip = InetAddress.getByName("198.18.50.61");
        NativeException missing = assertThrows(NativeException.class,
                () -> netlink.deleteAddress(IF, ifindex, vip, 32));
        // Newer kernels append their extended-ack text, e.g. ": ipv4: Address not found".
        assertTrue(missing.getMessage().startsWith("RTM_DELADDR 198.18.50.61/32 on " + IF
                + ": EADDRNOTAVAIL (Cannot assign requested address)"), missing.getMessage());
        NativeException invalid = assertThrows(NativeException.class,
                () -> netlink.addAddress(IF, ifindex, vip, 33, 3));
        assertTrue(invalid.getMessage().startsWith("RTM_NEWADDR 198.18.50.61/33 on " + IF
                + ": EINVAL (Invalid argument)"), invalid.getMessage());
        assertEquals(Errno.EINVAL, invalid.errno());
        System.out.println("kernel answers: " + missing.getMessage() + " | " + invalid.getMessage());
    }

    @Test
    void shouldDescribeLinkAndAnswerNullForUnknownName() {
        LinkInfo link = netlink.link(IF);
        assertEquals(IF, link.name());
        assertEquals(6, link.hardwareAddress().length);
        assertTrue(link.usable(), link.toString());
        lab.in(NS, "ip", "link", "set", "cnxn1", "down"); // the peer goes down: up, but no carrier
        try {
            LinkInfo noCarrier = netlink.link(IF);
            assertTrue((noCarrier.flags() & LinkInfo.IFF_UP) != 0, noCarrier.toString());
            assertFalse(noCarrier.usable(), noCarrier.toString());
        } finally {
            lab.in(NS, "ip", "link", "set", "cnxn1", "up");
        }
        assertNull(netlink.link("cnxnope0"));
        assertNull(netlink.link(99_999));
    }

    private static AddressInfo find(InetAddress a) {
        List<AddressInfo> all = netlink.addresses(ifindex);
        return all.stream().filter(x -> x.address().equals(a)).findFirst().orElse(null);
    }
}
