package dev.baton.api;

/**
 * The body of {@code POST /v1/memory/export} and {@code POST /v1/memory/import-markdown}.
 *
 * @param path the folder, relative to the workspace or absolute inside it; null for {@code
 *     conport_export}
 * @param workspace any directory of the repository (for a person; shared items only)
 * @param instance the instance that exports or imports (its workspace; its private items too)
 */
public record MarkdownBody(String path, String workspace, String instance) {}
