package dev.baton.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One running agent session.
 *
 * @param id e.g. {@code claude-1a2b3c4d}
 * @param role one of the configured roles
 * @param client the kind of client, e.g. {@code claude}, {@code codex}, {@code cli}
 * @param workspace the main repository's top-level directory
 * @param worktree the linked worktree the instance works in, or null when it works in the workspace
 *     itself
 * @param branch the checked-out branch at registration, or null when HEAD is detached
 * @param createdAt when it registered
 * @param lastHeartbeat when it was last heard from
 * @param expiresAt when the janitor expires it unless it heartbeats (or, for an instance with an
 *     agent process, unless the broker sees that process alive)
 * @param session the client's own session id (Claude Code's {@code session_id}), or null
 * @param agent the agent's process, whose life the instance follows, or null
 * @param orphanedAt when it ended without saying so (its agent died, or it went silent), or null
 *     while it lives; an orphan's exclusive leases wait for the same session for a grace period
 */
public record Instance(
    String id,
    String role,
    String client,
    Path workspace,
    Path worktree,
    String branch,
    Instant createdAt,
    Instant lastHeartbeat,
    Instant expiresAt,
    String session,
    AgentProcess agent,
    Instant orphanedAt) {

  /** A live instance that reported no session and no process. */
  public Instance(
      String id,
      String role,
      String client,
      Path workspace,
      Path worktree,
      String branch,
      Instant createdAt,
      Instant lastHeartbeat,
      Instant expiresAt) {
    this(
        id,
        role,
        client,
        workspace,
        worktree,
        branch,
        createdAt,
        lastHeartbeat,
        expiresAt,
        null,
        null,
        null);
  }

  public Optional<Path> worktreeIfAny() {
    return Optional.ofNullable(worktree);
  }

  public Optional<AgentProcess> agentIfAny() {
    return Optional.ofNullable(agent);
  }

  public boolean orphaned() {
    return orphanedAt != null;
  }

  /** A copy heard from at {@code now}, living for another {@code ttl}. */
  public Instance heardAt(Instant now, Duration ttl) {
    return new Instance(
        id,
        role,
        client,
        workspace,
        worktree,
        branch,
        createdAt,
        now,
        now.plus(ttl),
        session,
        agent,
        orphanedAt);
  }
}
