package io.carp.netty.it;

import static io.carp.netty.testing.CarpNode.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.carp.internal.vrrp.VrrpAdvertisement;
import io.carp.internal.vrrp.VrrpCodec;
import io.carp.internal.vrrp.VrrpPacket;
import io.carp.netty.testing.Await;
import io.carp.netty.testing.CarpOptions;
import io.carp.netty.testing.LinuxRootTest;
import io.carp.netty.testing.LiveLab;
import io.carp.netty.testing.LiveLab.Host;
import io.carp.netty.testing.LiveProcess;
import io.carp.netty.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors from an independent source: the real keepalived's VRRP advertisements, captured on the wire with
 * tcpdump in a network namespace and dissected by tshark. For each configuration the test checks tshark's reading of
 * every field against the configuration and that tshark finds the checksum correct, writes the vector to
 * {@code target/vrrp-golden/NAME.txt} and, where the repository has one, checks that keepalived still sends exactly
 * the committed bytes ({@code carp-api/src/test/resources/vrrp-golden/NAME.txt}, which the codec's unit tests use
 * without root). The host's MAC is fixed, so its IPv6 link-local source (part of the VRRPv3 checksum) is the same on
 * every run.
 */
@LinuxRootTest(value = "keepalived's adverts on the wire", programs = {"keepalived", "tcpdump", "tshark"})
class KeepalivedGoldenVectorTest {
    static final String MAC = "02:00:c6:12:3c:01";
    static final Path COMMITTED = Path.of("..", "carp-api", "src", "test", "resources", "vrrp-golden");
    static final Path CAPTURED = Path.of("target", "vrrp-golden");
    private static final Pattern LISTENING = Pattern.compile("listening on");

    /** One configuration to capture. */
    record Case(String name, KeepalivedConfig config) {
    }

    static List<Case> cases() {
        String s = CarpOptions.SUBNET.substring(0, CarpOptions.SUBNET.length() - 1); // without the dot
        KeepalivedConfig base = KeepalivedConfig.defaults();
        return List.of(
                new Case("v3-ipv4", base.vrid(61).priority(100).virtualAddresses(s + ".101/24")),
                new Case("v3-ipv6", base.vrid(62).priority(100).virtualAddresses("fd00:60::101/64")),
                new Case("v2-ipv4", base.version(2).vrid(63).priority(150).virtualAddresses(s + ".103/24")),
                new Case("v2-ipv4-pass", base.version(2).vrid(64).priority(50).password("cit-pw")
                        .virtualAddresses(s + ".104/24")),
                new Case("v3-ipv4-5cs-two-addresses", base.vrid(65).priority(254).advertInt("0.05")
                        .virtualAddresses(s + ".105/24", s + ".106/24")));
    }

    private LiveLab lab;

    @BeforeEach
    void buildLab() {
        lab = CarpOptions.lab(1);
    }

    @AfterEach
    void closeLab() {
        lab.close();
    }

