package dev.baton.api;

/**
 * The body of {@code POST /v1/memory/import-conport}.
 *
 * @param path ConPort's context.db, absolute, on the broker's machine
 * @param workspace any directory of the repository to import into (or {@code instance}: its
 *     workspace)
 */
public record ImportBody(String path, String workspace, String instance) {}
