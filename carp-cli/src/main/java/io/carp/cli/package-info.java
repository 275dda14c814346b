/**
 * {@code carp-cli}: a command-line tool that takes every option of ucarp 1.5.2, with the same names, meanings and
 * defaults, and runs one CARP group on the carp4j library ({@link io.carp.netty.NettyCarpRuntime} on Linux).
 *
 * <p>Main class {@link io.carp.cli.CarpCli}; {@code java -jar carp-cli/target/carp-cli.jar --help} lists the
 * options, what is an extension and what is accepted only for compatibility.
 *
 * <p>For tests only: the system property {@value io.carp.cli.RuntimeFactory#PROPERTY} names a class with a
 * public no-argument constructor implementing {@code Supplier<CarpRuntime>}; the CLI then runs on that runtime instead
 * of the Linux one (used to run the real program in a child JVM without root). It is not shown in {@code --help}.
 */
package io.carp.cli;
