package dev.baton.api;

/** The body of {@code POST /v1/leases/{id}/renew}: the holder, and optionally a new TTL. */
public record RenewBody(String instance, Long ttlMs) {}
