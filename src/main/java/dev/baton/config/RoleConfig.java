package dev.baton.config;

/**
 * One role an instance can take.
 *
 * @param name the role name, e.g. {@code developer}
 * @param description what agents in this role do; shown in listings
 */
public record RoleConfig(String name, String description) {}
