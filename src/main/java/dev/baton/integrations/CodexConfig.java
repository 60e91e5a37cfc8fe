package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Codex's {@code config.toml} files: the project's ({@code .codex/config.toml}), where baton's MCP
 * server goes, and the user's ({@code $CODEX_HOME/config.toml}), where a project is trusted, which
 * Codex requires before it reads anything in the project's {@code .codex/}. Both are edited as text
 * ({@link TomlText}): every other entry and comment is kept, baton's earlier tables are replaced,
 * and a file that is not valid TOML is refused and left untouched.
 */
public final class CodexConfig {
  /** Variables that reach {@code baton mcp} although Codex starts MCP servers without them. */
  static final List<String> PASSED_ON =
      List.of("BATON_INSTANCE", "BATON_ROLE", "BATON_JAR", "BATON_JAVA_OPTS");

  private static final int STARTUP_TIMEOUT_SECONDS = 30;

  private CodexConfig() {}

  /** How a project is trusted after {@link #trustProject}. */
  public enum Trust {
    /** baton marked it trusted. */
    ADDED,
    /** It was trusted before. */
    ALREADY,
    /** The person marked it untrusted; baton left it so. */
    KEPT_UNTRUSTED
  }

  /**
   * Checks that the file is valid TOML (or missing), before anything else is written.
   *
   * @throws BatonException naming the file and the problem when it is not
   */
  public static void check(Path file) {
    TomlText.read(file);
  }

  /** The user's file: {@code $CODEX_HOME/config.toml}, else {@code ~/.codex/config.toml}. */
  public static Path userFile(Map<String, String> env, Path home) {
    String dir = env.get("CODEX_HOME");
    return (dir == null || dir.isBlank() ? home.resolve(".codex") : Path.of(dir))
        .resolve("config.toml");
  }

  /**
   * Adds (or replaces) the stdio MCP server {@code name}: {@code command} with {@code args},
   * required (Codex does not start without it), with baton's variables passed on, and each of
   * {@code approvedTools} allowed without asking.
   *
   * @return true when an earlier entry of that name was replaced
   * @throws BatonException when the file is not valid TOML, or defines the server in a form that
   *     cannot be replaced as a table (it is then left alone)
   */
  public static boolean addMcpServer(
      Path file, String name, String command, List<String> args, List<String> approvedTools) {
    TomlText toml = TomlText.read(file);
    List<String> key = List.of("mcp_servers", name);
    boolean replaced = toml.removeTables(key);
    JsonNode left = toml.tree().path("mcp_servers").path(name);
    if (!left.isMissingNode()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          file
              + " defines mcp_servers."
              + name
              + " other than as a [mcp_servers."
              + name
              + "] table (inline or with dotted keys), which setup cannot replace; remove it by"
              + " hand, then run setup again");
    }
    String table = "mcp_servers." + TomlText.key(name);
    List<String> block = new ArrayList<>();
    block.add("[" + table + "]");
    block.add(
        "# Written by 'baton setup codex'; running it again replaces the " + table + " tables.");
    block.add("command = " + TomlText.string(command));
    block.add("args = " + TomlText.array(args));
    block.add("env_vars = " + TomlText.array(PASSED_ON));
    block.add("required = true");
    block.add("startup_timeout_sec = " + STARTUP_TIMEOUT_SECONDS);
    for (String tool : approvedTools) {
      block.add("");
      block.add("[" + table + ".tools." + TomlText.key(tool) + "]");
      block.add("approval_mode = \"approve\"");
    }
    toml.append(block);
    toml.write("rw-r--r--");
    return replaced;
  }

  /**
   * Marks the project trusted ({@code [projects."<dir>"] trust_level = "trusted"}), unless the
   * person marked it untrusted.
   *
   * @throws BatonException when the file is not valid TOML (it is then left alone)
   */
  public static Trust trustProject(Path file, Path project) {
    TomlText toml = TomlText.read(file);
    String dir = project.toString();
    String level = toml.tree().path("projects").path(dir).path("trust_level").asString("");
    if (level.equals("trusted")) {
      return Trust.ALREADY;
    }
    if (level.equals("untrusted")) {
      return Trust.KEPT_UNTRUSTED;
    }
    if (!level.isEmpty()) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          file
              + ": the trust_level of project "
              + dir
              + " is '"
              + level
              + "', neither trusted nor untrusted; fix it by hand, then run setup again");
    }
    int header = toml.table(List.of("projects", dir));
    if (header >= 0) {
      toml.insertAfter(header, "trust_level = \"trusted\"");
    } else {
      toml.append(List.of("[projects." + TomlText.string(dir) + "]", "trust_level = \"trusted\""));
    }
    toml.write("rw-------");
    return Trust.ADDED;
  }
}
