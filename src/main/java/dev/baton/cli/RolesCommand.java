package dev.baton.cli;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.baton.config.BatonConfig;
import dev.baton.config.RoleConfig;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.RoleTools;
import dev.baton.gateway.ToolNames;
import dev.baton.mcp.McpEndpoints;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

@Command(
    name = "roles",
    description = {
      "The roles, their MCP servers and tool rules.",
      "--tokens starts every configured server once (like the broker would), counts the tokens of the tool definitions each role's endpoint lists, and compares them with an agent that loads every server's tools."
    },
    mixinStandardHelpOptions = true)
final class RolesCommand implements Callable<Integer> {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = "--tokens",
      description = "Count the tokens of each role's tool definitions (o200k_base tokenizer).")
  boolean tokens;

  @Option(
      names = "--by-tool",
      description =
          "With --tokens: also the tokens of each of baton's own tools, and of each server's tools.")
  boolean byTool;

  @Override
  public Integer call() {
    BatonConfig config = client.config();
    PrintWriter out = spec.commandLine().getOut();
    if (!tokens) {
      for (RoleConfig r :
          config.roles().values().stream()
              .sorted((a, b) -> a.name().compareTo(b.name()))
              .toList()) {
        RoleTools rt = config.gateway().role(r.name());
        out.printf(
            Locale.ROOT,
            "%-10s %-40s %s%s%n",
            r.name(),
            rt.servers().isEmpty() ? "(baton's tools only)" : String.join(", ", rt.servers()),
            rt.metaOnly() ? "[meta] " : "",
            r.description());
      }
      out.flush();
      return ExitCodes.OK;
    }
    Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    Path scratch;
    try {
      scratch = Files.createTempDirectory("baton-roles");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<McpSchema.Tool> own =
        McpEndpoints.ownTools(
            config.memory().tools(), config.handoff().tools(), config.coordination().tools());
    List<McpSchema.Tool> meta = own;
    try (Gateway gateway =
        new Gateway(config.gateway(), McpEndpoints.mapper(), scratch, Clock.systemUTC())) {
      // Every server's own tools, as an agent would load them without baton.
      List<McpSchema.Tool> everything = new ArrayList<>();
      Map<String, Integer> perServer = new LinkedHashMap<>();
      for (String server : config.gateway().servers().keySet().stream().sorted().toList()) {
        List<Gateway.CatalogTool> tools = gateway.serverTools(server);
        perServer.put(server, tools.size());
        tools.forEach(t -> everything.add(ToolNames.renamed(t.tool(), t.original())));
      }
      int all = count(encoding, everything);
      out.printf(Locale.ROOT, "%-22s %6s %8s %10s%n", "endpoint", "tools", "tokens", "vs all");
      out.printf(
          Locale.ROOT, "%-22s %6d %8d %10s%n", "all servers, direct", everything.size(), all, "");
      for (String role : config.roles().keySet().stream().sorted().toList()) {
        List<McpSchema.Tool> listed = new ArrayList<>(own);
        if (!config.gateway().role(role).metaOnly()) {
          gateway.tools(role).forEach(t -> listed.add(t.tool()));
        }
        int n = count(encoding, listed);
        out.printf(
            Locale.ROOT,
            "%-22s %6d %8d %10s%n",
            "/mcp/" + role + (config.gateway().role(role).metaOnly() ? " (meta)" : ""),
            listed.size(),
            n,
            reduction(n, all));
      }
      int m = count(encoding, meta);
      out.printf(
          Locale.ROOT,
          "%-22s %6d %8d %10s%n",
          "any role, tools: meta",
          meta.size(),
          m,
          reduction(m, all));
      Map<String, String> problems = new LinkedHashMap<>();
      config.roles().keySet().forEach(r -> problems.putAll(gateway.problems(r)));
      if (byTool) {
        printByTool(out, encoding, own, gateway, config);
      }
      for (Map.Entry<String, String> p : problems.entrySet()) {
        out.println("note: " + p.getValue());
      }
      out.println(
          "Tokens of the tool definitions as JSON (name, description, schemas), o200k_base; servers: "
              + perServer);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * Each of baton's own tools alone, then each server's tools together: the lines add up to a
   * little more than a list's count, which has one pair of brackets in all.
   */
  private static void printByTool(
      PrintWriter out,
      Encoding encoding,
      List<McpSchema.Tool> own,
      Gateway gateway,
      BatonConfig config) {
    out.println();
    out.printf(Locale.ROOT, "%-22s %8s %12s%n", "baton's tool", "tokens", "description");
    for (McpSchema.Tool t : own) {
      out.printf(
          Locale.ROOT,
          "%-22s %8d %12d%n",
          t.name(),
          count(encoding, List.of(t)),
          t.description() == null ? 0 : encoding.countTokens(t.description()));
    }
    out.printf(Locale.ROOT, "%-22s %8d%n", "all " + own.size(), count(encoding, own));
    out.println();
    out.printf(Locale.ROOT, "%-22s %6s %8s%n", "server", "tools", "tokens");
    for (String server : config.gateway().servers().keySet().stream().sorted().toList()) {
      List<McpSchema.Tool> tools = new ArrayList<>();
      gateway
          .serverTools(server)
          .forEach(t -> tools.add(ToolNames.renamed(t.tool(), t.original())));
      out.printf(Locale.ROOT, "%-22s %6d %8d%n", server, tools.size(), count(encoding, tools));
    }
  }

  private static int count(Encoding encoding, List<McpSchema.Tool> tools) {
    return tools.isEmpty() ? 0 : encoding.countTokens(JSON.writeValueAsString(tools));
  }

  private static String reduction(int n, int all) {
    if (all == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%+.1f%%", 100.0 * (n - all) / all);
  }
}
