/**
 * The HTTP face of the broker: routes, wire records (JSON, camelCase, nulls omitted), the error
 * shape {@code {"error": {"code", "message", ...}}}, the request guard (loopback Host and Origin,
 * bearer token on TCP, body limit) and server-sent events. The same routes answer on the Unix
 * socket and on TCP. The dashboard ({@code /}, static files from the jar) and its sessions ({@link
 * dev.baton.api.DashboardSessions}, in memory) live here too. Handlers are thread-safe; wire
 * records are immutable.
 */
package dev.baton.api;
