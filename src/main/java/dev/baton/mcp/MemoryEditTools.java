package dev.baton.mcp;

import static dev.baton.mcp.ToolArgs.flag;
import static dev.baton.mcp.ToolArgs.id;
import static dev.baton.mcp.ToolArgs.itemId;
import static dev.baton.mcp.ToolArgs.prop;
import static dev.baton.mcp.ToolArgs.props;
import static dev.baton.mcp.ToolArgs.schema;
import static dev.baton.mcp.ToolArgs.string;
import static dev.baton.mcp.ToolArgs.stringArray;
import static dev.baton.mcp.ToolArgs.strings;
import static dev.baton.mcp.ToolArgs.workspace;

import dev.baton.memory.ConPortFields;
import dev.baton.memory.ContextKind;
import dev.baton.memory.ExportSummary;
import dev.baton.memory.HistoryFilter;
import dev.baton.memory.ImportSummary;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.MemoryService;
import dev.baton.memory.NewMemoryItem;
import dev.baton.memory.ProgressUpdate;
import dev.baton.registry.Instance;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory tools that change or remove what is stored, under ConPort's names and argument names:
 * {@code update_progress}, {@code log_system_pattern}, {@code delete_decision_by_id}, {@code
 * delete_progress_by_id}, {@code delete_system_pattern_by_id}, {@code delete_custom_data}, {@code
 * batch_log_items}, {@code get_item_history} (of the contexts), {@code export_conport_to_markdown}
 * and {@code import_markdown_to_conport}. Only in the full tool set.
 */
final class MemoryEditTools {
  private final MemoryService memory;
  private final Callers callers;

  MemoryEditTools(MemoryService memory, Callers callers) {
    this.memory = memory;
    this.callers = callers;
  }

  List<SyncToolSpecification> all(String role, Map<String, Object> isPrivate) {
    List<SyncToolSpecification> out = new ArrayList<>();
    out.add(
        tool(
            "update_progress",
            "Change a progress entry's status, description or parent.",
            schema(
                props(
                    "progress_id", prop("integer", "the entry's id"),
                    "status", prop("string", "new status: TODO, IN_PROGRESS or DONE"),
                    "description", prop("string", "new description"),
                    "parent_id", prop("integer", "new parent task's id")),
                "progress_id"),
            role,
            (me, args) ->
                ConPortFields.of(
                    memory.updateProgress(
                        new ProgressUpdate(
                            workspace(me),
                            me.id(),
                            itemId(args, "progress_id"),
                            string(args, "status"),
                            string(args, "description"),
                            id(args, "parent_id"))))));
    out.add(
        tool(
            "log_system_pattern",
            "Record a system pattern by unique name (replaces it).",
            schema(
                props(
                    "name", prop("string", "unique name"),
                    "description", prop("string", "what it is and when to use it"),
                    "tags", stringArray("tags"),
                    "private", isPrivate),
                "name"),
            role,
            (me, args) -> ConPortFields.of(memory.log(item(MemoryKind.SYSTEM_PATTERN, args, me)))));
    for (MemoryKind kind :
        List.of(MemoryKind.DECISION, MemoryKind.PROGRESS, MemoryKind.SYSTEM_PATTERN)) {
      String idArg =
          switch (kind) {
            case DECISION -> "decision_id";
            case PROGRESS -> "progress_id";
            default -> "pattern_id";
          };
      String name = kind == MemoryKind.SYSTEM_PATTERN ? "system_pattern" : kind.wireName();
      out.add(
          tool(
              "delete_" + name + "_by_id",
              "Delete a " + name.replace('_', ' ') + " and its links.",
              schema(props(idArg, prop("integer", "its id")), idArg),
              role,
              (me, args) ->
                  deleted(memory.delete(workspace(me), me.id(), kind, itemId(args, idArg)))));
    }
    out.add(
        tool(
            "delete_custom_data",
            "Delete the custom data under category and key, and its links.",
            schema(
                props("category", prop("string", "its category"), "key", prop("string", "its key")),
                "category",
                "key"),
            role,
            (me, args) ->
                deleted(
                    memory.deleteCustomData(
                        workspace(me), me.id(), string(args, "category"), string(args, "key")))));
    out.add(
        tool(
            "get_item_history",
            "Earlier versions of the product or active context, newest first.",
            schema(
                props(
                    "item_type", prop("string", "product_context or active_context"),
                    "limit", prop("integer", "at most this many (default 10)"),
                    "before_timestamp", prop("string", "only versions before this ISO-8601 time"),
                    "after_timestamp", prop("string", "only versions after this ISO-8601 time"),
                    "version", prop("integer", "only this version"),
                    "own", prop("boolean", "your own active context's history")),
                "item_type"),
            role,
            (me, args) ->
                memory
                    .contextHistory(
                        workspace(me),
                        historyKind(string(args, "item_type")),
                        flag(args, "own") ? me.id() : null,
                        new HistoryFilter(
                            args.get("version") == null ? null : ToolArgs.whole(args, "version"),
                            time(args, "before_timestamp"),
                            time(args, "after_timestamp"),
                            args.get("limit") == null ? 10 : ToolArgs.whole(args, "limit")))
                    .stream()
                    .map(ConPortFields::of)
                    .toList()));
    out.add(
        tool(
            "batch_log_items",
            "Log several items of one type at once, all or none.",
            schema(
                props(
                    "item_type",
                        prop("string", "decision, progress_entry, system_pattern or custom_data"),
                    "items",
                        Map.of(
                            "type",
                            "array",
                            "items",
                            Map.of("type", "object"),
                            "description",
                            "each the arguments of that type's log tool")),
                "item_type",
                "items"),
            role,
            (me, args) -> memory.logAll(items(args, me)).stream().map(ConPortFields::of).toList()));
    out.addAll(markdown(role));
    return out;
  }

