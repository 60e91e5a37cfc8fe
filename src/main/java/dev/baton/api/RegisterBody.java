package dev.baton.api;

/**
 * The body of {@code POST /v1/instances}.
 *
 * @param worktree true to give the instance a worktree of its own on branch {@code instance/<id>}
 *     (its own back when the id had one)
 * @param base the branch a new worktree starts from; null for the branch checked out in the main
 *     worktree
 */
public record RegisterBody(
    String role, String workspace, String id, String client, Boolean worktree, String base) {
  /** A registration without a worktree. */
  public RegisterBody(String role, String workspace, String id, String client) {
    this(role, workspace, id, client, null, null);
  }
}