    @Test
    void shouldDecodeKeepalivedsAdvertsWithTsharkAndMatchTheCommittedVectors() throws Exception {
        Host h1 = lab.host("n1");
        h1.exec("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.eth0.accept_dad=0");
        h1.ip("link", "set", "eth0", "down");
        h1.ip("link", "set", "eth0", "address", MAC);
        h1.ip("link", "set", "eth0", "up");
        Path pcap = lab.tempDir().resolve("keepalived.pcap");
        LiveProcess tcpdump = lab.host("cl").start("tcpdump", List.of(Tools.which("tcpdump").orElseThrow().toString(),
                "-i", "eth0", "-n", "-U", "-Z", "root", "-w", pcap.toString(), "ip proto 112 or ip6 proto 112"));
        tcpdump.awaitLine(LISTENING, Duration.ofSeconds(10));

        List<Case> cases = cases();
        List<KeepalivedNode> nodes = new ArrayList<>();
        for (Case c : cases) {
            nodes.add(KeepalivedNode.start(h1, c.config()));
        }
        for (KeepalivedNode n : nodes) {
            n.awaitState(MASTER, Duration.ofSeconds(15));
        }
        Await.sleep(2500); // two adverts at advert_int 1 after the last became master
        tcpdump.terminate();
        tcpdump.awaitExit(5_000);
        for (KeepalivedNode n : nodes) {
            assertEquals(List.of(), n.problems(), n + " complained");
        }

        List<Pcap.Packet> packets = Pcap.read(pcap);
        Map<Integer, Map<String, String>> tshark = tshark(pcap);
        String version = keepalivedVersion();
        Files.createDirectories(CAPTURED);
        for (Case c : cases) {
            KeepalivedConfig k = c.config();
            Pcap.Packet p = packets.stream()
                    .filter(x -> x.protocol() == 112 && x.payload().length >= 8
                            && (x.payload()[0] & 0xff) >> 4 == k.version() && (x.payload()[1] & 0xff) == k.vrid()
                            && (x.payload()[2] & 0xff) == k.priority())
                    .findFirst().orElseThrow(() -> new AssertionError("no advert of " + c + " in the capture"));
            Map<String, String> t = tshark.get(p.frame());
            String context = c.name() + " frame " + p.frame() + " " + t;
            assertEquals("1", t.get("vrrp.checksum.status"), "tshark: checksum Good, " + context);
            assertEquals(String.valueOf(k.version()), t.get("vrrp.version"), context);
            assertEquals("1", t.get("vrrp.type"), context);
            assertEquals(String.valueOf(k.vrid()), t.get("vrrp.virt_rtr_id"), context);
            assertEquals(String.valueOf(k.priority()), t.get("vrrp.prio"), context);
            assertEquals(String.valueOf(k.virtualAddresses().size()), t.get("vrrp.addr_count"), context);
            String interval = k.version() == 3 ? t.get("vrrp.short_adver_int") : t.get("vrrp.adver_int");
            assertEquals(String.valueOf(k.version() == 3 ? k.advertIntCentis() : k.advertIntCentis() / 100),
                    interval, context);
            List<String> vips = k.virtualAddresses().stream().map(a -> a.substring(0, a.indexOf('/'))).toList();
            String tsharkAddresses = k.ipv6() ? t.get("vrrp.ipv6_addr") : t.get("vrrp.ip_addr");
            assertEquals(vips.stream().map(KeepalivedGoldenVectorTest::canonical).toList(),
                    List.of(tsharkAddresses.split(",")).stream().map(KeepalivedGoldenVectorTest::canonical).toList(),
                    context);
            if (k.version() == 2) {
                assertEquals(k.password() == null ? "0" : "1", t.get("vrrp.auth_type"), context);
                if (k.password() != null) {
                    assertEquals(k.password(), t.get("vrrp.auth_string"), context);
                }
            }
            assertEquals(255, p.hopLimit(), context);
            VrrpPacket decoded = p.ipv6() ? VrrpCodec.decodeIpv6(ByteBuffer.wrap(p.ip()), true)
                    : VrrpCodec.decodeIpv4(ByteBuffer.wrap(p.ip()), true);
            assertFalse(decoded.isDropped(), "our decoder accepts keepalived's advert: " + decoded + ", " + context);
            VrrpAdvertisement a = decoded.advertisement();
            assertEquals(List.of(k.version(), k.vrid(), k.priority(), k.advertIntCentis(), vips.size()),
                    List.of(a.version(), a.vrid(), a.priority(), a.intervalCentis(), a.count()), context);
            assertEquals(vips.stream().map(KeepalivedGoldenVectorTest::canonical).toList(),
                    a.addresses().stream().map(InetAddress::getHostAddress).toList(), context);
            assertEquals(InetAddress.getByName(k.ipv6() ? "ff02::12" : "224.0.0.18"), p.destination(), context);

            String text = vectorText(c, p, t, version);
            Files.writeString(CAPTURED.resolve(c.name() + ".txt"), text, StandardCharsets.US_ASCII);
            Path committed = COMMITTED.resolve(c.name() + ".txt");
            if (Files.exists(committed)) {
                Map<String, String> mine = fields(text);
                Map<String, String> theirs = fields(Files.readString(committed, StandardCharsets.US_ASCII));
                mine.remove("ip"); // the IPv4 identification field counts up; the VRRP bytes must not change
                theirs.remove("ip");
                assertEquals(theirs, mine, "keepalived still sends the committed vector " + committed);
            } else {
                LiveProcess.log("golden", "no committed vector " + committed + " yet; captured one in " + CAPTURED);
            }
        }
        assertFalse(packets.isEmpty());
    }

