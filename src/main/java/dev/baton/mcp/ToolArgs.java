package dev.baton.mcp;

import dev.baton.core.BatonException;
import dev.baton.registry.Instance;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/** Schemas, arguments and results of baton's own MCP tools. */
final class ToolArgs {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ToolArgs() {}

  /** What a tool does for the calling instance; its value is returned as JSON text. */
  interface Handler {
    Object handle(Instance me, Map<String, Object> args);
  }

  /**
   * A tool for the calling instance: its result is the handler's value as JSON; a {@link
   * BatonException} or a bad argument becomes an error result with {@code describe}'s message.
   */
  static SyncToolSpecification tool(
      Callers callers,
      McpSchema.Tool tool,
      String role,
      Handler handler,
      Function<BatonException, String> describe) {
    McpSchema.Tool annotated = annotated(tool);
    return SyncToolSpecification.builder()
        .tool(annotated)
        .callHandler(
            (McpSyncServerExchange exchange, McpSchema.CallToolRequest request) -> {
              try {
                Map<String, Object> args =
                    request.arguments() == null ? Map.of() : request.arguments();
                refuseUnknown(annotated, args);
                Instance me = callers.resolve(exchange, role);
                return ok(handler.handle(me, args));
              } catch (BatonException e) {
                return error(describe.apply(e));
              } catch (IllegalArgumentException | IllegalStateException e) {
                return error(e.getMessage());
              }
            })
        .build();
  }

