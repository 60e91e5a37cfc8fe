package dev.baton.api;

import dev.baton.core.InvalidInputException;
import dev.baton.git.LandRequest;
import dev.baton.git.LandService;
import dev.baton.registry.WorkspaceResolver;
import java.nio.file.Path;
import java.util.Map;

/** {@code /v1/lands}: queue an instance's branch to land on its base, and follow the queue. */
public final class LandRoutes {
  private static final int DEFAULT_LIMIT = 50;

  private final LandService lands;
  private final WorkspaceResolver workspaces;

  public LandRoutes(LandService lands, WorkspaceResolver workspaces) {
    this.lands = lands;
    this.workspaces = workspaces;
  }

  public Router addTo(Router router) {
    return router
        .add("POST", "/v1/lands", this::land)
        .add(
            "GET",
            "/v1/lands",
            ex ->
                Reply.ok(
                    LandListJson.of(
                        lands.list(root(ex.query("workspace")), ex.query("instance"), limit(ex)))))
        .add("GET", "/v1/lands/{id}", ex -> Reply.ok(LandJson.from(lands.get(id(ex)))));
  }

  private Reply land(Exchange ex) {
    LandBody b = ex.body(LandBody.class, "{\"instance\": \"claude-1a2b3c4d\", \"base\": \"main\"}");
    return Reply.created(LandJson.from(lands.land(new LandRequest(b.instance(), b.base()))));
  }

  private String root(String directory) {
    if (directory == null || directory.isBlank()) {
      return null;
    }
    return workspaces.resolve(Path.of(directory).toAbsolutePath().normalize()).root().toString();
  }

  private static long id(Exchange ex) {
    try {
      return Long.parseLong(ex.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "land id '" + ex.pathParam("id") + "' is not a number", Map.of("field", "id"));
    }
  }

  private static int limit(Exchange ex) {
    String l = ex.query("limit");
    if (l == null || l.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      return Integer.parseInt(l);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "limit '" + l + "' is not a number", Map.of("field", "limit"));
    }
  }
}
