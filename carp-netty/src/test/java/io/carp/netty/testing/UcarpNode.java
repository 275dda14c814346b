package io.carp.netty.testing;

import io.carp.netty.testing.LiveLab.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real ucarp (Debian 1.5.2) in the foreground, logging to stderr. ucarp does not own the virtual address, so its
 * up and down scripts add and remove it ({@code ip addr add VIP/24 dev IF}); {@code -z} runs the down script on
 * SIGTERM.
 */
public final class UcarpNode extends CarpNode {
    private static final Pattern SWITCHING = Pattern.compile("Switching to state: (\\w+)");
    public static final Pattern BAD_DIGEST = Pattern.compile("Bad digest");

    private UcarpNode(Host host, LiveProcess process, CarpOptions options) {
        super(host, process, options);
    }

    /** Starts ucarp on {@code host}. */
    public static UcarpNode start(Host host, CarpOptions options) {
        Path ucarp = Tools.ucarp().orElseThrow(() -> new IllegalStateException("ucarp is not installed"));
        if (options.virtualAddresses().size() != 1) {
            throw new IllegalArgumentException("virtualAddresses: " + options.virtualAddresses()
                    + " (expected: exactly one; ucarp has one --addr)");
        }
        Path[] scripts = scripts(host.lab());
        List<String> command = new ArrayList<>(List.of(ucarp.toString()));
        command.addAll(options.commonArgs(host));
        command.addAll(List.of("--upscript=" + scripts[0], "--downscript=" + scripts[1], "--shutdown"));
        return new UcarpNode(host, host.start("ucarp", command), options);
    }

    @Override
    public Optional<Transition> parse(LiveProcess.Line line, String previous) {
        Matcher m = SWITCHING.matcher(line.text());
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Transition(line.index(), line.nanoTime(), previous, m.group(1), ""));
    }

    /** How many "Bad digest" lines ucarp logged (adverts whose HMAC it refused). */
    public int badDigests() {
        return process().linesMatching(BAD_DIGEST).size();
    }

    private static synchronized Path[] scripts(LiveLab lab) {
        Path up = lab.tempDir().resolve("vip-up.sh");
        Path down = lab.tempDir().resolve("vip-down.sh");
        if (!Files.exists(up)) {
            String ip = Tools.which("ip").map(Path::toString).orElse("ip");
            // ucarp calls: script <interface> <vip> [xparam]
            write(up, "#!/bin/sh\nexec " + ip + " addr add \"$2\"/" + CarpOptions.PREFIX_LENGTH + " dev \"$1\"\n");
            write(down, "#!/bin/sh\n" + ip + " addr del \"$2\"/" + CarpOptions.PREFIX_LENGTH
                    + " dev \"$1\" 2>/dev/null\nexit 0\n");
        }
        return new Path[] {up, down};
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
