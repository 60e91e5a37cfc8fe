package dev.baton.mcp;

import static dev.baton.mcp.ToolArgs.schema;

import dev.baton.core.BatonException;
import dev.baton.focus.FocusMode;
import dev.baton.focus.FocusService;
import dev.baton.focus.FocusSnapshot;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The person's focus timer as one small MCP tool for every role: {@code focus_status} tells an
 * agent whether the person is working or on a break, and until when.
 */
final class FocusTools {
  /** What {@code focus_status} answers. */
  private static final Map<String, Object> OUTPUT =
      Map.of(
          "type",
          "object",
          "properties",
          Map.of(
              "mode", Map.of("enum", List.of("idle", "working", "break")),
              "until", Map.of("type", "string"),
              "block", Map.of("type", "integer"),
              "hyperfocus", Map.of("type", "boolean"),
              "advice", Map.of("type", "string")),
          "required",
          List.of("mode", "block", "hyperfocus"));

  private final FocusService focus;
  private final Callers callers;

  FocusTools(FocusService focus, Callers callers) {
    this.focus = focus;
    this.callers = callers;
  }

  List<SyncToolSpecification> forRole(String role) {
    return List.of(
        ToolArgs.tool(
            callers,
            McpSchema.Tool.builder("focus_status", schema(Map.of()))
                .description("The person's focus timer: working or on a break, until when.")
                .outputSchema(OUTPUT)
                .build(),
            role,
            (me, args) -> json(focus.status()),
            BatonException::getMessage));
  }

  private static Map<String, Object> json(FocusSnapshot s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", s.mode().wireName());
    if (s.until() != null) {
      m.put("until", s.until().toString());
    }
    m.put("block", s.block());
    m.put("hyperfocus", s.hyperfocus());
    if (s.mode() == FocusMode.BREAK) {
      m.put("advice", "finish the current step, checkpoint, and do not ask questions until then");
    }
    return m;
  }
}
