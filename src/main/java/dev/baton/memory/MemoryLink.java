package dev.baton.memory;

import java.time.Instant;

/**
 * A link from one memory item to another, e.g. decision 3 {@code implements} progress 7.
 *
 * @param instance who made it (null: a person)
 */
public record MemoryLink(
    long id,
    String workspace,
    long sourceId,
    long targetId,
    String relationship,
    String description,
    String instance,
    Instant createdAt) {}
