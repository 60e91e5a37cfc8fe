package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Claude Code's user file ({@code ~/.claude.json}, or {@code $CLAUDE_CONFIG_DIR/.claude.json}),
 * where {@code claude mcp add --scope local} keeps a project's private MCP servers under {@code
 * projects["<dir>"].mcpServers}. A server there is the user's own: Claude Code neither asks to
 * approve it nor needs the folder trusted, so headless runs ({@code claude -p}) in a fresh checkout
 * get it too, and no machine path lands in a file the project shares. Everything else in the file
 * is kept.
 */
public final class ClaudeUserConfig {
  private ClaudeUserConfig() {}

  /** Where Claude Code keeps the file, for this environment and home directory. */
  public static Path file(Map<String, String> env, Path home) {
    String dir = env.get("CLAUDE_CONFIG_DIR");
    return (dir == null || dir.isBlank() ? home : Path.of(dir)).resolve(".claude.json");
  }

  /**
   * Adds (or replaces) a stdio server in the project's local scope.
   *
   * @param project the directory Claude Code is started in, as an absolute path
   * @return true when the file was created
   * @throws BatonException when the file, or the project's entry in it, is not what Claude Code
   *     writes (it is then left alone)
   */
  public static boolean addLocalServer(
      Path file, Path project, String name, String command, List<String> args) {
    boolean created = !Files.exists(file);
    ObjectNode root = JsonFiles.readObject(file);
    ObjectNode servers =
        object(
            object(object(root, "projects", file), project.toString(), file), "mcpServers", file);
    ObjectNode server = servers.putObject(name);
    server.put("type", "stdio");
    server.put("command", command);
    ArrayNode list = server.putArray("args");
    args.forEach(list::add);
    server.putObject("env");
    JsonFiles.write(file, root, "rw-------");
    return created;
  }

  /** The project's local-scope server of that name, or null. */
  public static JsonNode localServer(Path file, Path project, String name) {
    JsonNode server =
        JsonFiles.readObject(file)
            .path("projects")
            .path(project.toString())
            .path("mcpServers")
            .path(name);
    return server.isMissingNode() ? null : server;
  }

  private static ObjectNode object(ObjectNode parent, String key, Path file) {
    JsonNode existing = parent.get(key);
    if (existing == null) {
      return parent.putObject(key);
    }
    if (!existing.isObject()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          file + ": \"" + key + "\" is not an object; fix it by hand, then run setup again");
    }
    return (ObjectNode) existing;
  }
}
