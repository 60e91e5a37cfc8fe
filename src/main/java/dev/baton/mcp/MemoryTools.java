package dev.baton.mcp;

import static dev.baton.mcp.ToolArgs.flag;
import static dev.baton.mcp.ToolArgs.id;
import static dev.baton.mcp.ToolArgs.itemId;
import static dev.baton.mcp.ToolArgs.object;
import static dev.baton.mcp.ToolArgs.prop;
import static dev.baton.mcp.ToolArgs.props;
import static dev.baton.mcp.ToolArgs.schema;
import static dev.baton.mcp.ToolArgs.string;
import static dev.baton.mcp.ToolArgs.stringArray;
import static dev.baton.mcp.ToolArgs.strings;
import static dev.baton.mcp.ToolArgs.whole;
import static dev.baton.mcp.ToolArgs.workspace;

import dev.baton.memory.ConPortFields;
import dev.baton.memory.ContextKind;
import dev.baton.memory.ContextUpdate;
import dev.baton.memory.MemoryConfig;
import dev.baton.memory.MemoryHit;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.MemoryQuery;
import dev.baton.memory.MemoryService;
import dev.baton.memory.NewMemoryItem;
import dev.baton.registry.Instance;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared memory as MCP tools, under ConPort's names and argument names (so that prompts written
 * for ConPort keep working), plus {@code search_memory}, one ranked search over every kind. Items
 * are written by, and visible to, the calling instance's workspace.
 */
final class MemoryTools {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int DEFAULT_LIMIT = 10;
  private static final Set<String> COMPACT =
      Set.of("log_decision", "log_progress", "search_memory");

  private final MemoryService memory;
  private final Callers callers;
  private final Clock clock;

  MemoryTools(MemoryService memory, Callers callers, Clock clock) {
    this.memory = memory;
    this.callers = callers;
    this.clock = clock;
  }

  /**
   * The memory tools of {@code set}: compact is {@code log_decision}, {@code log_progress} and
   * {@code search_memory}; full adds {@code get_decisions}, {@code get_progress}, {@code
   * log_custom_data}, {@code get_}/{@code update_} of the product and active contexts, ConPort's
   * other reads, links, and the changes of {@link MemoryEditTools}.
   */
  List<SyncToolSpecification> forRole(String role, MemoryConfig.ToolSet set) {
    if (set == MemoryConfig.ToolSet.OFF) {
      return List.of();
    }
    List<SyncToolSpecification> all = all(role);
    if (set == MemoryConfig.ToolSet.FULL) {
      return all;
    }
    return all.stream().filter(t -> COMPACT.contains(t.tool().name())).toList();
  }

  private List<SyncToolSpecification> all(String role) {
    Map<String, Object> isPrivate = prop("boolean", "only you will see it");
    Map<String, Object> limit = prop("integer", "at most this many (default 10)");
    List<SyncToolSpecification> out = new ArrayList<>(items(role, isPrivate, limit));
    for (ContextKind kind : ContextKind.values()) {
      out.addAll(contextTools(role, kind));
    }
    out.addAll(conPortReads(role, limit));
    out.addAll(new MemoryEditTools(memory, callers).all(role, isPrivate));
    out.add(
        tool(
            "link_conport_items",
            "Link two memory items, e.g. a decision that implements a progress entry.",
            schema(
                props(
                    "source_item_type", prop("string", "decision, progress, ..."),
                    "source_item_id", prop("integer", "its id"),
                    "target_item_type", prop("string", "decision, progress, ..."),
                    "target_item_id", prop("integer", "its id"),
                    "relationship_type", prop("string", "e.g. implements, blocks, related_to"),
                    "description", prop("string", "why")),
                "source_item_type",
                "source_item_id",
                "target_item_type",
                "target_item_id",
                "relationship_type"),
            role,
            (me, args) ->
                ConPortFields.of(
                    memory.link(
                        workspace(me),
                        me.id(),
                        MemoryKind.of(string(args, "source_item_type")),
                        itemId(args, "source_item_id"),
                        MemoryKind.of(string(args, "target_item_type")),
                        itemId(args, "target_item_id"),
                        string(args, "relationship_type"),
                        string(args, "description")))));
    out.add(
        tool(
            "get_linked_items",
            "Items linked to an item, either direction.",
            schema(
                props(
                    "item_type", prop("string", "decision, progress, ..."),
                    "item_id", prop("integer", "its id"),
                    "relationship_type_filter", prop("string", "only this relationship"),
                    "limit", limit),
                "item_type",
                "item_id"),
            role,
            (me, args) ->
                memory
                    .linkedItems(
                        workspace(me),
                        me.id(),
                        MemoryKind.of(string(args, "item_type")),
                        itemId(args, "item_id"),
                        string(args, "relationship_type_filter"),
                        limit(args))
                    .stream()
                    .map(ConPortFields::of)
                    .toList()));
    out.add(
        tool(
            "get_recent_activity_summary",
            "What changed in the memory recently, per item type.",
            schema(
                props(
                    "hours_ago", prop("number", "the last N hours (default 24)"),
                    "since_timestamp", prop("string", "or since this ISO-8601 time"),
                    "limit_per_type", prop("integer", "at most this many per type (default 5)"))),
            role,
            (me, args) ->
                ConPortFields.of(
                    memory.recentActivity(
                        workspace(me),
                        me.id(),
                        ConPortFields.since(
                            string(args, "since_timestamp"),
                            args.get("hours_ago") instanceof Number n ? n.doubleValue() : null,
                            clock.instant()),
                        args.containsKey("limit_per_type") ? whole(args, "limit_per_type") : 5))));
    return out;
  }

