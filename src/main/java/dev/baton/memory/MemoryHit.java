package dev.baton.memory;

/**
 * An item found by a search.
 *
 * @param score how well it matches; higher is better (0 when the query had no text)
 */
public record MemoryHit(MemoryItem item, double score) {}
