package io.carp.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A Spring Web application that answers HTTP on a CARP virtual address only while it is the group's MASTER. The group
 * is configured in {@code application.yml} ({@code carp.groups.web}); {@link VirtualAddressService} answers on the
 * service port only where the virtual address is; on shutdown the starter's release-delay keeps the address until
 * the requests this node accepted are answered. Run two instances on two
 * hosts of one subnet (the second with a higher {@code carp.groups.web.advskew}): stop or kill the master and the
 * other one takes the address and the service over.
 *
 * <pre>
 * java -jar examples-spring-failover.jar --carp.interface-name=eth0 --failover.node-name=a \
 *      --carp.groups.web.virtual-addresses=198.18.10.100 --carp.groups.web.advskew=0
 * curl http://198.18.10.100:8081/hello
 * </pre>
 *
 * <p>{@code --carp.runtime=simulated} runs the group on carp-testkit's simulated network instead: no root needed,
 * nothing on the wire; the service port then answers while the node is MASTER.
 */
@SpringBootApplication
@EnableConfigurationProperties(FailoverProperties.class)
public class SpringFailoverApplication {

    /**
     * Starts the application.
     *
     * @param args Spring Boot arguments, e.g. {@code --carp.interface-name=eth0}
     */
    public static void main(String[] args) {
        SpringApplication.run(SpringFailoverApplication.class, args);
    }
}
