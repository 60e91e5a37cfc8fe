package dev.baton.api;

/** The answer to {@code DELETE /v1/instances/{id}}. */
public record DeregisteredJson(InstanceJson instance, boolean deregistered) {}
