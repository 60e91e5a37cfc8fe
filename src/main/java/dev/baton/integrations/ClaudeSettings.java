package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges baton's hooks into a project's {@code .claude/settings.local.json}. Everything else in the
 * file is kept as it was; baton's own earlier entries (commands ending in {@code claude-hook
 * EVENT}) are replaced, so running setup again is harmless.
 */
public final class ClaudeSettings {
  /** The hook events baton listens to, with their matcher (null: every occasion). */
  public static final Map<String, String> EVENTS = events();

  /**
   * How long Claude Code lets the hook run: above the hook's own wait for the broker ({@code
   * BATON_HOOK_TIMEOUT}, 4 s by default), so that the hook, not Claude Code, decides.
   */
  private static final int TIMEOUT_SECONDS = 30;

  private static final String EDITS = "Edit|Write|MultiEdit|NotebookEdit";

  private ClaudeSettings() {}

  private static Map<String, String> events() {
    Map<String, String> events = new LinkedHashMap<>();
    events.put("SessionStart", null);
    events.put("UserPromptSubmit", null); // new messages and handoffs reach the agent here
    // An edit leases its file provisionally; the lease stays only if the edit happens.
    events.put("PreToolUse", EDITS);
    events.put("PermissionRequest", EDITS); // held while the person decides
    events.put("PostToolUse", EDITS); // the edit happened: the lease is the session's
    events.put("PostToolUseFailure", EDITS);
    events.put("PermissionDenied", EDITS);
    events.put("PostToolBatch", null); // the step is over: an edit not made by now never will be
    events.put("Stop", null);
    events.put("SessionEnd", null);
    return events;
  }

  /**
   * Adds (or updates) baton's hooks.
   *
   * @param settings the settings file, created when missing
   * @param commandPrefix the command without its event, e.g. {@code
   *     '/home/u/.local/share/baton/hooks/claude-hook'}
   * @return the events whose hook was added or updated
   * @throws BatonException when the file exists but is not a JSON object (it is then left alone)
   */
  public static List<String> merge(Path settings, String commandPrefix) {
    ObjectNode root = read(settings);
    JsonNode existingHooks = root.path("hooks");
    if (!existingHooks.isMissingNode() && !existingHooks.isObject()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          settings + ": \"hooks\" is not an object; fix it by hand, then run setup again");
    }
    ObjectNode hooks = root.withObjectProperty("hooks");
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> event : EVENTS.entrySet()) {
      ArrayNode groups =
          hooks.has(event.getKey()) && hooks.get(event.getKey()).isArray()
              ? (ArrayNode) hooks.get(event.getKey())
              : hooks.putArray(event.getKey());
      removeOurs(groups);
      ObjectNode group = groups.addObject();
      if (event.getValue() != null) {
        group.put("matcher", event.getValue());
      }
      ObjectNode hook = group.putArray("hooks").addObject();
      hook.put("type", "command");
      hook.put("command", commandPrefix + " " + event.getKey());
      hook.put("timeout", TIMEOUT_SECONDS);
      changed.add(event.getKey());
    }
    write(settings, root);
    return changed;
  }

  /**
   * Approves a server of the project's {@code .mcp.json} ({@code enabledMcpjsonServers}), so that
   * Claude Code does not ask before it uses it; other approvals and settings are kept.
   *
   * @return true when it was not approved before
   */
  public static boolean approveMcpServer(Path settings, String name) {
    ObjectNode root = read(settings);
    JsonNode existing = root.path("enabledMcpjsonServers");
    if (!existing.isMissingNode() && !existing.isArray()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          settings
              + ": \"enabledMcpjsonServers\" is not a list; fix it by hand, then run setup again");
    }
    ArrayNode approved =
        existing.isArray() ? (ArrayNode) existing : root.putArray("enabledMcpjsonServers");
    for (JsonNode n : approved) {
      if (name.equals(n.asString(null))) {
        return false;
      }
    }
    approved.add(name);
    write(settings, root);
    return true;
  }

  /**
   * Withdraws the approval of a {@code .mcp.json} server (an earlier setup's), keeping the rest.
   *
   * @return true when it was approved
   */
  public static boolean unapproveMcpServer(Path settings, String name) {
    if (!java.nio.file.Files.exists(settings)) {
      return false;
    }
    ObjectNode root = read(settings);
    JsonNode approved = root.path("enabledMcpjsonServers");
    if (!approved.isArray()) {
      return false;
    }
    for (int i = approved.size() - 1; i >= 0; i--) {
      if (name.equals(approved.get(i).asString(null))) {
        ((ArrayNode) approved).remove(i);
        write(settings, root);
        return true;
      }
    }
    return false;
  }

  /**
   * Lets the agent call these tools without asking ({@code permissions.allow}), so that headless
   * runs ({@code claude -p}) can use them; other permissions are kept.
   *
   * @return the rules added (those not there before)
   */
  public static List<String> allow(Path settings, List<String> rules) {
    ObjectNode root = read(settings);
    JsonNode permissions = root.path("permissions");
    if (!permissions.isMissingNode() && !permissions.isObject()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          settings + ": \"permissions\" is not an object; fix it by hand, then run setup again");
    }
    ObjectNode perms = root.withObjectProperty("permissions");
    JsonNode existing = perms.path("allow");
    if (!existing.isMissingNode() && !existing.isArray()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          settings + ": \"permissions.allow\" is not a list; fix it by hand, then run setup again");
    }
    ArrayNode allow = existing.isArray() ? (ArrayNode) existing : perms.putArray("allow");
    java.util.Set<String> present = new java.util.HashSet<>();
    allow.forEach(n -> present.add(n.asString("")));
    List<String> added = new ArrayList<>();
    for (String rule : rules) {
      if (present.add(rule)) {
        allow.add(rule);
        added.add(rule);
      }
    }
    write(settings, root);
    return added;
  }

  /** True for a hook command baton wrote. */
  static boolean isOurs(String command) {
    return command != null && command.matches("(?s).*claude-hook'? [A-Za-z]+\\s*");
  }

  private static void removeOurs(ArrayNode groups) {
    for (int i = groups.size() - 1; i >= 0; i--) {
      JsonNode group = groups.get(i);
      JsonNode list = group.path("hooks");
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

  private static ObjectNode read(Path settings) {
    return JsonFiles.readObject(settings);
  }

  /** Written 0600: the settings may hold the broker's token. */
  private static void write(Path settings, ObjectNode root) {
    JsonFiles.write(settings, root, "rw-------");
  }
}
