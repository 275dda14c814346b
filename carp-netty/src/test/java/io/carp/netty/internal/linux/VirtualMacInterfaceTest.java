package io.carp.netty.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The virtual MACs, names and the macvlan request, without a kernel. */
class VirtualMacInterfaceTest {
    private static final HexFormat MAC = HexFormat.ofDelimiter(":");

    @Test
    void shouldUseTheRfcMacPerFamilyForVrrpAndTheBsdMacForCarp() {
        assertEquals("00:00:5e:00:01:3d", MAC.formatHex(VirtualMacInterface.vrrpMac(61, false)));
        assertEquals("00:00:5e:00:02:3d", MAC.formatHex(VirtualMacInterface.vrrpMac(61, true)));
        assertEquals("00:00:5e:00:01:ff", MAC.formatHex(VirtualMacInterface.vrrpMac(255, false)));
        assertEquals("00:00:5e:00:01:01", MAC.formatHex(VirtualMacInterface.carpMac(1)));
        assertThrows(IllegalArgumentException.class, () -> VirtualMacInterface.vrrpMac(0, false));
        assertThrows(IllegalArgumentException.class, () -> VirtualMacInterface.carpMac(256));
    }

    @Test
    void shouldNameInterfacesWithinFifteenBytes() {
        assertEquals("c4j-vrrp4-61", VirtualMacInterface.interfaceName(true, 61, false));
        assertEquals("c4j-vrrp6-255", VirtualMacInterface.interfaceName(true, 255, true));
        assertEquals("c4j-carp-7", VirtualMacInterface.interfaceName(false, 7, false));
        assertEquals("c4j-carp6-255", VirtualMacInterface.interfaceName(false, 255, true));
        for (int id = 1; id <= 255; id++) {
            for (boolean v6 : new boolean[] {false, true}) {
                assertEquals(true, VirtualMacInterface.interfaceName(true, id, v6).length() <= 15);
                assertEquals(true, VirtualMacInterface.interfaceName(false, id, v6).length() <= 15);
            }
        }
    }

    @Test
    void shouldReadTheSavedParentValuesFromTheAlias() {
        assertEquals(Map.of("arp_ignore", 2, "arp_filter", 0),
                VirtualMacInterface.savedValues("carp4j-vmac parent=eth0 arp_ignore=2 arp_filter=0"));
        assertEquals(Map.of(), VirtualMacInterface.savedValues("carp4j-vmac parent=eth0"));
        assertEquals(Map.of(), VirtualMacInterface.savedValues(null));
    }

    @Test
    void shouldEncodeAMacvlanRequestTheLinkDecoderReadsBack() {
        byte[] mac = VirtualMacInterface.vrrpMac(61, false);
        byte[] m = Netlink.newMacvlan(7, "c4j-vrrp4-61", 3, mac, Netlink.MACVLAN_MODE_PRIVATE);
        ByteBuffer b = ByteBuffer.wrap(m).order(java.nio.ByteOrder.nativeOrder());
        assertEquals(m.length, b.getInt(0), "nlmsg_len");
        assertEquals(Netlink.RTM_NEWLINK, b.getShort(4));
        assertEquals(Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL,
                b.getShort(6));
        Netlink.Message parsed = Netlink.messages(ByteBuffer.wrap(m)).get(0);
        LinkDetails d = Netlink.linkDetails(parsed);
        assertEquals("c4j-vrrp4-61", d.link().name());
        assertArrayEquals(mac, d.link().hardwareAddress());
        assertEquals(3, d.parent());
        assertEquals("macvlan", d.kind());
        assertEquals(Netlink.MACVLAN_MODE_PRIVATE, d.macvlanMode());
        assertEquals(null, d.alias());
        LinkDetails configured = Netlink.linkDetails(Netlink.messages(ByteBuffer.wrap(
                Netlink.configureLink(8, 12, "carp4j-vmac x", true))).get(0));
        assertEquals(12, configured.link().ifindex());
        assertEquals("carp4j-vmac x", configured.alias());
    }

    @Test
    void shouldEncodeLinkUpDownAndDelete() {
        ByteBuffer up = ByteBuffer.wrap(Netlink.setLinkUp(1, 9, true)).order(java.nio.ByteOrder.nativeOrder());
        assertEquals(Netlink.RTM_NEWLINK, up.getShort(4));
        assertEquals(9, up.getInt(Netlink.HEADER_LEN + 4));
        assertEquals(LinkInfo.IFF_UP, up.getInt(Netlink.HEADER_LEN + 8));
        assertEquals(LinkInfo.IFF_UP, up.getInt(Netlink.HEADER_LEN + 12));
        ByteBuffer down = ByteBuffer.wrap(Netlink.setLinkUp(1, 9, false)).order(java.nio.ByteOrder.nativeOrder());
        assertEquals(0, down.getInt(Netlink.HEADER_LEN + 8));
        ByteBuffer del = ByteBuffer.wrap(Netlink.deleteLink(2, 9)).order(java.nio.ByteOrder.nativeOrder());
        assertEquals(Netlink.RTM_DELLINK, del.getShort(4));
        assertEquals(9, del.getInt(Netlink.HEADER_LEN + 4));
    }
}
