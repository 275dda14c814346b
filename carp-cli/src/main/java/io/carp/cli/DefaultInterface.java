package io.carp.cli;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Comparator;
import java.util.Optional;

/**
 * ucarp's fallback when {@code --interface} is missing: it asks libpcap for the first device that is up and not a
 * loopback. This picks the up, non-loopback, non-alias interface with the lowest index.
 */
final class DefaultInterface {
    private DefaultInterface() {
    }

    /**
     * Finds the interface.
     *
     * @return its name, or empty if none is up
     */
    static Optional<String> firstUp() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(DefaultInterface::usable)
                    .min(Comparator.comparingInt(NetworkInterface::getIndex))
                    .map(NetworkInterface::getName);
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static boolean usable(NetworkInterface nif) {
        try {
            return nif.isUp() && !nif.isLoopback() && !nif.isVirtual();
        } catch (SocketException e) {
            return false;
        }
    }
}
