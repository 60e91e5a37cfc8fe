package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges baton into a project's {@code .gemini/settings.json} (Gemini CLI 0.61): the {@code baton}
 * stdio MCP server, its coordination tools in {@code tools.allowed} (so that Gemini CLI calls them
 * without asking, headless too), and hooks for the events baton listens to. Everything else in the
 * file is kept as it was; baton's own earlier entries (the {@code baton} server, hooks whose
 * command ends in {@code gemini-hook EVENT}) are replaced, so running setup again is harmless. The
 * file holds no secret: {@code baton mcp} reaches the broker's Unix socket without a token.
 *
 * <p>Gemini CLI reads project settings only in a trusted folder. A hook's {@code matcher} is a
 * regular expression searched in the tool's name, so the editing tools' is anchored; its {@code
 * timeout} is in milliseconds.
 */
public final class GeminiSettings {
  /** The hook events baton listens to, with their matcher (null: every occasion). */
  public static final Map<String, String> EVENTS = events();

  /** Gemini CLI's tools that write a file named by {@code file_path}. */
  static final String EDITS = "^(write_file|replace)$";

  private static final int TIMEOUT_MILLIS = 10_000;
  private static final String HOOK_NAME = "baton";

  private GeminiSettings() {}

  private static Map<String, String> events() {
    Map<String, String> events = new LinkedHashMap<>();
    events.put("SessionStart", null); // registers the session and tells it who else is here
    events.put("BeforeAgent", null); // a new prompt: messages and handoffs reach the agent here
    events.put("BeforeTool", EDITS); // an edit leases its file, or is denied naming the holder
    events.put("AfterTool", EDITS); // the edit happened: the lease is the session's
    events.put("AfterAgent", null); // the turn is over: an edit not made by now never will be
    events.put("SessionEnd", null); // the session's files are free
    return events;
  }

  /** What one setup writes: the hooks' command and the MCP server's. */
  public record Entries(
      String hookPrefix, String mcpCommand, List<String> mcpArgs, List<String> allowedTools) {
    public Entries {
      mcpArgs = List.copyOf(mcpArgs);
      allowedTools = List.copyOf(allowedTools);
    }
  }

  /** What {@link #merge} changed. */
  public record Merged(List<String> events, List<String> allowedAdded) {}

  /**
   * Adds (or replaces) baton's server, allowed tools and hooks in one write.
   *
   * @param settings the project's {@code .gemini/settings.json}, created when missing
   * @param entries the hook command without its event (e.g. {@code
   *     '/home/u/.local/share/baton/hooks/gemini-hook'}), the server's command and arguments, and
   *     the tool names to allow ({@code mcp_baton_whoami}, ...)
   * @throws BatonException naming the file and the problem when it is not valid JSON, not an
   *     object, or one of the keys baton writes under has an unexpected type; it is then left
   *     untouched
   */
  public static Merged merge(Path settings, Entries entries) {
    ObjectNode root = JsonFiles.readObject(settings);
    ObjectNode servers = object(root, "mcpServers", settings);
    ObjectNode hooks = object(root, "hooks", settings);
    ArrayNode allowed =
        array(object(root, "tools", settings), "allowed", "tools.allowed", settings);
    for (String event : EVENTS.keySet()) {
      if (hooks.has(event) && !hooks.get(event).isArray()) {
        throw notA(settings, "hooks." + event, "list");
      }
    }
    ObjectNode server = servers.putObject(McpJson.NAME);
    server.put("command", entries.mcpCommand());
    ArrayNode args = server.putArray("args");
    entries.mcpArgs().forEach(args::add);
    List<String> added = addMissing(allowed, entries.allowedTools());
    List<String> events = putHooks(hooks, entries.hookPrefix());
    JsonFiles.write(settings, root, "rw-r--r--"); // no secret in it: it may be shared
    return new Merged(events, added);
  }

  /** Adds the values not in the list yet; returns them. */
  private static List<String> addMissing(ArrayNode list, List<String> values) {
    Set<String> present = new HashSet<>();
    list.forEach(n -> present.add(n.asString("")));
    List<String> added = new ArrayList<>();
    for (String value : values) {
      if (present.add(value)) {
        list.add(value);
        added.add(value);
      }
    }
    return added;
  }

  /** Replaces baton's hook of each event in {@link #EVENTS}; returns the events. */
  private static List<String> putHooks(ObjectNode hooks, String prefix) {
    List<String> events = new ArrayList<>();
    for (Map.Entry<String, String> event : EVENTS.entrySet()) {
      ArrayNode groups =
          hooks.has(event.getKey())
              ? (ArrayNode) hooks.get(event.getKey())
              : hooks.putArray(event.getKey());
      removeOurs(groups);
      ObjectNode group = groups.addObject();
      if (event.getValue() != null) {
        group.put("matcher", event.getValue());
      }
      ObjectNode hook = group.putArray("hooks").addObject();
      hook.put("name", HOOK_NAME);
      hook.put("type", "command");
      hook.put("command", prefix + " " + event.getKey());
      hook.put("timeout", TIMEOUT_MILLIS);
      events.add(event.getKey());
    }
    return events;
  }

  /** True for a hook command baton wrote. */
  static boolean isOurs(String command) {
    return command != null && command.matches("(?s).*gemini-hook'? [A-Za-z]+\\s*");
  }

  private static void removeOurs(ArrayNode groups) {
    for (int i = groups.size() - 1; i >= 0; i--) {
      JsonNode list = groups.get(i).path("hooks");
      if (!list.isArray()) {
        continue;
      }
      ArrayNode hooks = (ArrayNode) list;
      for (int k = hooks.size() - 1; k >= 0; k--) {
        if (isOurs(hooks.get(k).path("command").asString(null))) {
          hooks.remove(k);
        }
      }
      if (hooks.isEmpty()) {
        groups.remove(i);
      }
    }
  }

  private static ObjectNode object(ObjectNode parent, String key, Path settings) {
    JsonNode existing = parent.path(key);
    if (!existing.isMissingNode() && !existing.isObject()) {
      throw notA(settings, key, "object");
    }
    return parent.withObjectProperty(key);
  }

  private static ArrayNode array(ObjectNode parent, String key, String shown, Path settings) {
    JsonNode existing = parent.path(key);
    if (!existing.isMissingNode() && !existing.isArray()) {
      throw notA(settings, shown, "list");
    }
    return existing.isArray() ? (ArrayNode) existing : parent.putArray(key);
  }

  private static BatonException notA(Path settings, String key, String kind) {
    return new BatonException(
        ErrorCode.INVALID_REQUEST,
        settings
            + ": \""
            + key
            + "\" is not "
            + (kind.equals("object") ? "an " : "a ")
            + kind
            + "; fix it by hand, then run setup again");
  }
}
