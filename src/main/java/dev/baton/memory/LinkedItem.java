package dev.baton.memory;

/**
 * An item linked to the one asked about.
 *
 * @param outgoing true when the link goes from the item asked about to this one
 */
public record LinkedItem(MemoryLink link, MemoryItem item, boolean outgoing) {}
