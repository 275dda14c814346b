package io.carp.examples.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The example's own {@code failover.*} properties. */
@ConfigurationProperties(prefix = "failover")
public class FailoverProperties {

    /** The carp.groups entry whose MASTER serves on the virtual address. */
    private String group = "web";

    /** The service port, answered where the virtual address is. 0 picks a free one (tests). */
    private int port = 8081;

    /** Where the service port binds. Default: every address (the virtual address comes and goes). */
    private String bindAddress;

    /** Put in every answer. Default: spring.application.name. */
    private String nodeName;

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
}
