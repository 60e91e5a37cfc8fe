package dev.baton.api;

/** The body of {@code POST /v1/instances}. */
public record RegisterBody(String role, String workspace, String id, String client) {}