  private List<SyncToolSpecification> items(
      String role, Map<String, Object> isPrivate, Map<String, Object> limit) {
    return List.of(
        tool(
            "log_decision",
            "Record a decision for all agents: summary, rationale.",
            schema(
                props(
                    "summary", prop("string", "the decision"),
                    "rationale", prop("string", "why"),
                    "implementation_details", prop("string", "how"),
                    "tags", stringArray("tags"),
                    "private", isPrivate),
                "summary"),
            role,
            (me, args) ->
                ConPortFields.of(
                    memory.log(
                        new NewMemoryItem(
                            workspace(me),
                            MemoryKind.DECISION,
                            string(args, "summary"),
                            null,
                            string(args, "rationale"),
                            string(args, "implementation_details"),
                            null,
                            null,
                            strings(args, "tags"),
                            me.id(),
                            flag(args, "private"))))),
        tool(
            "get_decisions",
            "Recent decisions, newest first.",
            schema(
                props(
                    "limit",
                    limit,
                    "tags_filter_include_all",
                    stringArray("only decisions with all these tags"))),
            role,
            (me, args) ->
                ofKind(
                    me,
                    MemoryKind.DECISION,
                    null,
                    strings(args, "tags_filter_include_all"),
                    null,
                    limit(args))),
        tool(
            "log_progress",
            "Record a task's progress: status (TODO, IN_PROGRESS, DONE), description.",
            schema(
                props(
                    "status", prop("string", "TODO, IN_PROGRESS or DONE"),
                    "description", prop("string", "the task"),
                    "parent_id", prop("integer", "id of the parent task"),
                    "private", isPrivate),
                "status",
                "description"),
            role,
            (me, args) ->
                ConPortFields.of(
                    memory.log(
                        new NewMemoryItem(
                            workspace(me),
                            MemoryKind.PROGRESS,
                            string(args, "description"),
                            null,
                            null,
                            null,
                            string(args, "status"),
                            id(args, "parent_id"),
                            List.of(),
                            me.id(),
                            flag(args, "private"))))),
        tool(
            "get_progress",
            "Progress entries, newest first.",
            schema(props("status_filter", prop("string", "only this status"), "limit", limit)),
            role,
            (me, args) ->
                ofKind(
                    me,
                    MemoryKind.PROGRESS,
                    null,
                    List.of(),
                    string(args, "status_filter"),
                    limit(args))),
        tool(
            "log_custom_data",
            "Store a JSON value under category and key (replaces it).",
            schema(
                props(
                    "category", prop("string", "e.g. glossary"),
                    "key", prop("string", "unique in its category"),
                    "value", Map.of("description", "any JSON value"),
                    "private", isPrivate),
                "category",
                "key",
                "value"),
            role,
            (me, args) ->
                ConPortFields.of(
                    memory.log(
                        new NewMemoryItem(
                            workspace(me),
                            MemoryKind.CUSTOM_DATA,
                            string(args, "key"),
                            string(args, "category"),
                            args.containsKey("value")
                                ? JSON.writeValueAsString(args.get("value"))
                                : null,
                            null,
                            null,
                            null,
                            List.of(),
                            me.id(),
                            flag(args, "private"))))),
        tool(
            "search_memory",
            "Search the shared memory (decisions, progress, patterns, custom data), best first;"
                + " without query, newest first.",
            schema(
                props(
                    "query", prop("string", "words to find"),
                    "item_types",
                        stringArray(
                            "decision, progress, system_pattern, custom_data (default all)"),
                    "tags", stringArray("only items with all these tags"),
                    "instance", prop("string", "only items this instance wrote"),
                    "status", prop("string", "only progress with this status"),
                    "limit", limit)),
            role,
            (me, args) -> {
              String query = string(args, "query");
              Set<MemoryKind> kinds = EnumSet.noneOf(MemoryKind.class);
              strings(args, "item_types").forEach(t -> kinds.add(MemoryKind.of(t)));
              return hits(
                  memory.search(
                      new MemoryQuery(
                          workspace(me),
                          me.id(),
                          query,
                          kinds,
                          strings(args, "tags"),
                          string(args, "instance"),
                          string(args, "status"),
                          limit(args))));
            }));
  }

