package dev.baton.api;

import java.util.List;

/** The answer to {@code GET /v1/instances}. */
public record InstanceListJson(List<InstanceJson> instances, int count) {}
