/**
 * The MCP face of the broker: Streamable HTTP endpoints {@code /mcp/<role>} built on the official
 * MCP Java SDK, with baton's coordination tools (who is here, file leases) backed by the same
 * services as the HTTP API.
 */
package dev.baton.mcp;
