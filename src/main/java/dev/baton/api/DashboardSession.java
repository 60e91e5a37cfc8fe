package dev.baton.api;

import java.time.Instant;

/**
 * A browser's dashboard session: its cookie value, the CSRF token its page sends with every action,
 * and its lifetime. Both secrets are random, 256 bits, URL-safe base64.
 */
public record DashboardSession(String id, String csrf, Instant createdAt, Instant expiresAt) {
  @Override
  public String toString() {
    return "DashboardSession[createdAt=" + createdAt + ", expiresAt=" + expiresAt + "]";
  }
}
