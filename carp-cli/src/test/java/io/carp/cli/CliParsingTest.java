package io.carp.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every ucarp flag, short and long; ucarp's defaults; one clear line and status 1 for each bad value. */
class CliParsingTest {
    @TempDir
    static Path dir;

    // ------------------------------------------------------------------------------------------------ defaults

    @Test
    void shouldUseUcarpDefaultsWhenOnlyRequiredOptionsAreGiven() throws Exception {
        CliSettings s = Cli.parse(Cli.REQUIRED.toArray(String[]::new));

        assertAll(
                () -> assertEquals("eth0", s.interfaceName()),
                () -> assertEquals("198.18.71.1", s.sourceAddress()),
                () -> assertEquals(1, s.vhid()),
                () -> assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), s.password()),
                () -> assertEquals(List.of("198.18.71.100"), s.addresses()),
                () -> assertEquals(1, s.advbase(), "ucarp: advbase 1 s"),
                () -> assertEquals(0, s.advskew(), "ucarp: advskew 0"),
                () -> assertEquals(3, s.deadRatio(), "ucarp: DEFAULT_DEAD_RATIO 3"),
                () -> assertFalse(s.preempt()),
                () -> assertFalse(s.neutral()),
                () -> assertFalse(s.debug()),
                () -> assertFalse(s.shutdown()),
                () -> assertFalse(s.ignoreIfState()),
                () -> assertFalse(s.manageAddresses(), "like ucarp, the scripts move the address"),
                () -> assertEquals(Optional.empty(), s.upscript()),
                () -> assertEquals(Optional.empty(), s.downscript()),
                () -> assertEquals(Optional.empty(), s.xparam()),
                () -> assertEquals(List.of("No script called when going up", "No script called when going down"),
                        s.warnings()));
    }

    @Test
    void shouldBuildALibraryConfigWithTheSameValuesWhenValid() throws Exception {
        var config = Cli.parseWith("-b", "2", "-k", "100", "-r", "4", "-P", "--manage-address")
                .groupBuilder().buildConfig();

        assertAll(
                () -> assertEquals("eth0", config.interfaceName().orElseThrow()),
                () -> assertEquals(2, config.advbase()),
                () -> assertEquals(100, config.advskew()),
                () -> assertEquals(4, config.deadRatio()),
                () -> assertTrue(config.preempt()),
                () -> assertTrue(config.manageAddresses()),
                () -> assertEquals("198.18.71.1", config.sourceAddress().orElseThrow().getHostAddress()),
                () -> assertEquals("198.18.71.100", config.virtualAddresses().get(0).getHostAddress()));
    }

    // ------------------------------------------------------------------------------------------------ every flag

    static Stream<Arguments> valueOptions() throws IOException {
        ScriptFixture scripts = new ScriptFixture(Files.createDirectories(dir.resolve("value-options")));
        return Stream.of(
                Arguments.of("-i", "--interface", "eth7", get(CliSettings::interfaceName), "eth7"),
                Arguments.of("-s", "--srcip", "198.18.71.9", get(CliSettings::sourceAddress), "198.18.71.9"),
                Arguments.of("-m", "--mcast", "224.0.0.18", get(s -> s.warnings().size()), 2),
                Arguments.of("-v", "--vhid", "42", get(CliSettings::vhid), 42),
                Arguments.of("-p", "--pass", "hunter2", get(s -> new String(s.password(), StandardCharsets.UTF_8)),
                        "hunter2"),
                Arguments.of("-o", "--passfile", passfile("fromfile\n").toString(),
                        get(s -> new String(s.password(), StandardCharsets.UTF_8)), "fromfile"),
                Arguments.of("-a", "--addr", "198.18.71.200", get(s -> s.addresses().get(s.addresses().size() - 1)),
                        "198.18.71.200"),
                Arguments.of("-b", "--advbase", "5", get(CliSettings::advbase), 5),
                Arguments.of("-k", "--advskew", "100", get(CliSettings::advskew), 100),
                Arguments.of("-u", "--upscript", scripts.up.toString(), get(s -> s.upscript().orElseThrow()),
                        scripts.up),
                Arguments.of("-d", "--downscript", scripts.down.toString(), get(s -> s.downscript().orElseThrow()),
                        scripts.down),
                Arguments.of("-r", "--deadratio", "7", get(CliSettings::deadRatio), 7),
                Arguments.of("-f", "--facility", "local3", get(s -> s.warnings().get(s.warnings().size() - 1)),
                        "--facility local3 has no effect: logs go to standard output and error, not to syslog"),
                Arguments.of("-x", "--xparam", "extra", get(s -> s.xparam().orElseThrow()), "extra"));
    }

    private static Function<CliSettings, Object> get(Function<CliSettings, Object> getter) {
        return getter;
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("valueOptions")
    void shouldReadTheValueInEveryGetoptSpellingWhenAnOptionTakesAValue(String shortName, String longName,
            String value, Function<CliSettings, Object> getter, Object expected) throws Exception {
        List<List<String>> spellings = List.of(
                List.of(shortName, value),
                List.of(shortName + value),
                List.of(longName + "=" + value),
                List.of(longName, value));
        for (List<String> spelling : spellings) {
            CliSettings s = Cli.parseWith(spelling.toArray(String[]::new));
            assertEquals(expected, getter.apply(s), String.join(" ", spelling));
        }
    }

    static Stream<Arguments> flags() {
        return Stream.of(
                Arguments.of("-P", "--preempt", get(CliSettings::preempt)),
                Arguments.of("-n", "--neutral", get(CliSettings::neutral)),
                Arguments.of("-D", "--debug", get(CliSettings::debug)),
                Arguments.of("-z", "--shutdown", get(CliSettings::shutdown)),
                Arguments.of("-S", "--ignoreifstate", get(CliSettings::ignoreIfState)),
                Arguments.of("-B", "--daemonize", get(s -> s.warnings().stream().anyMatch(w -> w.startsWith(
                        "--daemonize has no effect")))),
                Arguments.of("-M", "--nomcast", get(s -> s.warnings().stream().anyMatch(w -> w.startsWith(
                        "--nomcast has no effect")))),
                Arguments.of("--manage-address", "--manage-address", get(CliSettings::manageAddresses)),
                Arguments.of("--adapt-to-loss", "--adapt-to-loss", get(CliSettings::adaptToLoss)));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("flags")
    void shouldSetTheFlagWhenGivenShortOrLong(String shortName, String longName, Function<CliSettings, Object> getter)
            throws Exception {
        assertEquals(false, getter.apply(Cli.parseWith()), "not given");
        assertEquals(true, getter.apply(Cli.parseWith(shortName)), shortName);
        assertEquals(true, getter.apply(Cli.parseWith(longName)), longName);
    }

    @Test
    void shouldSetEveryFlagWhenShortFlagsAreClustered() throws Exception {
        CliSettings s = Cli.parseWith("-PnDzS");

        assertTrue(s.preempt() && s.neutral() && s.debug() && s.shutdown() && s.ignoreIfState());
    }

    @Test
    void shouldKeepTheLastValueWhenAnOptionIsRepeated() throws Exception {
        assertEquals(9, Cli.parseWith("-v", "8", "--vhid=9").vhid());
        assertEquals(30, Cli.parseWith("-k", "20", "-k", "30").advskew());
    }

    @Test
    void shouldUseTheLastOfPassAndPassfileWhenBothAreGiven() throws Exception {
        String file = passfile("filepass\n").toString();

        assertArrayEquals(bytes("filepass"), Cli.parseWith("-p", "first", "-o", file).password());
        assertArrayEquals(bytes("last"), Cli.parseWith("-o", file, "-p", "last").password());
    }

    @Test
    void shouldCollectEveryAddressInOrderWhenAddrIsRepeated() throws Exception {
        CliSettings s = Cli.parseWith("-a", "198.18.71.101", "--addr", "2001:db8::1");

        assertEquals(List.of("198.18.71.100", "198.18.71.101", "2001:db8::1"), s.addresses());
    }

    @Test
    void shouldReadNumbersAsUcarpDoesWhenHexOrOctal() throws Exception {
        assertEquals(16, Cli.parseWith("-v", "0x10").vhid());
        assertEquals(8, Cli.parseWith("-v", "010").vhid());
        assertEquals(0, Cli.parseWith("-k", "0").advskew());
    }

    @Test
    void shouldAcceptAnAbbreviatedLongOptionWhenUnambiguousAsGetoptLongDoes() throws Exception {
        assertEquals("eth3", Cli.parseWith("--inter=eth3").interfaceName());
        assertEquals(5, Cli.parseWith("--advb", "5").advbase());
    }

    @Test
    void shouldTakeAValueStartingWithADashWhenTheOptionNeedsOne() throws Exception {
        assertArrayEquals(bytes("-secret"), Cli.parseWith("-p", "-secret").password());
    }

    @Test
    void shouldAllowSubSecondAdvbaseWhenAdvskewIsNotZero() throws Exception {
        CliSettings s = Cli.parseWith("-b", "0", "-k", "20");

        assertEquals(0, s.advbase());
        assertEquals(20, s.advskew());
    }

    @Test
    void shouldPickTheFirstInterfaceThatIsUpWhenNoneIsGiven() throws Exception {
        CliSettings s = CarpCli.parse(CarpCli.commandLine(),
                new String[] {"-s", "198.18.71.1", "-v", "1", "-p", "x", "-a", "198.18.71.100"},
                () -> Optional.of("enp1s0"));

        assertEquals("enp1s0", s.interfaceName());
        assertEquals(List.of("Using [enp1s0] as a network interface"), s.notices());
    }

    // ------------------------------------------------------------------------------------------------ passfile

    @Test
    void shouldKeepOnlyTheFirstLineWithoutItsNewlineWhenReadingAPassfile() throws Exception {
        assertArrayEquals(bytes("line1"), PassFile.read(passfile("line1\nline2\n").toString()));
        assertArrayEquals(bytes("noeol"), PassFile.read(passfile("noeol").toString()));
    }

    @Test
    void shouldKeepACarriageReturnWhenThePassfileHasDosLineEndings() throws Exception {
        assertArrayEquals(bytes("dos\r"), PassFile.read(passfile("dos\r\n").toString()));
    }

    @Test
    void shouldWarnWhenThePassfileIsReadableByGroupOrOthers() throws Exception {
        Path file = passfile("filepass\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.empty(), PassFile.permissionWarning(file.toString()));
        assertTrue(Cli.parseWith("-o", file.toString()).warnings().stream().noneMatch(w -> w.contains("--passfile")));

        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        String group = PassFile.permissionWarning(file.toString()).orElseThrow();
        assertTrue(group.contains("readable by its group of this host (mode 0640)"), group);

        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        String everyone = PassFile.permissionWarning(file.toString()).orElseThrow();
        assertTrue(everyone.contains("readable by its group and every user of this host (mode 0644)"), everyone);
        assertTrue(everyone.contains("chmod 600 " + file), everyone);
        assertTrue(Cli.parseWith("-o", file.toString()).warnings().contains(everyone),
                "the CLI prints it as a warning at start");
    }

    // ------------------------------------------------------------------------------------------------ help

    @Test
    void shouldPrintHelpAndExitZeroWhenAskedForHelp() {
        for (String flag : List.of("-h", "--help")) {
            Cli.Result r = Cli.run(flag);

            assertEquals(0, r.status(), flag);
            assertEquals("", r.err(), flag);
            for (String name : List.of("-i, --interface=<if>", "-s, --srcip=<ip>", "-m, --mcast=<ip>",
                    "-v, --vhid=<id>", "-p, --pass=<pass>", "-o, --passfile=<file>", "-P, --preempt",
                    "-n, --neutral", "-a, --addr=<ip>", "-h, --help", "-b, --advbase=<seconds>",
                    "-k, --advskew=<skew>", "-u, --upscript=<file>", "-d, --downscript=<file>",
                    "-r, --deadratio=<ratio>", "-D, --debug", "-z, --shutdown", "-B, --daemonize",
                    "-S, --ignoreifstate", "-M, --nomcast", "-f, --facility=<facility>", "-x, --xparam=<value>",
                    "--manage-address", "--adapt-to-loss", "--version", "Extensions (not in ucarp):",
                    "no effect here")) {
                assertTrue(r.out().contains(name), flag + " help should mention " + name + ":\n" + r.out());
            }
        }
    }

    @Test
    void shouldPrintHelpAndExitZeroWhenThereAreNoArgumentsAsUcarpDoes() {
        Cli.Result r = Cli.run();

        assertEquals(0, r.status());
        assertTrue(r.out().contains("--interface=<if>"));
    }

    @Test
    void shouldReturnNullSettingsWhenHelpIsCombinedWithOtherOptions() throws Exception {
        assertNull(Cli.parseWith("--help"));
    }

    // ------------------------------------------------------------------------------------------------ version

    @Test
    void shouldPrintOneVersionLineAndExitZeroWhenAskedForTheVersion() {
        Cli.Result r = Cli.run("--version");

        assertEquals(0, r.status());
        assertEquals("", r.err());
        // Run from target/classes there is no manifest: the jar's own version is checked by CarpCliJarIT.
        assertEquals(CarpCli.versionLine() + System.lineSeparator(), r.out());
        assertTrue(r.out().startsWith("carp-cli "), r.out());
    }

    @Test
    void shouldNotStartAGroupWhenTheVersionIsAskedForWithOtherOptions() throws Exception {
        assertNull(Cli.parseWith("--version"));
    }

    // ------------------------------------------------------------------------------------------------ bad values

    static Stream<Arguments> badCommandLines() throws IOException {
        Path notExecutable = dir.resolve("not-executable.sh");
        Files.writeString(notExecutable, "#!/bin/sh\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
        String empty = passfile("").toString();
        String emptyLine = passfile("\nsecond line\n").toString();
        String longPass = passfile("12345678901234567890\n").toString();
        return Stream.of(
                bad(List.of("--vhid", "0"), "--vhid '0': out of range (expected: an integer 1-255)"),
                bad(List.of("-v", "256"), "--vhid '256': out of range (expected: an integer 1-255)"),
                bad(List.of("-v", "abc"), "--vhid 'abc': not a number (expected: an integer 1-255"),
                bad(List.of("-v", "08"), "--vhid '08': not a number"),
                bad(List.of("-v", "-1"), "--vhid '-1': not a number"),
                bad(List.of("-b", "256"), "--advbase '256': out of range (expected: an integer 0-255)"),
                bad(List.of("-k", "255"), "--advskew '255': out of range (expected: an integer 0-254)"),
                bad(List.of("-k", "1.5"), "--advskew '1.5': not a number"),
                bad(List.of("-r", "0"), "--deadratio '0': out of range (expected: an integer 1-255)"),
                bad(List.of("-r", "1000"), "--deadratio '1000': out of range (expected: an integer 1-255)"),
                bad(List.of("-b", "0", "-k", "0"), "--advbase '0': with --advskew 0 the interval would be 0 s"),
                bad(List.of("-a", "vip.example"), "--addr 'vip.example': invalid (expected: an IPv4 or IPv6"
                        + " address literal"),
                bad(List.of("-a", "224.0.0.5"), "--addr '224.0.0.5': invalid (expected: a unicast address"),
                bad(List.of("-a", "198.18.71.100"), "--addr '198.18.71.100': invalid (expected: each address once"),
                bad(List.of("-s", "myhost"), "--srcip 'myhost': invalid (expected: an IPv4 or IPv6 address literal"),
                bad(List.of("-i", "a/b"), "--interface 'a/b': invalid (expected: 1-15 characters"),
                bad(List.of("-i", "averyveryverylongname"), "--interface 'averyveryverylongname': invalid"),
                bad(List.of("-m", "224.0.0.19"), "--mcast '224.0.0.19': not supported (expected: 224.0.0.18"),
                bad(List.of("-m", "nowhere"), "--mcast 'nowhere': not an IP address"),
                bad(List.of("-f", "bogus"), "--facility 'bogus': unknown syslog facility"),
                bad(List.of("-p", "12345678901234567890"), "--pass: password of 20 bytes is too long (expected:"
                        + " 1-19 bytes"),
                bad(List.of("-p", ""), "--pass: empty password (expected: 1-19 bytes)"),
                bad(List.of("-o", "/nonexistent/pass"), "--passfile '/nonexistent/pass': no such file"),
                bad(List.of("-o", empty), "--passfile '" + empty + "': empty file"),
                bad(List.of("-o", emptyLine), "--passfile " + emptyLine + ": empty password"),
                bad(List.of("-o", longPass), "--passfile " + longPass + ": password of 20 bytes is too long"),
                bad(List.of("-u", "/nonexistent/up.sh"), "--upscript '/nonexistent/up.sh': no such file"),
                bad(List.of("-d", notExecutable.toString()), "--downscript '" + notExecutable
                        + "': not executable (expected: an executable file"),
                bad(List.of("--frobnicate"), "Unknown option: '--frobnicate'"),
                bad(List.of("-q"), "Unknown option: '-q'"),
                bad(List.of("stray"), "Unmatched argument at index 10: 'stray'"),
                bad(List.of("--ad=198.18.71.5"), "'--ad' is not unique: it matches '--addr', '--advbase',"
                        + " '--advskew', '--adapt-to-loss', '--advert-int'"),
                bad(List.of("-k"), "Missing required parameter for option '--advskew' (<skew>)"));
    }

    private static Arguments bad(List<String> extra, String message) {
        return Arguments.of(String.join(" ", extra), extra, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void shouldPrintOneLineAndExitOneWhenAValueIsBad(String label, List<String> extra, String message) {
        List<String> args = new ArrayList<>(Cli.REQUIRED);
        args.addAll(extra);

        Cli.Result r = Cli.run(args.toArray(String[]::new));

        assertEquals(1, r.status(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("carp-cli: " + message), "got: " + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    static Stream<Arguments> missingOptions() {
        return Stream.of(
                Arguments.of("-v", "missing --vhid (-v) (expected: the virtual host id, 1-255"),
                Arguments.of("-p", "missing --pass (-p) or --passfile (-o) (expected: the shared password"),
                Arguments.of("-s", "missing --srcip (-s) (expected: this host's real address"),
                Arguments.of("-a", "missing --addr (-a) (expected: the virtual address"));
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("missingOptions")
    void shouldPrintOneLineAndExitOneWhenARequiredOptionIsMissing(String omitted, String message) {
        List<String> args = new ArrayList<>(Cli.REQUIRED);
        int i = args.indexOf(omitted);
        args.remove(i + 1);
        args.remove(i);

        Cli.Result r = Cli.run(args.toArray(String[]::new));

        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("carp-cli: " + message), "got: " + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void shouldExitOneWhenNoInterfaceIsGivenAndNoneIsUp() {
        CliUsageException e = assertThrows(CliUsageException.class, () -> CarpCli.parse(CarpCli.commandLine(),
                new String[] {"-s", "198.18.71.1", "-v", "1", "-p", "x", "-a", "198.18.71.100"}, Optional::empty));

        assertTrue(e.getMessage().startsWith("missing --interface (-i)"), e.getMessage());
    }

    @Test
    void shouldNeverShowThePasswordWhenItIsRejectedOrPrinted() throws Exception {
        Cli.Result r = Cli.run("-i", "eth0", "-s", "198.18.71.1", "-v", "1", "-a", "198.18.71.100",
                "-p", "topsecret-topsecret-topsecret");

        assertFalse(r.err().contains("topsecret"), r.err());
        assertFalse(Cli.parseWith("-p", "topsecret").toString().contains("topsecret"));
    }

    private static Path passfile(String content) throws IOException {
        Path p = Files.createTempFile(dir, "pass", ".txt");
        Files.writeString(p, content);
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
