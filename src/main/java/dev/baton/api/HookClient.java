package dev.baton.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What differs between the agents whose hooks baton takes: the names of their events and editing
 * tools, where a tool names its files, and how an answer denies a step or adds context. The hook
 * route speaks baton's event names, which are Claude Code's ({@code PreToolUse}, {@code
 * PostToolUse}, {@code SessionStart}, {@code UserPromptSubmit}, {@code Stop}, {@code
 * SessionEnd}...), and asks the client's adapter for everything else.
 */
sealed interface HookClient {
  /** The client's name, as in {@code /v1/hooks/<name>/<event>} and instance ids. */
  String name();

  /** baton's name for the client's event. */
  default String event(String clientEvent) {
    return clientEvent;
  }

  /** baton's name for the client's event, which may depend on what the hook reports. */
  default String event(String clientEvent, HookInput input) {
    return event(clientEvent);
  }

  /** The files the tool is about to change (absolute, resolved against cwd); empty if none. */
  List<String> editedFiles(HookInput input);

  /** The answer that stops the tool call, telling the agent why. */
  default Map<String, Object> deny(String clientEvent, String reason) {
    Map<String, Object> specific = new LinkedHashMap<>();
    specific.put("hookEventName", clientEvent);
    specific.put("permissionDecision", "deny");
    specific.put("permissionDecisionReason", reason);
    return Map.of("hookSpecificOutput", specific);
  }

  /** The answer that adds text to the agent's context. */
  default Map<String, Object> context(String clientEvent, String text) {
    Map<String, Object> specific = new LinkedHashMap<>();
    specific.put("hookEventName", clientEvent);
    specific.put("additionalContext", text);
    return Map.of("hookSpecificOutput", specific);
  }

  /**
   * The answer that shows text for an event whose answer cannot add context (Claude Code's Stop): a
   * message the agent's client displays.
   */
  default Map<String, Object> notice(String clientEvent, String text) {
    return Map.of("systemMessage", text);
  }

  /** The adapter for {@code name}, if baton knows the client. */
  static Optional<HookClient> named(String name) {
    return switch (name) {
      case "claude" -> Optional.of(new Claude());
      case "codex" -> Optional.of(new Codex());
      case "gemini" -> Optional.of(new Gemini());
      default -> Optional.empty();
    };
  }

  /** The names {@link #named} knows. */
  static List<String> names() {
    return List.of("claude", "codex", "gemini");
  }

  private static List<String> resolved(HookInput input, List<String> paths) {
    Set<String> files = new LinkedHashSet<>();
    for (String p : paths) {
      if (p == null || p.isBlank()) {
        continue;
      }
      Path path = Path.of(p.strip());
      if (!path.isAbsolute() && input.cwd() != null) {
        path = Path.of(input.cwd()).resolve(path);
      }
      files.add(path.normalize().toString());
    }
    return List.copyOf(files);
  }

  /** Claude Code: Edit, Write, MultiEdit ({@code file_path}) and NotebookEdit. */
  record Claude() implements HookClient {
    private static final Set<String> EDITING = Set.of("Edit", "Write", "MultiEdit", "NotebookEdit");

    @Override
    public String name() {
      return "claude";
    }

    @Override
    public List<String> editedFiles(HookInput input) {
      if (input.toolName() == null || !EDITING.contains(input.toolName())) {
        return List.of();
      }
      String file = input.toolArgument("file_path");
      return resolved(
          input, List.of(file != null ? file : nvl(input.toolArgument("notebook_path"))));
    }
  }

  /**
   * Codex: Claude Code's hook format; its one editing tool is {@code apply_patch}, whose patch (in
   * {@code tool_input.command}) adds, updates, deletes and moves files: every file it names, both
   * ends of a move.
   */
  record Codex() implements HookClient {
    @Override
    public String name() {
      return "codex";
    }

    @Override
    public List<String> editedFiles(HookInput input) {
      if (!"apply_patch".equals(input.toolName())) {
        return List.of();
      }
      return resolved(input, patchedFiles(nvl(input.toolArgument("command"))));
    }

    /** The files a patch in Codex's format names ({@code *** Add File: path}, ...). */
    static List<String> patchedFiles(String patch) {
      List<String> files = new ArrayList<>();
      for (String line : patch.split("\n")) {
        String l = line.strip();
        for (String marker :
            List.of("*** Add File:", "*** Update File:", "*** Delete File:", "*** Move to:")) {
          if (l.startsWith(marker)) {
            files.add(l.substring(marker.length()).strip());
          }
        }
      }
      return files;
    }
  }

  /**
   * Gemini CLI: BeforeTool, AfterTool, BeforeAgent and AfterAgent are baton's PreToolUse,
   * PostToolUse, UserPromptSubmit and Stop; an AfterTool whose result has an error (a {@code
   * replace} whose old text was not found) is PostToolUseFailure, so the edit that did not happen
   * leaves no lease; {@code write_file} and {@code replace} edit the file in {@code file_path}; a
   * denial is {@code {"decision": "deny", "reason": ...}}.
   */
  record Gemini() implements HookClient {
    private static final Set<String> EDITING = Set.of("write_file", "replace", "edit");

    @Override
    public String name() {
      return "gemini";
    }

    @Override
    public String event(String clientEvent) {
      return switch (clientEvent) {
        case "BeforeTool" -> "PreToolUse";
        case "AfterTool" -> "PostToolUse";
        case "BeforeAgent" -> "UserPromptSubmit";
        case "AfterAgent" -> "Stop";
        default -> clientEvent;
      };
    }

    @Override
    public String event(String clientEvent, HookInput input) {
      return clientEvent.equals("AfterTool") && input.toolFailed()
          ? "PostToolUseFailure"
          : event(clientEvent);
    }

    @Override
    public List<String> editedFiles(HookInput input) {
      if (input.toolName() == null || !EDITING.contains(input.toolName())) {
        return List.of();
      }
      String file = input.toolArgument("file_path");
      return resolved(
          input, List.of(file != null ? file : nvl(input.toolArgument("absolute_path"))));
    }

    @Override
    public Map<String, Object> deny(String clientEvent, String reason) {
      return Map.of("decision", "deny", "reason", reason);
    }
  }

  private static String nvl(String s) {
    return s == null ? "" : s;
  }
}
