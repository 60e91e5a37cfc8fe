package dev.baton.gateway;

import java.time.Duration;

/**
 * One tool call forwarded to a downstream server, once it has its answer.
 *
 * @param server the server's name
 * @param tool the server's own name for the tool
 * @param took from the call's start, waiting for a connection included, to its answer
 * @param failed true when no answer came from the server (it crashed, timed out or could not be
 *     started); a tool's own error result is an answer
 */
public record CallTime(String server, String tool, Duration took, boolean failed) {}
