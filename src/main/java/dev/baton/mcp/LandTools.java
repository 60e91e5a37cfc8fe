package dev.baton.mcp;

import static dev.baton.mcp.ToolArgs.prop;
import static dev.baton.mcp.ToolArgs.props;
import static dev.baton.mcp.ToolArgs.schema;
import static dev.baton.mcp.ToolArgs.seconds;
import static dev.baton.mcp.ToolArgs.string;

import dev.baton.core.BatonException;
import dev.baton.git.Land;
import dev.baton.git.LandConflict;
import dev.baton.git.LandRequest;
import dev.baton.git.LandService;
import dev.baton.git.LandStatus;
import dev.baton.registry.Instance;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Landing as MCP tools for the calling instance: {@code land} queues its worktree branch to land on
 * its base (and may wait for the outcome), {@code lands} shows its lands.
 */
final class LandTools {
  /** The longest {@code land} waits for its outcome; a client's own request timeout is near. */
  static final Duration MAX_WAIT = Duration.ofMinutes(5);

  private final LandService lands;
  private final Callers callers;

  LandTools(LandService lands, Callers callers) {
    this.lands = lands;
    this.callers = callers;
  }

  List<SyncToolSpecification> forRole(String role) {
    return List.of(
        ToolArgs.tool(
            callers,
            McpSchema.Tool.builder(
                    "land",
                    schema(
                        props(
                            "base", prop("string", "branch to land on (default: main worktree's)"),
                            "wait_s", prop("number", "seconds to wait for the outcome, max 300")),
                        new String[0]))
                .description(
                    "Land your worktree branch on its base: rebased, checked, fast-forwarded."
                        + " Conflicts name files and who landed them.")
                .outputSchema(OUTPUT)
                .build(),
            role,
            this::land,
            BatonException::getMessage),
        ToolArgs.tool(
            callers,
            McpSchema.Tool.builder("lands", schema(Map.of())).description("Your lands.").build(),
            role,
            (me, args) -> {
              List<Object> out = new ArrayList<>();
              for (Land l : lands.list(me.workspace().toString(), me.id(), 10)) {
                out.add(json(l));
              }
              return Map.of("lands", out);
            },
            BatonException::getMessage));
  }

  private Object land(Instance me, Map<String, Object> args) {
    Duration wait = seconds(args, "wait_s");
    Land land = lands.land(new LandRequest(me.id(), string(args, "base")));
    if (wait != null && !wait.isZero() && !land.status().finished()) {
      long ms = Math.min(wait.toMillis(), MAX_WAIT.toMillis());
      try {
        land = lands.outcome(land.id()).get(ms, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        land = lands.get(land.id());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        land = lands.get(land.id());
      } catch (ExecutionException e) {
        land = lands.get(land.id());
      }
    }
    return json(land);
  }

  /** The land as the tools answer it: what an agent needs to go on. */
  static Map<String, Object> json(Land l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("land", l.id());
    m.put("status", l.status().wireName());
    m.put("branch", l.branch());
    m.put("base", l.base());
    if (l.status() == LandStatus.LANDED) {
      m.put("from", l.oldBase());
      m.put("to", l.newHead());
      m.put("files", l.files());
    }
    if (!l.conflicts().isEmpty()) {
      List<Object> conflicts = new ArrayList<>();
      for (LandConflict c : l.conflicts()) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("file", c.file());
        if (c.lastLandedBy() != null) {
          one.put("last_landed_by", c.lastLandedBy());
        }
        conflicts.add(one);
      }
      m.put("conflicts", conflicts);
    }
    if (l.error() != null) {
      m.put("error", l.error());
    }
    if (l.note() != null) {
      m.put("note", l.note());
    }
    if (!l.status().finished()) {
      m.put("next", "call lands to see its outcome");
    }
    return m;
  }

  private static final Map<String, Object> OUTPUT =
      Map.of(
          "type",
          "object",
          "properties",
          props(
              "land", prop("integer", "its id"),
              "status", prop("string", "queued, started, landed, conflicted or failed"),
              "branch", prop("string", "your branch"),
              "base", prop("string", "the branch it lands on"),
              "conflicts", Map.of("type", "array", "items", Map.of("type", "object")),
              "error", prop("string", "why it conflicted or failed"),
              "note", prop("string", "what happened to your branch")),
          "required",
          List.of("land", "status"));
}