    /**
     * Our encoder's packets for the same fields as keepalived's (VrrpCodec, IP header included), written to a pcap:
     * tshark must call each checksum correct; and with the checksum off by one, wrong (so the check can fail).
     */
    @Test
    void shouldHaveTsharkFindTheChecksumsOfOurEncodedPacketsCorrect() throws Exception {
        List<byte[]> good = new ArrayList<>();
        List<byte[]> bad = new ArrayList<>();
        for (Case c : cases()) {
            Map<String, String> v = fields(Files.readString(COMMITTED.resolve(c.name() + ".txt"),
                    StandardCharsets.US_ASCII));
            byte[] ours = encode(v);
            assertEquals(v.get("vrrp"), Pcap.hex(ours), "our encoder writes keepalived's bytes for " + c.name());
            byte[] wrong = ours.clone();
            wrong[7] ^= 1;
            good.add(packet(v, ours));
            bad.add(packet(v, wrong));
        }
        assertEquals(List.of("1", "1", "1", "1", "1"), checksumStatuses(good), "tshark: Good");
        assertEquals(List.of("0", "0", "0", "0", "0"), checksumStatuses(bad), "tshark: Bad");
    }

    /** VrrpCodec's message for the fields of a vector file. */
    static byte[] encode(Map<String, String> v) throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String a : v.get("addresses").split(" ")) {
            addresses.add(InetAddress.getByName(a));
        }
        int vrid = Integer.parseInt(v.get("vrid"));
        int priority = Integer.parseInt(v.get("priority"));
        if ("3".equals(v.get("version"))) {
            return VrrpCodec.encodeV3(InetAddress.getByName(v.get("source")),
                    InetAddress.getByName(v.get("destination")), vrid, priority,
                    Integer.parseInt(v.get("max-advert-int-centiseconds")), addresses);
        }
        String password = v.get("password");
        byte[] auth = password == null ? new byte[8]
                : VrrpCodec.simpleTextAuthData(password.getBytes(StandardCharsets.US_ASCII));
        return VrrpCodec.encodeV2(vrid, priority, Integer.parseInt(v.get("advert-int-seconds")),
                Integer.parseInt(v.get("auth-type")), auth, addresses);
    }

    /** VrrpCodec's IP packet around a VRRP message, with the source, destination and hop limit of a vector. */
    static byte[] packet(Map<String, String> vector, byte[] vrrp) throws IOException {
        InetAddress src = InetAddress.getByName(vector.get("source"));
        InetAddress dst = InetAddress.getByName(vector.get("destination"));
        int hops = Integer.parseInt(vector.get("hop-limit"));
        return "ipv6".equals(vector.get("family"))
                ? VrrpCodec.encodeIpv6((Inet6Address) src, (Inet6Address) dst, hops, vrrp)
                : VrrpCodec.encodeIpv4((Inet4Address) src, (Inet4Address) dst, hops, 1, vrrp);
    }

    /** tshark's {@code vrrp.checksum.status} (1 Good, 0 Bad) of each IP packet, written to a pcap first. */
    List<String> checksumStatuses(List<byte[]> ipPackets) throws IOException {
        Path file = Files.createTempFile(lab.tempDir(), "ours-", ".pcap");
        Pcap.write(file, ipPackets);
        Map<Integer, Map<String, String>> frames = tshark(file);
        List<String> statuses = new ArrayList<>();
        for (int i = 1; i <= ipPackets.size(); i++) {
            Map<String, String> f = frames.get(i);
            statuses.add(f == null ? "missing" : f.get("vrrp.checksum.status"));
        }
        return statuses;
    }

    /** The vector file: comments, then {@code key value} lines ({@link #fields} reads them back). */
    static String vectorText(Case c, Pcap.Packet p, Map<String, String> t, String keepalivedVersion) {
        KeepalivedConfig k = c.config();
        List<String> lines = new ArrayList<>();
        lines.add("# VRRPv" + k.version() + " advertisement over " + (k.ipv6() ? "IPv6" : "IPv4")
                + " sent by the real keepalived, captured on the wire (tcpdump) in a network namespace.");
        lines.add("# " + keepalivedVersion + "; captured " + LocalDate.now(ZoneOffset.UTC)
                + " by carp-netty's KeepalivedGoldenVectorTest (which checks it is still what keepalived sends).");
        lines.add("# keepalived.conf: version " + k.version() + ", virtual_router_id " + k.vrid() + ", priority "
                + k.priority() + ", advert_int " + k.advertInt()
                + (k.password() == null ? "" : ", auth_type PASS, auth_pass " + k.password())
                + ", virtual_ipaddress " + String.join(" ", k.virtualAddresses()) + ".");
        lines.add("# The fields below are tshark's (Wireshark's VRRP dissector, an independent decoder), which found the"
                + " checksum correct.");
        lines.add("# ip: the whole IP packet (the IPv4 identification differs between runs); vrrp: the VRRP message.");
        lines.add("name " + c.name());
        lines.add("family " + (p.ipv6() ? "ipv6" : "ipv4"));
        lines.add("source-mac " + p.sourceMac());
        lines.add("source " + p.source().getHostAddress());
        lines.add("destination " + p.destination().getHostAddress());
        lines.add("hop-limit " + p.hopLimit());
        lines.add("version " + t.get("vrrp.version"));
        lines.add("type " + t.get("vrrp.type"));
        lines.add("vrid " + t.get("vrrp.virt_rtr_id"));
        lines.add("priority " + t.get("vrrp.prio"));
        lines.add("count " + t.get("vrrp.addr_count"));
        if (k.version() == 3) {
            lines.add("max-advert-int-centiseconds " + t.get("vrrp.short_adver_int"));
        } else {
            lines.add("auth-type " + t.get("vrrp.auth_type"));
            lines.add("advert-int-seconds " + t.get("vrrp.adver_int"));
            if (k.password() != null) {
                lines.add("password " + t.get("vrrp.auth_string"));
            }
        }
        lines.add("checksum " + t.get("vrrp.checksum"));
        lines.add("addresses " + String.join(" ", (k.ipv6() ? t.get("vrrp.ipv6_addr") : t.get("vrrp.ip_addr"))
                .split(",")));
        lines.add("ip " + Pcap.hex(p.ip()));
        lines.add("vrrp " + Pcap.hex(p.payload()));
        return String.join("\n", lines) + "\n";
    }

    /** The {@code key value} lines of a vector file. */
    static Map<String, String> fields(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            map.put(line.substring(0, space), line.substring(space + 1).trim());
        }
        return map;
    }

    static final List<String> TSHARK_FIELDS = List.of("frame.number", "vrrp.version", "vrrp.type",
            "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.addr_count", "vrrp.adver_int", "vrrp.short_adver_int",
            "vrrp.auth_type", "vrrp.auth_string", "vrrp.checksum", "vrrp.checksum.status", "vrrp.ip_addr",
            "vrrp.ipv6_addr");

    /** tshark's VRRP fields per frame number. */
    static Map<Integer, Map<String, String>> tshark(Path pcap) {
        List<String> command = new ArrayList<>(List.of(Tools.which("tshark").orElseThrow().toString(), "-n", "-r",
                pcap.toString(), "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String f : TSHARK_FIELDS) {
            command.add("-e");
            command.add(f);
        }
        LiveLab.Outcome r = LiveLab.execute(command.toArray(new String[0]));
        Map<Integer, Map<String, String>> frames = new LinkedHashMap<>();
        for (String line : r.output().split("\n")) {
            String[] v = line.split("\\|", -1);
            if (v.length != TSHARK_FIELDS.size() || !v[0].matches("\\d+")) {
                continue;
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 1; i < v.length; i++) {
                m.put(TSHARK_FIELDS.get(i), v[i]);
            }
            frames.put(Integer.parseInt(v[0]), m);
        }
        if (frames.isEmpty()) {
            throw new AssertionError("tshark printed no VRRP frame: " + r.output());
        }
        return frames;
    }

    static String keepalivedVersion() {
        String v = LiveLab.execute(Tools.which("keepalived").orElseThrow().toString(), "--version").output()
                .lines().filter(l -> l.startsWith("Keepalived")).findFirst().orElse("keepalived (unknown version)");
        String pkg = LiveLab.execute("dpkg-query", "-W", "-f", "${Version}", "keepalived").output().trim();
        return v.trim() + (pkg.isEmpty() || pkg.contains(" ") ? "" : ", Debian package " + pkg);
    }

    private static String canonical(String address) {
        try {
            return InetAddress.getByName(address.trim()).getHostAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
