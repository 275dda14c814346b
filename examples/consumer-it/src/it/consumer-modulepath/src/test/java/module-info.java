/**
 * The consumer's tests as a named module: carp4j's exported packages only, read through its JPMS modules. Open, so
 * that JUnit can reach the test class.
 */
open module com.example.vip {
    requires io.carp;
    requires io.carp.testkit;
    requires org.junit.jupiter.api;
}
