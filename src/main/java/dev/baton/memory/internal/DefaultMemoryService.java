package dev.baton.memory.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.events.NewEvent;
import dev.baton.memory.ConPortImport;
import dev.baton.memory.ContextKind;
import dev.baton.memory.ContextUpdate;
import dev.baton.memory.ExportSummary;
import dev.baton.memory.HistoryFilter;
import dev.baton.memory.ImportSummary;
import dev.baton.memory.LinkedItem;
import dev.baton.memory.MemoryConfig;
import dev.baton.memory.MemoryContext;
import dev.baton.memory.MemoryHit;
import dev.baton.memory.MemoryItem;
import dev.baton.memory.MemoryItemNotFoundException;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.MemoryLink;
import dev.baton.memory.MemoryQuery;
import dev.baton.memory.MemoryService;
import dev.baton.memory.MemoryStore;
import dev.baton.memory.NewMemoryItem;
import dev.baton.memory.ProgressUpdate;
import dev.baton.memory.RecentActivity;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Validates items before the store sees them, so that nothing is stored on bad input. */
public final class DefaultMemoryService implements MemoryService {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_TAG_CHARS = 100;
  private static final int MAX_BATCH = 1000;

  private final MemoryStore store;
  private final MemoryConfig config;
  private final Clock clock;
  private final MarkdownTransfer markdown;

  public DefaultMemoryService(MemoryStore store, MemoryConfig config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.markdown = new MarkdownTransfer(store, clock, this::validate);
  }

  @Override
  public ExportSummary exportMarkdown(String workspace, String viewer, String path) {
    return markdown.export(workspace, viewer, path);
  }

  @Override
  public ImportSummary importMarkdown(String workspace, String viewer, String path) {
    return markdown.importFolder(workspace, viewer, path);
  }

  @Override
  public MemoryItem log(NewMemoryItem item) {
    check(item);
    return store.log(item, clock.instant(), DefaultMemoryService::logged);
  }

  /** The checks of {@link #validate} and, for a subtask, that its parent is there. */
  private void check(NewMemoryItem item) {
    validate(item);
    if (item.parentId() != null) {
      if (item.kind() != MemoryKind.PROGRESS) {
        throw new InvalidInputException("only progress entries have a parent");
      }
      parent(item.workspace(), item.instance(), item.parentId());
    }
  }

  @Override
  public MemoryItem delete(String workspace, String viewer, MemoryKind kind, long id) {
    visible(workspace, viewer, kind, id);
    return store
        .delete(id, i -> changed("memory.deleted", i, viewer))
        .orElseThrow(() -> new MemoryItemNotFoundException(id));
  }

  @Override
  public MemoryItem deleteCustomData(String workspace, String viewer, String category, String key) {
    require(category, "category");
    require(key, "key");
    MemoryItem item =
        store
            .findByKey(workspace, MemoryKind.CUSTOM_DATA, category, key)
            .filter(i -> !i.isPrivate() || i.instance().equals(viewer))
            .orElseThrow(() -> new MemoryItemNotFoundException(category, key));
    return delete(workspace, viewer, MemoryKind.CUSTOM_DATA, item.id());
  }

  @Override
  public List<MemoryItem> logAll(List<NewMemoryItem> items) {
    if (items.isEmpty()) {
      throw new InvalidInputException("'items' is empty: give at least one item to log");
    }
    if (items.size() > MAX_BATCH) {
      throw new InvalidInputException(
          "'items' has " + items.size() + " items; one batch logs at most " + MAX_BATCH);
    }
    for (int i = 0; i < items.size(); i++) {
      NewMemoryItem item = items.get(i);
      try {
        if (!item.workspace().equals(items.get(0).workspace())) {
          throw new InvalidInputException("every item of a batch must be of one workspace");
        }
        check(item);
      } catch (dev.baton.core.BatonException e) {
        throw new InvalidInputException(
            "items[" + i + "]: " + e.getMessage() + "; nothing of the batch was stored",
            Map.of("index", i));
      }
    }
    return store.logAll(items, clock.instant(), DefaultMemoryService::logged);
  }

