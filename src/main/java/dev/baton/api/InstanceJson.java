package dev.baton.api;

import dev.baton.registry.Instance;
import java.nio.file.Path;
import java.time.Instant;

/** An instance on the wire. */
public record InstanceJson(
    String id,
    String role,
    String client,
    String workspace,
    String worktree,
    String branch,
    Instant createdAt,
    Instant lastHeartbeat,
    Instant expiresAt) {

  public static InstanceJson from(Instance i) {
    return new InstanceJson(
        i.id(),
        i.role(),
        i.client(),
        i.workspace().toString(),
        i.worktreeIfAny().map(Path::toString).orElse(null),
        i.branch(),
        i.createdAt(),
        i.lastHeartbeat(),
        i.expiresAt());
  }
}
