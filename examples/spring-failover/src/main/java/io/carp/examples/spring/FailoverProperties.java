package io.carp.examples.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The example's own {@code failover.*} properties. */
@ConfigurationProperties(prefix = "failover")
public class FailoverProperties {

    /** The carp.groups entry whose MASTER serves on the virtual address. */
    private String group = "web";

    /** The port of the listener on the virtual address. 0 picks a free one (tests). */
    private int port = 8081;

    /** Where the listener binds. Default: the group's first virtual address. */
    private String bindAddress;

    /** Put in every answer. Default: spring.application.name. */
    private String nodeName;

    /** How long to wait for requests in progress when the node stops being MASTER, in milliseconds. */
    private long drainMillis = 2_000;

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public long getDrainMillis() {
        return drainMillis;
    }

    public void setDrainMillis(long drainMillis) {
        this.drainMillis = drainMillis;
    }
}