  /** The parent a progress entry names, when it is a visible progress entry of the workspace. */
  private MemoryItem parent(String workspace, String viewer, long parentId) {
    MemoryItem parent =
        store
            .find(parentId)
            .filter(p -> p.workspace().equals(workspace))
            .filter(p -> !p.isPrivate() || p.instance().equals(viewer))
            .orElseThrow(() -> new MemoryItemNotFoundException(parentId));
    if (parent.kind() != MemoryKind.PROGRESS) {
      throw new InvalidInputException(
          "parent " + parent.id() + " is a " + parent.kind().wireName() + ", not a progress entry");
    }
    return parent;
  }

  @Override
  public MemoryItem updateProgress(ProgressUpdate u) {
    if (u.status() == null && u.description() == null && u.parentId() == null) {
      throw new InvalidInputException(
          "give at least one of 'status', 'description' or 'parent_id' to change progress entry "
              + u.id());
    }
    MemoryItem old = visible(u.workspace(), u.viewer(), MemoryKind.PROGRESS, u.id());
    if (u.parentId() != null) {
      MemoryItem p = parent(u.workspace(), u.viewer(), u.parentId());
      for (int depth = 0; p != null && depth < 1000; depth++) {
        if (p.id() == u.id()) {
          throw new InvalidInputException(
              "progress entry "
                  + u.parentId()
                  + " cannot be the parent of "
                  + u.id()
                  + ": it is "
                  + (u.parentId() == u.id() ? "the entry itself" : "one of its subtasks"));
        }
        p = p.parentId() == null ? null : store.find(p.parentId()).orElse(null);
      }
    }
    NewMemoryItem next =
        new NewMemoryItem(
            old.workspace(),
            MemoryKind.PROGRESS,
            u.description() == null ? old.title() : u.description(),
            null,
            old.body(),
            old.details(),
            u.status() == null ? old.status() : u.status(),
            u.parentId() == null ? old.parentId() : u.parentId(),
            old.tags(),
            old.instance(),
            old.isPrivate());
    validate(next);
    return store
        .update(u.id(), next, clock.instant(), i -> changed("memory.updated", i, u.viewer()))
        .orElseThrow(() -> new MemoryItemNotFoundException(u.id()));
  }

  @Override
  public ImportSummary importConPort(java.nio.file.Path file, String workspace) {
    ConPortImport read = ConPortReader.read(file, workspace, clock.instant());
    List<String> invalid = new java.util.ArrayList<>();
    List<ConPortImport.Item> valid = new java.util.ArrayList<>();
    for (ConPortImport.Item i : read.items()) {
      try {
        validate(i.item());
        valid.add(i);
      } catch (InvalidInputException e) {
        invalid.add(i.origin() + ": " + e.getMessage());
      }
    }
    ImportSummary stored =
        store.importAll(
            workspace,
            new ConPortImport(valid, read.links(), read.contexts()),
            clock.instant(),
            s -> {
              Map<String, Object> data = new LinkedHashMap<>();
              data.put("file", file.toString());
              data.put("added", s.added());
              data.put("links", s.linksAdded());
              data.put("contexts", s.contextsUpdated());
              return new NewEvent("memory.imported", workspace, null, data);
            });
    List<String> skipped = new java.util.ArrayList<>(invalid);
    skipped.addAll(stored.skipped());
    return new ImportSummary(
        stored.added(),
        stored.alreadyThere(),
        stored.linksAdded(),
        stored.contextsUpdated(),
        skipped);
  }

  /** The checks every item passes before it is stored, whoever writes it. */
  private void validate(NewMemoryItem item) {
    String titleName = titleName(item.kind());
    require(item.title(), titleName);
    switch (item.kind()) {
      case PROGRESS -> require(item.status(), "status");
      case CUSTOM_DATA -> {
        require(item.category(), "category");
        require(item.body(), "value");
        try {
          JSON.readTree(item.body());
        } catch (JacksonException e) {
          throw new InvalidInputException(
              "'value' of custom data "
                  + item.category()
                  + "/"
                  + item.title()
                  + " is not valid JSON: "
                  + e.getOriginalMessage());
        }
      }
      default -> {}
    }
    int chars = length(item.title(), item.category(), item.body(), item.details(), item.status());
    for (String tag : item.tags()) {
      if (tag == null || tag.isBlank() || tag.length() > MAX_TAG_CHARS) {
        throw new InvalidInputException(
            "tag '" + tag + "' is not allowed: tags are 1 to " + MAX_TAG_CHARS + " characters");
      }
      chars += tag.length();
    }
    if (chars > config.maxItemChars()) {
      throw new InvalidInputException(
          "the "
              + item.kind().wireName().replace('_', ' ')
              + " has "
              + chars
              + " characters of text; the limit is "
              + config.maxItemChars()
              + " (memory.max-item-chars): store a summary and point to the file or commit");
    }
  }

