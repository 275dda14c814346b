package io.carp.spring.boot;

import io.carp.CarpConfig;
import io.carp.CarpGroup;
import io.carp.CarpGroupBuilder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code carp.groups.<name>} into builders, reusing the builder's own checks: each value goes to its builder
 * setter one by one, so a rejected value is known by its property, and the builder's message
 * ({@code vhid: 300 (expected: 1-255)}) is reworded with the property's name
 * ({@code carp.groups.web.vhid: 300 is out of range 1-255}).
 */
final class GroupSettings {
    /** A builder message: {@code field: rest}. */
    private static final Pattern FIELD_MESSAGE = Pattern.compile("^([A-Za-z]+): (.*)$", Pattern.DOTALL);
    /** A number out of a numeric range: {@code 300 (expected: 1-255)}. */
    private static final Pattern OUT_OF_RANGE = Pattern.compile("^(-?\\d+) \\(expected: (\\d+-\\d+)\\)$");
    /** The builder's field names whose property names differ. */
    private static final Map<String, String> PROPERTY_OF_FIELD = Map.of(
            "interfaceName", "interface-name",
            "virtualAddress", "virtual-addresses",
            "unicastPeer", "unicast-peers",
            "deadRatio", "dead-ratio",
            "sourceAddress", "source-address",
            "advertisementInterval", "advert-interval",
            "releaseDelay", "release-delay");
    /**
     * {@code carp.groups.<name>.release-delay} when not set: long enough for a web request accepted just before the
     * bow-out to be answered, short against the new master's delayed announcement (two adverts, 2 s at advbase 1).
     */
    static final java.time.Duration DEFAULT_RELEASE_DELAY = java.time.Duration.ofSeconds(1);

    private GroupSettings() {
    }

