package io.carp.examples.spring;

import io.carp.spring.boot.CarpGroups;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The service: says which node answered, in which state, and on which address. */
@RestController
class HelloController {
    private final CarpGroups groups;
    private final String group;
    private final String node;

    HelloController(CarpGroups groups, FailoverProperties properties, Environment environment) {
        this.groups = groups;
        this.group = properties.getGroup();
        this.node = properties.getNodeName() != null ? properties.getNodeName()
                : environment.getProperty("spring.application.name", "node");
    }

    @GetMapping("/hello")
    String hello(HttpServletRequest request) {
        return "hello from " + node + " (" + groups.state(group) + ") on " + request.getLocalAddr() + ":"
                + request.getLocalPort() + "\n";
    }
}
