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
 * Merges baton's hooks into a project's {@code .codex/hooks.json}, which has Claude Code's shape
 * ({@code {"hooks": {"<Event>": [{"matcher": ..., "hooks": [{"type": "command", ...}]}]}}}).
 * Everything else in the file is kept as it was; baton's own earlier entries (commands ending in
 * {@code codex-hook EVENT}) are replaced, so running setup again is harmless. Codex runs a hook
 * only once the person trusted it ({@code /hooks} in Codex), and again after it changed.
 */
public final class CodexHooks {
  /** The hook events baton listens to, with their matcher (null: every occasion). */
  public static final Map<String, String> EVENTS = events();

  private static final int TIMEOUT_SECONDS = 10;

  /** Codex's one editing tool: a patch that adds, updates, deletes or moves files. */
  private static final String EDITS = "apply_patch";

  private CodexHooks() {}

  private static Map<String, String> events() {
    Map<String, String> events = new LinkedHashMap<>();
    events.put("SessionStart", null);
    events.put("UserPromptSubmit", null); // new messages and handoffs reach the agent here
    // A patch leases its files provisionally; the leases stay only if the patch is applied.
    events.put("PreToolUse", EDITS);
    events.put("PermissionRequest", EDITS); // held while the person decides
    events.put("PostToolUse", EDITS); // applied: the leases are the session's
    events.put("Stop", null); // the turn is over: a patch not applied by now never will be
    events.put("SessionEnd", null);
    return events;
  }

  /**
   * Adds (or updates) baton's hooks.
   *
   * @param file the hooks file, created when missing
   * @param commandPrefix the command without its event, e.g. {@code
   *     '/home/u/.local/share/baton/hooks/codex-hook'}
   * @return the events whose hook was added or updated
   * @throws BatonException when the file exists but is not a JSON object, or its {@code hooks} is
   *     not an object (it is then left alone)
   */
  public static List<String> merge(Path file, String commandPrefix) {
    ObjectNode root = JsonFiles.readObject(file);
    JsonNode existing = root.path("hooks");
    if (!existing.isMissingNode() && !existing.isObject()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          file + ": \"hooks\" is not an object; fix it by hand, then run setup again");
    }
    ObjectNode hooks = root.withObjectProperty("hooks");
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> event : EVENTS.entrySet()) {
      ArrayNode groups =
          hooks.get(event.getKey()) instanceof ArrayNode list
              ? list
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
    JsonFiles.write(file, root, "rw-r--r--");
    return changed;
  }

  /** True for a hook command baton wrote. */
  static boolean isOurs(String command) {
    return command != null && command.matches("(?s).*codex-hook'? [A-Za-z]+\\s*");
  }

  private static void removeOurs(ArrayNode groups) {
    for (int i = groups.size() - 1; i >= 0; i--) {
      if (!(groups.get(i).path("hooks") instanceof ArrayNode hooks)) {
        continue;
      }
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
}
