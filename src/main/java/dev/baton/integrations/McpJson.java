package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges baton's entry into a project's {@code .mcp.json} (Claude Code's project MCP servers):
 * {@code "baton"}, type {@code http}, at {@code /mcp/<role>}. Other servers and keys are kept; an
 * earlier {@code baton} entry is replaced. The file holds no secret: Claude Code gets the bearer
 * token from a {@code headersHelper} command that prints it (it does not expand the settings'
 * {@code env} in {@code .mcp.json}, so {@code ${BATON_TOKEN}} there would need the variable
 * exported in every shell), and expands the instance from {@code ${BATON_INSTANCE}} when it starts.
 */
public final class McpJson {
  /** The server's name in {@code .mcp.json}; Claude Code calls the tools {@code mcp__baton__*}. */
  public static final String NAME = "baton";

  private McpJson() {}

  /**
   * Adds or replaces baton's server entry.
   *
   * @param file the project's {@code .mcp.json}, created when missing
   * @param url e.g. {@code http://127.0.0.1:8090/mcp/developer}
   * @param workspace the directory used when Claude Code's environment has no {@code PWD}
   * @param headersHelper the command that prints the {@code Authorization} header as JSON
   * @return true when the file was created
   * @throws BatonException when the file exists but is not a JSON object (it is then left alone)
   */
  public static boolean merge(Path file, String url, Path workspace, String headersHelper) {
    boolean created = !Files.exists(file);
    ObjectNode root = read(file);
    JsonNode servers = root.path("mcpServers");
    if (!servers.isMissingNode() && !servers.isObject()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          file + ": \"mcpServers\" is not an object; fix it by hand, then run setup again");
    }
    ObjectNode entry = root.withObjectProperty("mcpServers").putObject(NAME);
    entry.put("type", "http");
    entry.put("url", url);
    ObjectNode headers = entry.putObject("headers");
    headers.put("X-Baton-Instance", "${BATON_INSTANCE:-}");
    headers.put("X-Baton-Workspace", "${PWD:-" + workspace + "}");
    entry.put("headersHelper", headersHelper);
    write(file, root);
    return created;
  }

  /**
   * Removes baton's entry (an earlier setup's), keeping the rest; a file left with no server and
   * nothing else is deleted.
   *
   * @return true when there was one
   */
  public static boolean remove(Path file) {
    if (!Files.exists(file)) {
      return false;
    }
    ObjectNode root = read(file);
    JsonNode servers = root.path("mcpServers");
    if (!servers.isObject() || !servers.has(NAME)) {
      return false;
    }
    ((ObjectNode) servers).remove(NAME);
    try {
      if (servers.isEmpty() && root.size() == 1) {
        Files.delete(file);
        return true;
      }
    } catch (java.io.IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot delete " + file + ": " + e.getMessage(), e);
    }
    write(file, root);
    return true;
  }

  private static ObjectNode read(Path file) {
    return JsonFiles.readObject(file);
  }

  /** Meant to be shared with the project (no secret in it), like any other source file. */
  private static void write(Path file, ObjectNode root) {
    JsonFiles.write(file, root, "rw-r--r--");
  }
}
