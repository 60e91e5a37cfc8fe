/**
 * Downstream MCP servers: starting them (stdio in a process group of their own, Streamable HTTP, or
 * WebSocket), pooling them per scope, health checks, restarts, stopping whole process trees, and
 * the role-based catalogue of their tools. Knows nothing of HTTP routes or of the MCP endpoints
 * that list these tools.
 */
package dev.baton.gateway;
