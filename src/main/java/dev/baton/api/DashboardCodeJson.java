package dev.baton.api;

import java.time.Instant;

/**
 * {@code POST /v1/dashboard/codes}: a one-time code, the dashboard URL that carries it, and when
 * the code stops working.
 */
public record DashboardCodeJson(String code, String url, Instant expiresAt) {}
