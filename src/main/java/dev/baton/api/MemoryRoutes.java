package dev.baton.api;

import dev.baton.core.InvalidInputException;
import dev.baton.memory.ConPortFields;
import dev.baton.memory.ContextKind;
import dev.baton.memory.ContextUpdate;
import dev.baton.memory.ExportSummary;
import dev.baton.memory.HistoryFilter;
import dev.baton.memory.ImportSummary;
import dev.baton.memory.MemoryHit;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.MemoryQuery;
import dev.baton.memory.MemoryService;
import dev.baton.memory.NewMemoryItem;
import dev.baton.memory.ProgressUpdate;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceService;
import dev.baton.registry.WorkspaceResolver;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/memory}: log decisions, progress, system patterns and custom data, and search them.
 * Items belong to the writing instance's workspace; a person writes without an instance by naming a
 * {@code workspace} directory (any directory of the repository). Reads name an {@code instance}
 * (which sees its private items too) or a {@code workspace} (shared items only).
 */
public final class MemoryRoutes {
  private static final String EXAMPLE =
      "{\"instance\": \"claude-1a2b3c4d\", \"summary\": \"Use SQLite by default\","
          + " \"rationale\": \"no server to install\"}";
  private static final String MARKDOWN_EXAMPLE =
      "{\"instance\": \"claude-1a2b3c4d\", \"path\": \"conport_export\"}";
  private static final int DEFAULT_LIMIT = 20;

  private final MemoryService memory;
  private final InstanceService instances;
  private final WorkspaceResolver workspaces;
  private final java.time.Clock clock;

  public MemoryRoutes(
      MemoryService memory,
      InstanceService instances,
      WorkspaceResolver workspaces,
      java.time.Clock clock) {
    this.memory = memory;
    this.instances = instances;
    this.workspaces = workspaces;
    this.clock = clock;
  }

  public Router addTo(Router router) {
    return router
        .add("POST", "/v1/memory/decisions", ex -> log(ex, MemoryKind.DECISION))
        .add("POST", "/v1/memory/progress", ex -> log(ex, MemoryKind.PROGRESS))
        .add("POST", "/v1/memory/patterns", ex -> log(ex, MemoryKind.SYSTEM_PATTERN))
        .add("POST", "/v1/memory/custom", ex -> log(ex, MemoryKind.CUSTOM_DATA))
        .add("GET", "/v1/memory/decisions", ex -> list(ex, MemoryKind.DECISION))
        .add("GET", "/v1/memory/progress", ex -> list(ex, MemoryKind.PROGRESS))
        .add("GET", "/v1/memory/patterns", ex -> list(ex, MemoryKind.SYSTEM_PATTERN))
        .add("GET", "/v1/memory/custom", ex -> list(ex, MemoryKind.CUSTOM_DATA))
        .add("POST", "/v1/memory/batch", this::batch)
        .add("PATCH", "/v1/memory/progress/{id}", this::updateProgress)
        .add("DELETE", "/v1/memory/items/{id}", this::delete)
        .add("DELETE", "/v1/memory/custom", this::deleteCustomData)
        .add("GET", "/v1/memory/search", this::search)
        .add("GET", "/v1/memory/recent", this::recent)
        .add("POST", "/v1/memory/links", this::link)
        .add("POST", "/v1/memory/import-conport", this::importConPort)
        .add("POST", "/v1/memory/export", this::exportMarkdown)
        .add("POST", "/v1/memory/import-markdown", this::importMarkdown)
        .add("GET", "/v1/memory/items/{id}/links", this::links)
        .add("GET", "/v1/memory/context/{kind}", this::context)
        .add("PUT", "/v1/memory/context/{kind}", this::updateContext)
        .add("GET", "/v1/memory/context/{kind}/history", this::contextHistory);
  }

  private Reply importConPort(Exchange ex) {
    ImportBody b =
        ex.body(
            ImportBody.class,
            "{\"path\": \"/home/you/project/context_portal/context.db\", \"workspace\":"
                + " \"/home/you/project\"}");
    if (b.path() == null || b.path().isBlank()) {
      throw new InvalidInputException(
          "field 'path' is required: ConPort's context.db on this machine",
          Map.of("field", "path"));
    }
    java.nio.file.Path file = java.nio.file.Path.of(b.path());
    if (!file.isAbsolute()) {
      throw new InvalidInputException(
          "path '" + b.path() + "' must be absolute: the broker reads it", Map.of("field", "path"));
    }
    Writer w = writer(b.instance(), b.workspace());
    return Reply.ok(summary(w, memory.importConPort(file, w.workspace())));
  }

