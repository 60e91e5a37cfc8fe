package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(
    name = "memory",
    description = {
      "The shared memory of the agents in a repository: decisions, progress, patterns, custom data.",
      "Written as --instance (default $BATON_INSTANCE), else as you, in the repository of --workspace."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      MemoryCommand.Search.class,
      MemoryCommand.LogDecision.class,
      MemoryCommand.LogProgress.class,
      MemoryCommand.Context.class,
      MemoryCommand.Recent.class,
      MemoryCommand.Delete.class,
      MemoryCommand.ImportConPort.class,
      MemoryCommand.Export.class,
      MemoryCommand.ImportMarkdown.class
    })
final class MemoryCommand implements Runnable {
  /**
   * How long an import or export may take: 40,000 items take longer than a request's usual 10 s on
   * a busy machine, and the broker answers only when all of it is stored.
   */
  static final java.time.Duration BULK = java.time.Duration.ofMinutes(10);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "a subcommand is required: search, recent, log-decision, log-progress, context,"
            + " delete, import-conport, export or import-markdown");
  }

  /** Who acts: an instance (sees its private items) or a person in a repository. */
  static final class Who {
    @Option(
        names = "--instance",
        paramLabel = "ID",
        defaultValue = "${env:BATON_INSTANCE}",
        description = "Act as this instance (default: $BATON_INSTANCE).")
    String instance;

    @Option(
        names = "--workspace",
        paramLabel = "DIR",
        description = "Any directory of the repository (default: the current directory).")
    Path workspace;

    void into(Map<String, Object> fields) {
      if (instance != null && !instance.isBlank()) {
        fields.put("instance", instance.strip());
      } else {
        fields.put(
            "workspace",
            (workspace == null ? Path.of("") : workspace).toAbsolutePath().normalize().toString());
      }
    }
  }

  @Command(
      name = "search",
      description = "Find items by words (all of them), best first; without words, the newest.")
  static final class Search implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Parameters(paramLabel = "WORD", arity = "0..*", description = "Words to find.")
    List<String> words = new ArrayList<>();

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "Only decision, progress, system_pattern or custom_data (comma-separated).")
    String type;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only items with this tag.")
    String tag;

    @Option(names = "--status", paramLabel = "S", description = "Only progress with this status.")
    String status;

    @Option(names = "--limit", paramLabel = "N", description = "At most N (default 20).")
    Integer limit;

    @Option(names = "--json", description = "Print the broker's JSON answer.")
    boolean json;

    @Override
    public Integer call() {
      Map<String, Object> query = new LinkedHashMap<>();
      who.into(query);
      String text = String.join(" ", words).strip();
      put(query, "q", text.isEmpty() ? null : text);
      put(query, "type", type);
      put(query, "tag", tag);
      put(query, "status", status);
      put(query, "limit", limit);
      String path =
          (text.isEmpty() ? "/v1/memory/" + listPath(type) : "/v1/memory/search")
              + queryString(query);
      PrintWriter out = spec.commandLine().getOut();
      try (BrokerClient broker = client.client()) {
        JsonNode answer = broker.call("GET", path, null, JsonNode.class);
        if (json) {
          out.println(answer.toPrettyString());
        } else if (answer.path("items").isEmpty()) {
          out.println("nothing found");
        } else {
          answer.path("items").forEach(item -> out.println(line(item)));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }

    private String listPath(String type) {
      if (type == null) {
        throw new ParameterException(
            spec.commandLine(), "give words to search for, or --type to list the newest items");
      }
      return switch (type) {
        case "decision" -> "decisions";
        case "progress" -> "progress";
        case "system_pattern" -> "patterns";
        case "custom_data" -> "custom";
        default ->
            throw new ParameterException(
                spec.commandLine(),
                "--type "
                    + type
                    + ": without words, list one type: decision, progress, system_pattern or"
                    + " custom_data");
      };
    }
  }

  @Command(name = "log-decision", description = "Record a decision for every agent to find.")
  static final class LogDecision implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Parameters(paramLabel = "SUMMARY", description = "The decision, in a sentence.")
    String summary;

    @Option(names = "--rationale", paramLabel = "TEXT", description = "Why.")
    String rationale;

    @Option(names = "--details", paramLabel = "TEXT", description = "How it is implemented.")
    String details;

    @Option(names = "--tag", paramLabel = "TAG", description = "A tag (repeatable).")
    List<String> tags = new ArrayList<>();

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      who.into(body);
      body.put("summary", summary);
      put(body, "rationale", rationale);
      put(body, "implementation_details", details);
      body.put("tags", tags);
      return logged(spec, client, "/v1/memory/decisions", body);
    }
  }

  @Command(name = "log-progress", description = "Record a task's status.")
  static final class LogProgress implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Parameters(index = "0", paramLabel = "STATUS", description = "TODO, IN_PROGRESS or DONE.")
    String status;

    @Parameters(index = "1", paramLabel = "DESCRIPTION", description = "The task.")
    String description;

    @Option(names = "--parent", paramLabel = "ID", description = "The parent task's id.")
    Long parent;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      who.into(body);
      body.put("status", status);
      body.put("description", description);
      put(body, "parent_id", parent);
      return logged(spec, client, "/v1/memory/progress", body);
    }
  }

  @Command(
      name = "context",
      description = {
        "Show the product or active context, or change it with --set (the whole JSON object) or",
        "--patch (keys to set; \"__DELETE__\" removes one)."
      })
  static final class Context implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Parameters(paramLabel = "KIND", description = "product or active.")
    String kind;

    @Option(names = "--set", paramLabel = "JSON", description = "Replace it with this object.")
    String set;

    @Option(names = "--patch", paramLabel = "JSON", description = "Change these keys.")
    String patch;

    @Option(names = "--own", description = "The instance's own active context.")
    boolean own;

    @Override
    public Integer call() {
      if (set != null && patch != null) {
        throw new ParameterException(spec.commandLine(), "give --set or --patch, not both");
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      who.into(fields);
      String path = "/v1/memory/context/" + kind;
      JsonNode answer;
      try (BrokerClient broker = client.client()) {
        if (set == null && patch == null) {
          if (own) {
            fields.put("own", true);
          }
          answer = broker.call("GET", path + queryString(fields), null, JsonNode.class);
        } else {
          fields.put(set != null ? "content" : "patch_content", object(set != null ? set : patch));
          if (own) {
            fields.put("own", true);
          }
          answer = broker.call("PUT", path, fields, JsonNode.class);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          kind
              + " context, version "
              + answer.path("version").asInt()
              + (answer.has("by") ? " by " + answer.path("by").asString() : "")
              + (answer.has("timestamp") ? " at " + answer.path("timestamp").asString() : ""));
      out.println(answer.path("content").toPrettyString());
      out.flush();
      return ExitCodes.OK;
    }

    private Object object(String json) {
      try {
        JsonNode node = tools.jackson.databind.json.JsonMapper.shared().readTree(json);
        if (!node.isObject()) {
          throw new ParameterException(spec.commandLine(), "'" + json + "' is not a JSON object");
        }
        return node;
      } catch (tools.jackson.core.JacksonException e) {
        throw new ParameterException(
            spec.commandLine(), "'" + json + "' is not valid JSON: " + e.getOriginalMessage());
      }
    }
  }

  @Command(name = "recent", description = "What changed in the memory lately, per item type.")
  static final class Recent implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Option(names = "--hours", paramLabel = "N", description = "The last N hours (default 24).")
    Double hours;

    @Option(names = "--limit", paramLabel = "N", description = "At most N per type (default 5).")
    Integer limit;

    @Override
    public Integer call() {
      Map<String, Object> query = new LinkedHashMap<>();
      who.into(query);
      put(query, "hours", hours);
      put(query, "limit", limit);
      PrintWriter out = spec.commandLine().getOut();
      try (BrokerClient broker = client.client()) {
        JsonNode a =
            broker.call("GET", "/v1/memory/recent" + queryString(query), null, JsonNode.class);
        out.println("since " + a.path("since").asString() + ":");
        boolean any = false;
        for (String type : List.of("decision", "progress", "system_pattern", "custom_data")) {
          for (JsonNode item : a.path(type)) {
            out.println("  " + line(item));
            any = true;
          }
        }
        for (JsonNode c : a.path("contexts")) {
          out.println(
              "  "
                  + c.path("context").asString()
                  + " context: version "
                  + c.path("version").asInt()
                  + (c.has("by") ? " by " + c.path("by").asString() : ""));
          any = true;
        }
        if (!any) {
          out.println("  nothing");
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      description = "Delete an item (any type) and its links; its subtasks lose their parent.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Parameters(paramLabel = "ID", description = "The item's id (#12 in search results).")
    long id;

    @Override
    public Integer call() {
      Map<String, Object> query = new LinkedHashMap<>();
      who.into(query);
      try (BrokerClient broker = client.client()) {
        JsonNode item =
            broker.call(
                "DELETE", "/v1/memory/items/" + id + queryString(query), null, JsonNode.class);
        PrintWriter out = spec.commandLine().getOut();
        out.println("deleted " + line(item));
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "import-conport",
      description = {
        "Import a ConPort database (its context.db) into the repository's memory, all or nothing.",
        "Running it again adds only what is new."
      })
  static final class ImportConPort implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Parameters(paramLabel = "FILE", description = "ConPort's context.db.")
    Path file;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      who.into(body);
      body.put("path", file.toAbsolutePath().normalize().toString());
      PrintWriter out = spec.commandLine().getOut();
      try (BrokerClient broker = client.client(BULK)) {
        printImport(out, broker.call("POST", "/v1/memory/import-conport", body, JsonNode.class));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "export",
      description = {
        "Write the repository's shared memory as markdown files in ConPort's layout (with your"
            + " instance's private items, marked, when --instance is given).",
        "DIR must be inside the repository; default: conport_export at its root."
      })
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Parameters(paramLabel = "DIR", arity = "0..1", description = "The folder to write.")
    Path dir;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      who.into(body);
      if (dir != null) {
        body.put("path", dir.toAbsolutePath().normalize().toString());
      }
      PrintWriter out = spec.commandLine().getOut();
      try (BrokerClient broker = client.client(BULK)) {
        JsonNode s = broker.call("POST", "/v1/memory/export", body, JsonNode.class);
        out.println(
            "exported "
                + s.path("items").asInt()
                + " items ("
                + s.path("privateItems").asInt()
                + " private) to "
                + s.path("directory").asString());
        for (JsonNode f : s.path("files")) {
          out.println("  " + f.asString());
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "import-markdown",
      description = {
        "Import a folder that export (or ConPort's export_conport_to_markdown) wrote, all or"
            + " nothing. Running it again adds only what is new.",
        "DIR must be inside the repository."
      })
  static final class ImportMarkdown implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;
    @Mixin Who who;

    @Parameters(paramLabel = "DIR", description = "The folder to read.")
    Path dir;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      who.into(body);
      body.put("path", dir.toAbsolutePath().normalize().toString());
      PrintWriter out = spec.commandLine().getOut();
      try (BrokerClient broker = client.client(BULK)) {
        printImport(out, broker.call("POST", "/v1/memory/import-markdown", body, JsonNode.class));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  private static void printImport(PrintWriter out, JsonNode s) {
    out.println(
        "imported into "
            + s.path("workspace").asString()
            + ": "
            + s.path("added").asInt()
            + " items added, "
            + s.path("alreadyThere").asInt()
            + " already there, "
            + s.path("linksAdded").asInt()
            + " links, "
            + s.path("contextsUpdated").asInt()
            + " contexts updated");
    for (JsonNode skipped : s.path("skipped")) {
      out.println("  skipped " + skipped.asString());
    }
  }

  private static int logged(
      CommandSpec spec, ClientOptions client, String path, Map<String, Object> body) {
    try (BrokerClient broker = client.client()) {
      JsonNode item = broker.call("POST", path, body, JsonNode.class);
      PrintWriter out = spec.commandLine().getOut();
      out.println("logged " + line(item));
      out.flush();
    }
    return ExitCodes.OK;
  }

  /** {@code #12 decision: Use SQLite by default (no server to install) by claude-1a2b3c4d}. */
  static String line(JsonNode item) {
    String type = item.path("type").asString();
    StringBuilder s = new StringBuilder("#").append(item.path("id").asLong()).append(' ');
    switch (type) {
      case "decision" -> {
        s.append("decision: ").append(item.path("summary").asString());
        if (item.has("rationale")) {
          s.append(" (").append(item.path("rationale").asString()).append(')');
        }
      }
      case "progress" ->
          s.append(item.path("status").asString())
              .append(": ")
              .append(item.path("description").asString());
      case "system_pattern" -> s.append("pattern: ").append(item.path("name").asString());
      default ->
          s.append(item.path("category").asString())
              .append('/')
              .append(item.path("key").asString())
              .append(" = ")
              .append(item.path("value").toString());
    }
    if (item.has("tags")) {
      List<String> tags = new ArrayList<>();
      item.path("tags").forEach(t -> tags.add(t.asString()));
      s.append(" [").append(String.join(", ", tags)).append(']');
    }
    s.append(item.has("by") ? " by " + item.path("by").asString() : " by a person");
    if (item.path("private").asBoolean(false)) {
      s.append(" (private)");
    }
    return s.toString();
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  static String queryString(Map<String, Object> query) {
    List<String> parts = new ArrayList<>();
    query.forEach(
        (k, v) ->
            parts.add(k + "=" + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
    return parts.isEmpty() ? "" : "?" + String.join("&", parts);
  }
}
