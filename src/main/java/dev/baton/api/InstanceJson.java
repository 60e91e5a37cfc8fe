package dev.baton.api;

import dev.baton.registry.Instance;
import java.nio.file.Path;
import java.time.Instant;

/**
 * An instance on the wire. {@code session} is the client's own session id, {@code agentPid} and
 * {@code agentHost} the agent process whose life it follows; absent when unknown.
 */
public record InstanceJson(
    String id,
    String role,
    String client,
    String workspace,
    String worktree,
    String branch,
    Instant createdAt,
    Instant lastHeartbeat,
    Instant expiresAt,
    String session,
    Long agentPid,
    String agentHost) {

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
        i.expiresAt(),
        i.session(),
        i.agentIfAny().map(a -> a.pid()).orElse(null),
        i.agentIfAny().map(a -> a.host()).orElse(null));
  }
}