  /** {@code POST /v1/memory/export}: ConPort's export_conport_to_markdown. */
  private Reply exportMarkdown(Exchange ex) {
    MarkdownBody b = ex.body(MarkdownBody.class, MARKDOWN_EXAMPLE);
    Writer w = writer(b.instance(), b.workspace());
    ExportSummary s = memory.exportMarkdown(w.workspace(), w.instance(), b.path());
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("workspace", w.workspace());
    out.put("directory", s.directory());
    out.put("files", s.files());
    out.put("items", s.items());
    out.put("privateItems", s.privateItems());
    return Reply.ok(out);
  }

  /** {@code POST /v1/memory/import-markdown}: ConPort's import_markdown_to_conport. */
  private Reply importMarkdown(Exchange ex) {
    MarkdownBody b = ex.body(MarkdownBody.class, MARKDOWN_EXAMPLE);
    Writer w = writer(b.instance(), b.workspace());
    return Reply.ok(summary(w, memory.importMarkdown(w.workspace(), w.instance(), b.path())));
  }

  private static Map<String, Object> summary(Writer w, ImportSummary s) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("workspace", w.workspace());
    out.put("added", s.added());
    out.put("alreadyThere", s.alreadyThere());
    out.put("linksAdded", s.linksAdded());
    out.put("contextsUpdated", s.contextsUpdated());
    out.put("skipped", s.skipped());
    return out;
  }

  private Reply link(Exchange ex) {
    LinkBody b =
        ex.body(
            LinkBody.class,
            "{\"instance\": \"claude-1a2b3c4d\", \"source_item_type\": \"decision\","
                + " \"source_item_id\": 3, \"target_item_type\": \"progress\","
                + " \"target_item_id\": 7, \"relationship_type\": \"implements\"}");
    Writer w = writer(b.instance(), b.workspace());
    if (b.sourceItemId() == null || b.targetItemId() == null) {
      throw new InvalidInputException(
          "fields 'source_item_id' and 'target_item_id' are required",
          Map.of("field", b.sourceItemId() == null ? "source_item_id" : "target_item_id"));
    }
    return Reply.created(
        ConPortFields.of(
            memory.link(
                w.workspace(),
                w.instance(),
                kind(b.sourceItemType(), "source_item_type"),
                b.sourceItemId(),
                kind(b.targetItemType(), "target_item_type"),
                b.targetItemId(),
                b.relationshipType(),
                b.description())));
  }

  private Reply updateProgress(Exchange ex) {
    long id = pathId(ex);
    MemoryItemBody b =
        ex.body(MemoryItemBody.class, "{\"instance\": \"claude-1a2b3c4d\", \"status\": \"DONE\"}");
    Writer w = writer(b.instance(), b.workspace());
    return Reply.ok(
        ConPortFields.of(
            memory.updateProgress(
                new ProgressUpdate(
                    w.workspace(), w.instance(), id, b.status(), b.description(), b.parentId()))));
  }

  /** {@code DELETE /v1/memory/items/{id}?instance=ID} (or {@code workspace=DIR}, for a person). */
  private Reply delete(Exchange ex) {
    Reader r = reader(ex);
    String type = ex.query("type");
    return Reply.ok(
        ConPortFields.of(
            memory.delete(
                r.workspace(), r.viewer(), type == null ? null : MemoryKind.of(type), pathId(ex))));
  }

  private Reply deleteCustomData(Exchange ex) {
    Reader r = reader(ex);
    return Reply.ok(
        ConPortFields.of(
            memory.deleteCustomData(
                r.workspace(), r.viewer(), ex.query("category"), ex.query("key"))));
  }

  private static java.time.Instant time(String text, String field) {
    if (text == null) {
      return null;
    }
    try {
      return java.time.Instant.parse(text.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new InvalidInputException(
          field + " '" + text + "' is not an ISO-8601 time such as 2026-11-21T09:30:00Z",
          Map.of("field", field));
    }
  }

  private static long pathId(Exchange ex) {
    try {
      return Long.parseLong(ex.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "item id '" + ex.pathParam("id") + "' is not a number", Map.of("field", "id"));
    }
  }

  private Reply links(Exchange ex) {
    Reader r = reader(ex);
    long id = pathId(ex);
    return Reply.ok(
        Map.of(
            "links",
            memory
                .linkedItems(
                    r.workspace(),
                    r.viewer(),
                    null,
                    id,
                    ex.query("relationship"),
                    ex.query("limit") == null ? DEFAULT_LIMIT : limit(ex.query("limit")))
                .stream()
                .map(ConPortFields::of)
                .toList()));
  }

  private static MemoryKind kind(String type, String field) {
    if (type == null) {
      throw new InvalidInputException("field '" + field + "' is required", Map.of("field", field));
    }
    return MemoryKind.of(type);
  }

  private Reply recent(Exchange ex) {
    Reader r = reader(ex);
    Double hours = null;
    String text = ex.query("hours");
    if (text != null) {
      try {
        hours = Double.parseDouble(text.strip());
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            "hours '" + text + "' is not a number", Map.of("field", "hours"));
      }
    }
    return Reply.ok(
        ConPortFields.of(
            memory.recentActivity(
                r.workspace(),
                r.viewer(),
                ConPortFields.since(ex.query("since"), hours, clock.instant()),
                ex.query("limit") == null ? 5 : limit(ex.query("limit")))));
  }

  private Reply context(Exchange ex) {
    Reader r = reader(ex);
    return Reply.ok(
        ConPortFields.of(
            memory.context(
                r.workspace(), ContextKind.of(ex.pathParam("kind")), owner(ex, r.viewer()))));
  }

  private Reply contextHistory(Exchange ex) {
    Reader r = reader(ex);
    return Reply.ok(
        Map.of(
            "versions",
            memory
                .contextHistory(
                    r.workspace(),
                    ContextKind.of(ex.pathParam("kind")),
                    owner(ex, r.viewer()),
                    new HistoryFilter(
                        ex.query("version") == null ? null : limit(ex.query("version")),
                        time(ex.query("before"), "before"),
                        time(ex.query("after"), "after"),
                        limit(ex.query("limit"))))
                .stream()
                .map(ConPortFields::of)
                .toList()));
  }

  private Reply updateContext(Exchange ex) {
    ContextKind kind = ContextKind.of(ex.pathParam("kind"));
    ContextBody b =
        ex.body(
            ContextBody.class,
            "{\"instance\": \"claude-1a2b3c4d\", \"patch_content\": {\"focus\": \"leases\"}}");
    Writer w = writer(b.instance(), b.workspace());
    String owner = null;
    if (Boolean.TRUE.equals(b.own())) {
      if (w.instance() == null || kind != ContextKind.ACTIVE) {
        throw new InvalidInputException(
            "'own' is for an instance's own active context: give 'instance'",
            Map.of("field", "own"));
      }
      owner = w.instance();
    }
    return Reply.ok(
        ConPortFields.of(
            memory.updateContext(
                new ContextUpdate(
                    w.workspace(), kind, owner, b.content(), b.patchContent(), w.instance()))));
  }

  private String owner(Exchange ex, String viewer) {
    if (!"true".equals(ex.query("own"))) {
      return null;
    }
    if (viewer == null) {
      throw new InvalidInputException(
          "'own' needs 'instance': whose own active context", Map.of("field", "own"));
    }
    return viewer;
  }

  /** Who writes: an instance (and its workspace), or a person in a repository. */
  private record Writer(String workspace, String instance) {}

  private Writer writer(String instance, String workspace) {
    if (instance != null && !instance.isBlank()) {
      Instance me = instances.get(instance);
      return new Writer(me.workspace().toString(), me.id());
    }
    if (workspace != null && !workspace.isBlank()) {
      return new Writer(workspace(workspace), null);
    }
    throw new InvalidInputException(
        "give 'instance' (the instance that writes) or 'workspace' (a directory of the"
            + " repository, for a person)",
        Map.of("field", "instance"));
  }

  /** Who reads: an instance (sees its private items) or anyone in a repository. */
  private record Reader(String workspace, String viewer) {}

  private Reader reader(Exchange ex) {
    String instance = ex.query("instance");
    if (instance != null) {
      Instance me = instances.get(instance);
      return new Reader(me.workspace().toString(), me.id());
    }
    String dir = ex.query("workspace");
    if (dir == null) {
      throw new InvalidInputException(
          "give 'instance' (sees its private items too) or 'workspace' (shared items only)",
          Map.of("field", "instance"));
    }
    return new Reader(workspace(dir), null);
  }

  private Reply log(Exchange ex, MemoryKind kind) {
    MemoryItemBody b = ex.body(MemoryItemBody.class, EXAMPLE);
    Writer w = writer(b.instance(), b.workspace());
    return Reply.created(ConPortFields.of(memory.log(newItem(kind, b, w))));
  }

  /** {@code POST /v1/memory/batch}: ConPort's batch_log_items, all items or none. */
  private Reply batch(Exchange ex) {
    BatchBody b =
        ex.body(
            BatchBody.class,
            "{\"instance\": \"claude-1a2b3c4d\", \"item_type\": \"decision\", \"items\":"
                + " [{\"summary\": \"Use SQLite\"}]}");
    Writer w = writer(b.instance(), b.workspace());
    if (b.itemType() == null) {
      throw new InvalidInputException(
          "field 'item_type' is required", Map.of("field", "item_type"));
    }
    if (b.items() == null) {
      throw new InvalidInputException("field 'items' is required", Map.of("field", "items"));
    }
    MemoryKind kind =
        MemoryKind.of("progress_entry".equals(b.itemType()) ? "progress" : b.itemType());
    List<NewMemoryItem> items = new java.util.ArrayList<>();
    for (int i = 0; i < b.items().size(); i++) {
      if (b.items().get(i) == null) {
        throw new InvalidInputException("items[" + i + "] must be an object", Map.of("index", i));
      }
      items.add(newItem(kind, b.items().get(i), w));
    }
    return Reply.created(
        Map.of("items", memory.logAll(items).stream().map(ConPortFields::of).toList()));
  }

  private static NewMemoryItem newItem(MemoryKind kind, MemoryItemBody b, Writer w) {
    String workspace = w.workspace();
    String writer = w.instance();
    String title =
        switch (kind) {
          case DECISION -> b.summary();
          case PROGRESS -> b.description();
          case SYSTEM_PATTERN -> b.name();
          case CUSTOM_DATA -> b.key();
        };
    String body =
        switch (kind) {
          case DECISION -> b.rationale();
          case SYSTEM_PATTERN -> b.description();
          case CUSTOM_DATA -> b.value() == null ? null : b.value().toString();
          case PROGRESS -> null;
        };
    return new NewMemoryItem(
        workspace,
        kind,
        title,
        kind == MemoryKind.CUSTOM_DATA ? b.category() : null,
        body,
        kind == MemoryKind.DECISION ? b.implementationDetails() : null,
        kind == MemoryKind.PROGRESS ? b.status() : null,
        b.parentId(),
        b.tags(),
        writer,
        writer != null && Boolean.TRUE.equals(b.isPrivate()));
  }

  private Reply list(Exchange ex, MemoryKind kind) {
    return answer(memory.search(query(ex, null, EnumSet.of(kind))));
  }

  private Reply search(Exchange ex) {
    String q = ex.query("q");
    if (q == null || q.isBlank()) {
      throw new InvalidInputException(
          "query parameter 'q' is required: the words to find", Map.of("field", "q"));
    }
    Set<MemoryKind> kinds = EnumSet.noneOf(MemoryKind.class);
    String type = ex.query("type");
    if (type != null) {
      for (String t : type.split(",")) {
        kinds.add(MemoryKind.of(t.strip()));
      }
    }
    return answer(memory.search(query(ex, q, kinds)));
  }

  private MemoryQuery query(Exchange ex, String text, Set<MemoryKind> kinds) {
    Reader r = reader(ex);
    String tag = ex.query("tag");
    return new MemoryQuery(
        r.workspace(),
        r.viewer(),
        text,
        kinds,
        tag == null ? List.of() : List.of(tag.split(",")),
        ex.query("by"),
        ex.query("status"),
        limit(ex.query("limit")));
  }

  /** The repository root of a directory (the workspace items are kept under). */
  private String workspace(String directory) {
    return workspaces.resolve(java.nio.file.Path.of(directory)).root().toString();
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "limit '" + text + "' is not a whole number", Map.of("field", "limit"));
    }
  }

  private static Reply answer(List<MemoryHit> hits) {
    return Reply.ok(
        Map.of(
            "items",
            hits.stream()
                .map(
                    h -> {
                      Map<String, Object> m =
                          new java.util.LinkedHashMap<>(ConPortFields.of(h.item()));
                      m.put("score", h.score());
                      return m;
                    })
                .toList()));
  }
}
