package dev.baton.registry;

/**
 * What a client asks for when it registers.
 *
 * @param role required; one of the configured roles
 * @param workspace required; any directory inside the repository (a worktree or subdirectory is
 *     resolved to the main repository's top level)
 * @param id optional; when absent and a session is given the id is {@code <client>-} and 8 hex
 *     digits of the session ({@link InstanceIds#forSession}), else {@code <client>-<8 random hex>}
 * @param client optional kind of client, default {@code agent}
 * @param session optional; the client's own session id. With it (or with an agent process) the
 *     request joins the session's instance when one exists, whatever role and workspace it has, and
 *     brings it back when it was orphaned
 * @param agent optional; the agent's process, whose life the instance follows from now on
 */
public record RegisterRequest(
    String role, String workspace, String id, String client, String session, AgentProcess agent) {

  /** A registration that names no session and no process (the CLI's, a script's). */
  public RegisterRequest(String role, String workspace, String id, String client) {
    this(role, workspace, id, client, null, null);
  }

  /** True when this is an agent session making contact rather than a person registering. */
  public boolean joins() {
    return (session != null && !session.isBlank()) || agent != null;
  }
}
