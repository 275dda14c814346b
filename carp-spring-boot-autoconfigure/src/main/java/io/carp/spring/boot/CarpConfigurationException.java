package io.carp.spring.boot;

/**
 * A {@code carp.*} property that carp4j refused; fails the application context at start-up. The message names the
 * property and says what is allowed, e.g. {@code carp.groups.web.vhid: 300 is out of range 1-255}.
 */
public class CarpConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String property;

    CarpConfigurationException(String property, String message) {
        super(message);
        this.property = property;
    }

    CarpConfigurationException(String property, String message, Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    /** The property that was refused, e.g. {@code carp.groups.web.vhid}. */
    public String property() {
        return property;
    }
}
