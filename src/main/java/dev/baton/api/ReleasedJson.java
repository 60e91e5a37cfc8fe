package dev.baton.api;

/** The answer to {@code DELETE /v1/leases/{id}}. */
public record ReleasedJson(LeaseJson lease, boolean released) {}