  private static NewEvent logged(MemoryItem item) {
    return changed("memory.logged", item, item.instance());
  }

  /** An event about one item: its id and kind, and its title unless it is private. */
  private static NewEvent changed(String type, MemoryItem item, String by) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", item.id());
    data.put("kind", item.kind().wireName());
    if (item.isPrivate()) {
      data.put("private", true); // the event stream is the workspace's: no private text in it
    } else {
      data.put("title", item.title());
    }
    return new NewEvent(type, item.workspace(), by, data);
  }

  @Override
  public List<MemoryHit> search(MemoryQuery query) {
    if (query.limit() < 1) {
      throw new InvalidInputException("limit " + query.limit() + " must be at least 1");
    }
    int limit = Math.min(query.limit(), config.maxResults());
    return store.search(
        new MemoryQuery(
            query.workspace(),
            query.viewer(),
            query.text(),
            query.kinds(),
            query.tags(),
            query.instance(),
            query.status(),
            limit,
            query.since()));
  }

  @Override
  public MemoryLink link(
      String workspace,
      String viewer,
      MemoryKind sourceKind,
      long sourceId,
      MemoryKind targetKind,
      long targetId,
      String relationship,
      String description) {
    require(relationship, "relationship_type");
    if (relationship.length() > MAX_TAG_CHARS) {
      throw new InvalidInputException(
          "relationship_type is "
              + relationship.length()
              + " characters; the limit is "
              + MAX_TAG_CHARS);
    }
    if (sourceId == targetId) {
      throw new InvalidInputException("an item cannot be linked to itself (item " + sourceId + ")");
    }
    visible(workspace, viewer, sourceKind, sourceId);
    visible(workspace, viewer, targetKind, targetId);
    if (length(description) > config.maxItemChars()) {
      throw new InvalidInputException(
          "the description is over the limit of " + config.maxItemChars() + " characters");
    }
    return store.link(
        workspace,
        sourceId,
        targetId,
        relationship.strip(),
        description,
        viewer,
        clock.instant(),
        l -> {
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("id", l.id());
          data.put("source", l.sourceId());
          data.put("target", l.targetId());
          data.put("relationship", l.relationship());
          return new NewEvent("memory.linked", l.workspace(), l.instance(), data);
        });
  }

  @Override
  public List<LinkedItem> linkedItems(
      String workspace, String viewer, MemoryKind kind, long id, String relationship, int limit) {
    visible(workspace, viewer, kind, id);
    if (limit < 1) {
      throw new InvalidInputException("limit " + limit + " must be at least 1");
    }
    List<LinkedItem> out = new java.util.ArrayList<>();
    for (MemoryLink l : store.links(id, config.maxResults())) {
      if (relationship != null && !relationship.equals(l.relationship())) {
        continue;
      }
      boolean outgoing = l.sourceId() == id;
      store
          .find(outgoing ? l.targetId() : l.sourceId())
          .filter(i -> !i.isPrivate() || i.instance().equals(viewer))
          .ifPresent(i -> out.add(new LinkedItem(l, i, outgoing)));
      if (out.size() == limit) {
        break;
      }
    }
    return out;
  }

  /** The item, when it is in the workspace, of that kind, and visible to the viewer. */
  private MemoryItem visible(String workspace, String viewer, MemoryKind kind, long id) {
    MemoryItem item =
        store
            .find(id)
            .filter(i -> i.workspace().equals(workspace))
            .filter(i -> !i.isPrivate() || i.instance().equals(viewer))
            .orElseThrow(() -> new MemoryItemNotFoundException(id));
    if (kind != null && item.kind() != kind) {
      throw new InvalidInputException(
          "item " + id + " is a " + item.kind().wireName() + ", not a " + kind.wireName());
    }
    return item;
  }

  @Override
  public RecentActivity recentActivity(
      String workspace, String viewer, Instant since, int perKind) {
    if (perKind < 1) {
      throw new InvalidInputException("limit per type " + perKind + " must be at least 1");
    }
    Map<MemoryKind, List<MemoryItem>> items = new java.util.EnumMap<>(MemoryKind.class);
    for (MemoryKind kind : MemoryKind.values()) {
      items.put(
          kind,
          store
              .search(
                  new MemoryQuery(
                      workspace,
                      viewer,
                      null,
                      java.util.Set.of(kind),
                      List.of(),
                      null,
                      null,
                      Math.min(perKind, config.maxResults()),
                      since))
              .stream()
              .map(MemoryHit::item)
              .toList());
    }
    List<MemoryContext> contexts = new java.util.ArrayList<>();
    for (ContextKind kind : ContextKind.values()) {
      store
          .context(workspace, kind, null)
          .filter(c -> !c.updatedAt().isBefore(since))
          .ifPresent(contexts::add);
    }
    return new RecentActivity(since, items, contexts);
  }

  @Override
  public MemoryContext context(String workspace, ContextKind kind, String owner) {
    return store
        .context(workspace, kind, owner)
        .orElse(MemoryContext.empty(workspace, kind, owner));
  }

  @Override
  public MemoryContext updateContext(ContextUpdate u) {
    if ((u.content() == null) == (u.patch() == null)) {
      throw new InvalidInputException(
          "give either 'content' (the whole new "
              + u.kind().wireName()
              + " context) or 'patch_content' (keys to change; \""
              + ContextUpdate.DELETE
              + "\" removes one), not "
              + (u.content() == null ? "neither" : "both"));
    }
    if (u.content() != null && u.content().containsValue(ContextUpdate.DELETE)) {
      throw new InvalidInputException(
          "'" + ContextUpdate.DELETE + "' removes keys in 'patch_content' only, not in 'content'");
    }
    return store.updateContext(
        u.workspace(),
        u.kind(),
        u.owner(),
        current -> {
          Map<String, Object> next;
          if (u.content() != null) {
            next = new LinkedHashMap<>(u.content());
          } else {
            next = new LinkedHashMap<>(current);
            for (Map.Entry<String, Object> e : u.patch().entrySet()) {
              if (ContextUpdate.DELETE.equals(e.getValue())) {
                if (next.remove(e.getKey()) == null && !current.containsKey(e.getKey())) {
                  throw new InvalidInputException(
                      "the patch removes '"
                          + e.getKey()
                          + "', which the "
                          + u.kind().wireName()
                          + " context does not have; its keys: "
                          + (current.isEmpty() ? "none" : String.join(", ", current.keySet())));
                }
              } else {
                next.put(e.getKey(), e.getValue());
              }
            }
          }
          int chars = JSON.writeValueAsString(next).length();
          if (chars > config.maxItemChars()) {
            throw new InvalidInputException(
                "the "
                    + u.kind().wireName()
                    + " context would have "
                    + chars
                    + " characters of JSON; the limit is "
                    + config.maxItemChars()
                    + " (memory.max-item-chars)");
          }
          return next;
        },
        u.instance(),
        clock.instant(),
        c -> {
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("context", c.kind().wireName());
          data.put("version", c.version());
          if (c.owner() != null) {
            data.put("owner", c.owner());
          }
          return new NewEvent("memory.context_updated", c.workspace(), c.instance(), data);
        });
  }

  @Override
  public List<MemoryContext> contextHistory(
      String workspace, ContextKind kind, String owner, HistoryFilter f) {
    if (f.limit() < 1) {
      throw new InvalidInputException("limit " + f.limit() + " must be at least 1");
    }
    if (f.version() != null && f.version() < 1) {
      throw new InvalidInputException("version " + f.version() + " must be at least 1");
    }
    if (f.before() != null && f.after() != null && !f.after().isBefore(f.before())) {
      throw new InvalidInputException(
          "after_timestamp "
              + f.after()
              + " is not before before_timestamp "
              + f.before()
              + ": no version can be in between");
    }
    return store.contextHistory(
        workspace,
        kind,
        owner,
        new HistoryFilter(
            f.version(), f.before(), f.after(), Math.min(f.limit(), config.maxResults())));
  }

  /** ConPort's name for the title of each kind, for error messages. */
  private static String titleName(MemoryKind kind) {
    return switch (kind) {
      case DECISION -> "summary";
      case PROGRESS -> "description";
      case SYSTEM_PATTERN -> "name";
      case CUSTOM_DATA -> "key";
    };
  }

  private static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("'" + name + "' is required");
    }
  }

  private static int length(String... values) {
    int n = 0;
    for (String v : values) {
      n += v == null ? 0 : v.length();
    }
    return n;
  }
}