  /** A value as JSON text. */
  static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  /** An item id, as a number or as a string of digits (ConPort's ids may come as either). */
  static long itemId(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v instanceof String s && s.strip().matches("[0-9]{1,18}")) {
      return Long.parseLong(s.strip());
    }
    Long id = id(args, key);
    if (id == null) {
      throw new IllegalArgumentException("argument '" + key + "' is required: an item id");
    }
    return id;
  }

  /** The caller's workspace root, as the memory names workspaces. */
  static String workspace(Instance me) {
    return me.workspace().toString();
  }

  /** A tool of {@code name} for the calling instance whose errors are their messages. */
  static SyncToolSpecification tool(
      Callers callers,
      String name,
      String description,
      Map<String, Object> schema,
      String role,
      Handler handler) {
    return tool(
        callers,
        McpSchema.Tool.builder(name, schema).description(description).build(),
        role,
        handler,
        BatonException::getMessage);
  }

  /**
   * A result every client accepts: a JSON object, as text and as {@code structuredContent} (Gemini
   * CLI, for one, refuses a top-level array there); a list is wrapped as {@code {"items": [...]}}.
   */
  static CallToolResult ok(Object value) {
    Object result =
        value instanceof List<?> list
            ? Map.of("items", list)
            : value instanceof Map<?, ?> ? value : Collections.singletonMap("result", value);
    CallToolResult.Builder b =
        CallToolResult.builder().addTextContent(JSON.writeValueAsString(result));
    if (result instanceof Map<?, ?>) {
      b.structuredContent(result);
    }
    return b.build();
  }

  /**
   * The output schema of a tool that declares none of its own: every result is a JSON object
   * ({@link #ok}); {@code call_tool}'s is the called tool's, so it has none.
   */
  private static final Map<String, Object> AN_OBJECT = Map.of("type", "object");

  /** baton's tools that only read, so that clients may call them without asking. */
  private static final java.util.Set<String> READ_ONLY =
      java.util.Set.of(
          "whoami",
          "instances",
          "leases",
          "who",
          "find_tools",
          "search_memory",
          "lands",
          "focus_status");

  /** The tool with MCP annotations, unless it has its own: what it reads, what it may destroy. */
  static McpSchema.Tool annotated(McpSchema.Tool tool) {
    if (tool.annotations() != null) {
      return tool;
    }
    String name = tool.name();
    boolean readOnly =
        READ_ONLY.contains(name) || name.startsWith("get_") || name.startsWith("search_");
    if (name.equals("call_tool")) {
      return tool; // whatever the called tool does: no promise
    }
    boolean destructive = name.startsWith("delete_") || name.equals("lease_release");
    // readOnlyHint false is MCP's default: said only when true, it costs no tokens.
    McpSchema.ToolAnnotations hints =
        readOnly
            ? new McpSchema.ToolAnnotations(null, true, null, null, false, null)
            : new McpSchema.ToolAnnotations(null, null, destructive, null, false, null);
    return McpSchema.Tool.builder(name, ordered(tool.inputSchema()))
        .title(tool.title())
        .description(tool.description())
        .outputSchema(ordered(tool.outputSchema() != null ? tool.outputSchema() : AN_OBJECT))
        .annotations(hints)
        .meta(tool.meta())
        .build();
  }

  /** The order of a schema's keywords; the rest follow in alphabetical order. */
  private static final List<String> KEYWORDS =
      List.of("type", "description", "enum", "items", "properties", "required");

  /**
   * A schema in one order, whatever the order of the maps it was written with ({@code Map.of} has
   * none, and differs from one run to the next): its keywords as {@link #KEYWORDS} says, then
   * properties by name, the required ones first. The same tools then cost the same tokens in every
   * run, and read in the same order.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> ordered(Map<String, Object> schema) {
    if (schema == null) {
      return null;
    }
    List<String> keys = new ArrayList<>(schema.keySet());
    keys.sort(
        java.util.Comparator.comparingInt(
                (String k) -> KEYWORDS.contains(k) ? KEYWORDS.indexOf(k) : KEYWORDS.size())
            .thenComparing(k -> k));
    Map<String, Object> out = new LinkedHashMap<>();
    for (String k : keys) {
      Object v = schema.get(k);
      if (k.equals("properties") && v instanceof Map<?, ?> props) {
        List<?> required = schema.get("required") instanceof List<?> r ? r : List.of();
        List<String> names = new ArrayList<>((java.util.Set<String>) props.keySet());
        names.sort(
            java.util.Comparator.comparing((String n) -> !required.contains(n))
                .thenComparing(n -> n));
        Map<String, Object> ps = new LinkedHashMap<>();
        for (String n : names) {
          Object p = props.get(n);
          ps.put(n, p instanceof Map<?, ?> m ? ordered((Map<String, Object>) m) : p);
        }
        out.put(k, ps);
      } else if (v instanceof Map<?, ?> m) {
        out.put(k, ordered((Map<String, Object>) m));
      } else {
        out.put(k, v);
      }
    }
    return out;
  }

  /**
   * Refuses arguments the tool's schema does not have when it allows no others: a mistyped name
   * must not be read as "no argument" (lease_release without arguments once released everything).
   */
  static void refuseUnknown(McpSchema.Tool tool, Map<String, Object> args) {
    Map<String, Object> schema = tool.inputSchema();
    if (schema == null || !Boolean.FALSE.equals(schema.get("additionalProperties"))) {
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> known =
        schema.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
    for (String key : args.keySet()) {
      if (!known.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown argument '"
                + key
                + "'; "
                + tool.name()
                + (known.isEmpty()
                    ? " takes no arguments"
                    : " takes: " + String.join(", ", new java.util.TreeSet<>(known.keySet()))));
      }
    }
  }

  static CallToolResult error(String message) {
    return CallToolResult.builder().addTextContent(message).isError(true).build();
  }

  static Map<String, Object> schema(Map<String, Object> properties, String... required) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "object");
    s.put("properties", properties);
    if (required.length > 0) {
      s.put("required", List.of(required));
    }
    s.put("additionalProperties", false);
    return s;
  }

  static Map<String, Object> stringArray(String description) {
    return Map.of("type", "array", "items", Map.of("type", "string"), "description", description);
  }

  static Map<String, Object> prop(String type, String description) {
    return Map.of("type", type, "description", description);
  }

  static String string(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("argument '" + key + "' must be a string");
    }
    return s.isBlank() ? null : s;
  }

  static List<String> strings(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException("argument '" + key + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw new IllegalArgumentException("argument '" + key + "' must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }

  static Duration seconds(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() < 0 || Double.isNaN(n.doubleValue())) {
      throw new IllegalArgumentException("argument '" + key + "' must be a number of seconds ≥ 0");
    }
    return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
  }

  static Map<String, Object> props(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  static boolean flag(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException("argument '" + key + "' must be true or false");
    }
    return b;
  }

  /** A required whole number. */
  static int whole(Map<String, Object> args, String key) {
    return (int) wholeNumber(args.get(key), key, "a whole number");
  }

  /** An optional id (a whole number); null when absent. */
  static Long id(Map<String, Object> args, String key) {
    Object v = args.get(key);
    return v == null ? null : wholeNumber(v, key, "an item id");
  }

  private static long wholeNumber(Object v, String key, String what) {
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException("argument '" + key + "' must be " + what);
    }
    return n.longValue();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> args, String key) {
    Object v = args.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("argument '" + key + "' must be a JSON object");
    }
    return (Map<String, Object>) v;
  }
}