  /** ConPort's other reads, each a search of one kind under ConPort's name and arguments. */
  private List<SyncToolSpecification> conPortReads(String role, Map<String, Object> limit) {
    Map<String, Object> term = prop("string", "words to find");
    return List.of(
        tool(
            "search_decisions_fts",
            "Search decisions.",
            schema(props("query_term", term, "limit", limit), "query_term"),
            role,
            (me, args) -> ofKind(me, MemoryKind.DECISION, string(args, "query_term"), args)),
        tool(
            "search_custom_data_value_fts",
            "Search custom data.",
            schema(
                props(
                    "query_term", term,
                    "category_filter", prop("string", "only this category"),
                    "limit", limit),
                "query_term"),
            role,
            (me, args) ->
                inCategory(
                    ofKind(me, MemoryKind.CUSTOM_DATA, string(args, "query_term"), args),
                    string(args, "category_filter"),
                    null,
                    limit(args))),
        tool(
            "get_system_patterns",
            "System patterns, newest first.",
            schema(
                props(
                    "tags_filter_include_all",
                    stringArray("only patterns with all these tags"),
                    "limit",
                    limit)),
            role,
            (me, args) -> ofKind(me, MemoryKind.SYSTEM_PATTERN, null, args)),
        tool(
            "get_custom_data",
            "Custom data by category and key.",
            schema(
                props(
                    "category", prop("string", "only this category"),
                    "key", prop("string", "only this key"),
                    "limit", limit)),
            role,
            (me, args) ->
                inCategory(
                    ofKind(me, MemoryKind.CUSTOM_DATA, null, args),
                    string(args, "category"),
                    string(args, "key"),
                    limit(args))));
  }

  /** Items of one kind, best first (newest first without text), as ConPort shows them. */
  private List<Map<String, Object>> ofKind(
      Instance me, MemoryKind kind, String text, List<String> tags, String status, int limit) {
    return hits(
        memory.search(
            new MemoryQuery(
                workspace(me), me.id(), text, Set.of(kind), tags, null, status, limit)));
  }

  /** ConPort's reads of one kind; custom data is fetched in full when a category filters it. */
  private List<Map<String, Object>> ofKind(
      Instance me, MemoryKind kind, String text, Map<String, Object> args) {
    boolean filtered = args.containsKey("category") || args.containsKey("category_filter");
    return ofKind(
        me,
        kind,
        text,
        strings(args, "tags_filter_include_all"),
        null,
        filtered ? MemoryConfig.DEFAULTS.maxResults() : limit(args));
  }

  /** Custom items of the category (and key), when given, at most {@code limit}. */
  private static List<Map<String, Object>> inCategory(
      List<Map<String, Object>> items, String category, String key, int limit) {
    return items.stream()
        .filter(m -> category == null || category.equals(m.get("category")))
        .filter(m -> key == null || key.equals(m.get("key")))
        .limit(limit)
        .toList();
  }

  /**
   * {@code get_<kind>_context} and {@code update_<kind>_context}, ConPort's names and arguments.
   */
  private List<SyncToolSpecification> contextTools(String role, ContextKind kind) {
    String name = kind.wireName();
    Map<String, Object> own = prop("boolean", "your own active context instead of the shared one");
    Map<String, Object> getProps = new LinkedHashMap<>();
    Map<String, Object> updateProps = new LinkedHashMap<>();
    updateProps.put("content", Map.of("type", "object", "description", "the whole new context"));
    updateProps.put(
        "patch_content",
        Map.of("type", "object", "description", "keys to set; \"__DELETE__\" removes one"));
    if (kind == ContextKind.ACTIVE) {
      getProps.put("own", own);
      updateProps.put("own", own);
    }
    return List.of(
        tool(
            "get_" + name + "_context",
            kind == ContextKind.PRODUCT
                ? "The project's goals, architecture and constraints (JSON)."
                : "What is going on now (JSON).",
            schema(getProps),
            role,
            (me, args) -> ConPortFields.of(memory.context(workspace(me), kind, owner(me, args)))),
        tool(
            "update_" + name + "_context",
            "Replace (content) or patch (patch_content) the " + name + " context.",
            schema(updateProps),
            role,
            (me, args) ->
                ConPortFields.of(
                    memory.updateContext(
                        new ContextUpdate(
                            workspace(me),
                            kind,
                            owner(me, args),
                            object(args, "content"),
                            object(args, "patch_content"),
                            me.id())))));
  }

  private static String owner(Instance me, Map<String, Object> args) {
    return flag(args, "own") ? me.id() : null;
  }

  private SyncToolSpecification tool(
      String name,
      String description,
      Map<String, Object> schema,
      String role,
      ToolArgs.Handler handler) {
    return ToolArgs.tool(callers, name, description, schema, role, handler);
  }

  private static List<Map<String, Object>> hits(List<MemoryHit> hits) {
    return hits.stream().map(h -> ConPortFields.of(h.item())).toList();
  }

  private static int limit(Map<String, Object> args) {
    return args.get("limit") == null ? DEFAULT_LIMIT : whole(args, "limit");
  }
}
