package io.carp.spring.boot;

import io.carp.CarpGroupBuilder;

/**
 * Changes the builder of each group of {@code carp.groups} before the group is built, for what properties cannot
 * say: a {@link io.carp.HealthCheck} that uses the application's beans, an {@code addressManager}, callbacks. Declare
 * it as a bean; every customizer bean is applied, in {@code @Order}, to every group, after the properties.
 *
 * <pre>{@code
 * @Bean
 * CarpGroupCustomizer databaseCheck(DataSource db) {
 *     return (name, builder) -> {
 *         if (name.equals("web")) {
 *             builder.healthCheck("db", () -> isValid(db), Duration.ofSeconds(2), Duration.ofSeconds(1), 240);
 *         }
 *     };
 * }
 * }</pre>
 *
 * <p>Called once per group while the {@link CarpGroups} bean is created, on that thread. The starter sets the runtime,
 * the callback executor and the state-change callback itself: do not set them here. An
 * {@link IllegalArgumentException} of the builder fails the start, naming the group.
 */
@FunctionalInterface
public interface CarpGroupCustomizer {

    /**
     * Customizes one group's builder.
     *
     * @param groupName the name under {@code carp.groups}
     * @param builder   the group's builder, with the properties applied
     */
    void customize(String groupName, CarpGroupBuilder builder);
}