    /**
     * Checks every group and makes its builder (no runtime set yet).
     *
     * @param properties       the bound properties
     * @param requireInterface whether each group needs an interface (the linux runtime)
     * @param callbacks        adds the event callbacks to a group's builder
     * @return the builders, by group name, in the order of the properties
     * @throws CarpConfigurationException naming the first bad property
     */
    static Map<String, CarpGroupBuilder> builders(CarpProperties properties, boolean requireInterface,
                                                  java.util.function.BiConsumer<String, CarpGroupBuilder> callbacks) {
        Map<String, CarpGroupBuilder> builders = new LinkedHashMap<>();
        Map<String, String> owners = new HashMap<>();
        for (Map.Entry<String, CarpProperties.Group> e : properties.getGroups().entrySet()) {
            String name = e.getKey();
            CarpProperties.Group group = e.getValue();
            String prefix = "carp.groups." + name + ".";
            CarpGroupBuilder b = CarpGroup.builder();
            String interfaceProperty = group.getInterfaceName() != null ? prefix + "interface-name"
                    : "carp.interface-name";
            String interfaceName = group.getInterfaceName() != null ? group.getInterfaceName()
                    : properties.getInterfaceName();
            if (interfaceName != null && !interfaceName.isBlank()) {
                set(interfaceProperty, () -> b.interfaceName(interfaceName));
            } else if (requireInterface) {
                throw new CarpConfigurationException(prefix + "interface-name",
                        prefix + "interface-name: not set (expected: the network interface, e.g. eth0, here or in"
                                + " carp.interface-name for every group)");
            }
            if (group.getProtocol() != null) {
                b.protocol(protocol(prefix + "protocol", group.getProtocol()));
            }
            if (group.getPriority() != null) {
                set(prefix + "priority", () -> b.priority(group.getPriority()));
            }
            if (group.getAdvertInterval() != null) {
                set(prefix + "advert-interval", () -> b.advertisementInterval(group.getAdvertInterval()));
            }
            if (group.getVhid() != null) {
                set(prefix + "vhid", () -> b.vhid(group.getVhid()));
            }
            if (group.getPassword() != null) {
                set(prefix + "password", () -> b.password(group.getPassword()));
            }
            List<String> addresses = group.getVirtualAddresses();
            for (int i = 0; i < addresses.size(); i++) {
                String address = addresses.get(i);
                set(prefix + "virtual-addresses[" + i + "]", () -> b.virtualAddress(address));
            }
            if (group.getAdvbase() != null) {
                set(prefix + "advbase", () -> b.advbase(group.getAdvbase()));
            }
            if (group.getAdvskew() != null) {
                set(prefix + "advskew", () -> b.advskew(group.getAdvskew()));
            }
            if (group.getPreempt() != null) {
                b.preempt(group.getPreempt());
            }
            if (group.getDeadRatio() != null) {
                set(prefix + "dead-ratio", () -> b.deadRatio(group.getDeadRatio()));
            }
            if (group.getDemotion() != null) {
                set(prefix + "demotion", () -> b.demotion(group.getDemotion()));
            }
            java.time.Duration releaseDelay = group.getReleaseDelay() != null ? group.getReleaseDelay()
                    : DEFAULT_RELEASE_DELAY;
            set(prefix + "release-delay", () -> b.releaseDelay(releaseDelay));
            if (group.getManageAddresses() != null) {
                b.manageAddresses(group.getManageAddresses());
            }
            List<String> peers = group.getUnicastPeers();
            for (int i = 0; i < peers.size(); i++) {
                String peer = peers.get(i);
                set(prefix + "unicast-peers[" + i + "]", () -> b.unicastPeer(peer));
            }
            if (group.getSourceAddress() != null) {
                set(prefix + "source-address", () -> b.sourceAddress(group.getSourceAddress()));
            }
            PropertyHealthChecks.add(prefix, group.getHealthChecks(), b);
            CarpConfig config;
            try {
                config = b.buildConfig(); // the rules across fields, and what is required
            } catch (IllegalArgumentException ex) {
                throw rejected(prefix, null, ex);
            }
            String key = config.vhid() + "@" + (interfaceName == null ? "-" : interfaceName);
            String other = owners.putIfAbsent(key, name);
            if (other != null) {
                throw new CarpConfigurationException(prefix + "vhid", prefix + "vhid: " + config.vhid()
                        + " is already used by carp.groups." + other + " on the same interface (expected: one group"
                        + " per vhid and interface)");
            }
            callbacks.accept(name, b);
            builders.put(name, b);
        }
        return builders;
    }

    /** {@code carp}, {@code vrrp2} or {@code vrrp3} (the protocol's tag), or the enum constant's name. */
    private static io.carp.Protocol protocol(String property, String value) {
        for (io.carp.Protocol p : io.carp.Protocol.values()) {
            if (p.tag().equalsIgnoreCase(value.trim()) || p.name().equalsIgnoreCase(value.trim())) {
                return p;
            }
        }
        throw new CarpConfigurationException(property, property + ": \"" + value
                + "\" (expected: carp, vrrp2 or vrrp3)");
    }

    private static void set(String property, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw rejected(null, property, e);
        }
    }

    /**
     * The builder's message with the property instead of the field.
     *
     * @param prefix   {@code carp.groups.NAME.}, to find the property from the field the message names; or null
     * @param property the property, when the caller knows it; or null
     * @param e        the builder's exception
     */
    private static CarpConfigurationException rejected(String prefix, String property, IllegalArgumentException e) {
        String message = e.getMessage() == null ? "invalid" : e.getMessage();
        String rest = message;
        Matcher m = FIELD_MESSAGE.matcher(message);
        if (m.matches()) {
            rest = m.group(2);
            if (property == null) {
                property = prefix + PROPERTY_OF_FIELD.getOrDefault(m.group(1), m.group(1));
            }
        }
        if (property == null) {
            property = prefix.substring(0, prefix.length() - 1);
        }
        Matcher range = OUT_OF_RANGE.matcher(rest);
        if (range.matches()) {
            rest = range.group(1) + " is out of range " + range.group(2);
        }
        return new CarpConfigurationException(property, property + ": " + rest, e);
    }
}