  /** ConPort's markdown export and import, of a folder inside the caller's workspace. */
  private List<SyncToolSpecification> markdown(String role) {
    return List.of(
        tool(
            "export_conport_to_markdown",
            "Write the shared memory (and your private items, marked) as markdown files.",
            schema(
                props(
                    "output_path",
                    prop("string", "folder inside the workspace (default conport_export)"))),
            role,
            (me, args) -> {
              ExportSummary s =
                  memory.exportMarkdown(workspace(me), me.id(), string(args, "output_path"));
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("status", "success");
              out.put(
                  "message",
                  s.items()
                      + " items exported to "
                      + s.directory()
                      + " ("
                      + s.files().size()
                      + " files)");
              out.put("directory", s.directory());
              out.put("files", s.files());
              out.put("items", s.items());
              out.put("private_items", s.privateItems());
              return out;
            }),
        tool(
            "import_markdown_to_conport",
            "Import a markdown export (all or nothing; again adds only what is new).",
            schema(
                props(
                    "input_path",
                    prop("string", "folder inside the workspace (default conport_export)"))),
            role,
            (me, args) -> {
              ImportSummary s =
                  memory.importMarkdown(workspace(me), me.id(), string(args, "input_path"));
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("status", "success");
              out.put(
                  "message",
                  s.added()
                      + " items added, "
                      + s.alreadyThere()
                      + " already there, "
                      + s.contextsUpdated()
                      + " contexts updated");
              out.put("added", s.added());
              out.put("already_there", s.alreadyThere());
              out.put("contexts_updated", s.contextsUpdated());
              out.put("skipped", s.skipped());
              return out;
            }));
  }

  /** The batch's items, each parsed as its kind's log tool parses its arguments. */
  private static List<NewMemoryItem> items(Map<String, Object> args, Instance me) {
    String type = string(args, "item_type");
    if (type == null) {
      throw new IllegalArgumentException("argument 'item_type' is required");
    }
    MemoryKind kind = MemoryKind.of("progress_entry".equals(type) ? "progress" : type);
    if (!(args.get("items") instanceof List<?> list)) {
      throw new IllegalArgumentException("argument 'items' must be an array of objects");
    }
    List<NewMemoryItem> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("items[" + i + "] must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = (Map<String, Object>) m;
      try {
        out.add(item(kind, fields, me));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "items[" + i + "]: " + e.getMessage() + "; nothing of the batch was stored", e);
      }
    }
    return out;
  }

  private static ContextKind historyKind(String itemType) {
    if ("product_context".equals(itemType)) {
      return ContextKind.PRODUCT;
    }
    if ("active_context".equals(itemType)) {
      return ContextKind.ACTIVE;
    }
    throw new IllegalArgumentException(
        "item_type '" + itemType + "': the history is kept for product_context and active_context");
  }

  private static java.time.Instant time(Map<String, Object> args, String key) {
    String text = string(args, key);
    if (text == null) {
      return null;
    }
    try {
      return java.time.Instant.parse(text.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "argument '"
              + key
              + "': '"
              + text
              + "' is not an ISO-8601 time such as 2026-11-21T09:30:00Z");
    }
  }

  private static Map<String, Object> deleted(dev.baton.memory.MemoryItem item) {
    return Map.of("status", "success", "deleted", ConPortFields.of(item));
  }

  /**
   * An item of {@code kind} from the arguments of that kind's log tool ({@code log_decision},
   * {@code log_progress}, {@code log_system_pattern}, {@code log_custom_data}).
   */
  static NewMemoryItem item(MemoryKind kind, Map<String, Object> args, Instance me) {
    String title =
        switch (kind) {
          case DECISION -> string(args, "summary");
          case PROGRESS, SYSTEM_PATTERN ->
              string(args, kind == MemoryKind.PROGRESS ? "description" : "name");
          case CUSTOM_DATA -> string(args, "key");
        };
    String body =
        switch (kind) {
          case DECISION -> string(args, "rationale");
          case SYSTEM_PATTERN -> string(args, "description");
          case CUSTOM_DATA -> args.containsKey("value") ? ToolArgs.json(args.get("value")) : null;
          case PROGRESS -> null;
        };
    return new NewMemoryItem(
        workspace(me),
        kind,
        title,
        kind == MemoryKind.CUSTOM_DATA ? string(args, "category") : null,
        body,
        kind == MemoryKind.DECISION ? string(args, "implementation_details") : null,
        kind == MemoryKind.PROGRESS ? string(args, "status") : null,
        kind == MemoryKind.PROGRESS ? id(args, "parent_id") : null,
        kind == MemoryKind.PROGRESS ? List.of() : strings(args, "tags"),
        me.id(),
        flag(args, "private"));
  }

  private SyncToolSpecification tool(
      String name,
      String description,
      Map<String, Object> schema,
      String role,
      ToolArgs.Handler handler) {
    return ToolArgs.tool(callers, name, description, schema, role, handler);
  }
}
