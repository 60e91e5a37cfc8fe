package dev.baton.api;

import dev.baton.core.InvalidInputException;
import dev.baton.git.WorktreeService;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code /v1/worktrees}: each instance's worktree, what it holds that its base does not, removal
 * that never loses work, and restore. {@code POST /v1/instances} with {@code "worktree": true}
 * registers an instance and makes its worktree in one request.
 */
public final class WorktreeRoutes {
  private final WorktreeService worktrees;

  public WorktreeRoutes(WorktreeService worktrees) {
    this.worktrees = worktrees;
  }

  /** {@code POST /v1/worktrees}: give an instance its worktree (its own back, or a new one). */
  public record OpenBody(String instance, String base) {}

  /** {@code POST /v1/worktrees/{id}/restore}: ref null for the newest saved state. */
  public record RestoreBody(String ref) {}

  public Router addTo(Router router) {
    return router
        .add("GET", "/v1/worktrees", this::list)
        .add("POST", "/v1/worktrees", this::open)
        .add(
            "GET",
            "/v1/worktrees/{id}",
            ex -> Reply.ok(WorktreeJson.from(worktrees.inspect(ex.pathParam("id")))))
        .add(
            "DELETE",
            "/v1/worktrees/{id}",
            ex ->
                Reply.ok(
                    RemovalJson.from(
                        worktrees.remove(ex.pathParam("id"), "true".equals(ex.query("force"))))))
        .add("POST", "/v1/worktrees/{id}/restore", this::restore);
  }

  private Reply list(Exchange ex) {
    String workspace = ex.query("workspace");
    Path root = null;
    if (workspace != null && !workspace.isBlank()) {
      root = Path.of(workspace);
      if (!root.isAbsolute()) {
        throw new InvalidInputException(
            "workspace '" + workspace + "' is not an absolute path",
            java.util.Map.of("field", "workspace"));
      }
    }
    List<WorktreeJson> list =
        worktrees.list(root, "true".equals(ex.query("removed"))).stream()
            .map(WorktreeJson::from)
            .toList();
    return Reply.ok(new WorktreeListJson(list, list.size()));
  }

  private Reply open(Exchange ex) {
    OpenBody body = ex.body(OpenBody.class, "{\"instance\": \"claude-1a2b3c4d\"}");
    if (body.instance() == null || body.instance().isBlank()) {
      throw new InvalidInputException(
          "field 'instance' is required", java.util.Map.of("field", "instance"));
    }
    worktrees.open(body.instance().strip(), body.base());
    return Reply.ok(WorktreeJson.from(worktrees.inspect(body.instance().strip())));
  }

  private Reply restore(Exchange ex) {
    RestoreBody body = ex.body(RestoreBody.class, "{\"ref\": null}");
    String id = ex.pathParam("id");
    worktrees.restore(id, body.ref());
    return Reply.ok(WorktreeJson.from(worktrees.inspect(id)));
  }
}
