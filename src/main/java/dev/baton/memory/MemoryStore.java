package dev.baton.memory;

import dev.baton.events.NewEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Persistence and search of memory items. Implementations are thread-safe. */
public interface MemoryStore {
  /**
   * Stores the item, or replaces the custom item or pattern with the same key, and appends the
   * event built from the stored item in the same transaction.
   */
  MemoryItem log(NewMemoryItem item, Instant at, Function<MemoryItem, NewEvent> event);

  /** Stores the items as {@link #log} does, all in one transaction. */
  List<MemoryItem> logAll(
      List<NewMemoryItem> items, Instant at, Function<MemoryItem, NewEvent> event);

  Optional<MemoryItem> find(long id);

  /**
   * Rewrites the item's title, body, details, status, parent and tags from {@code item} and appends
   * the event, in one transaction; empty when there is no such item (any more).
   */
  Optional<MemoryItem> update(
      long id, NewMemoryItem item, Instant at, Function<MemoryItem, NewEvent> event);

  /** The system pattern (by name) or custom item (by category and key) with that key. */
  Optional<MemoryItem> findByKey(String workspace, MemoryKind kind, String category, String title);

  /**
   * Deletes the item, the links from and to it, and its subtasks' reference to it, and appends the
   * event, in one transaction; empty when there is no such item (any more).
   */
  Optional<MemoryItem> delete(long id, Function<MemoryItem, NewEvent> event);

  /** Matching items, best first (newest first when the query has no text). */
  List<MemoryHit> search(MemoryQuery query);

  /**
   * Stores a link, or returns the existing one with the same ends and relationship, appending the
   * event in the same transaction when it is new.
   */
  MemoryLink link(
      String workspace,
      long sourceId,
      long targetId,
      String relationship,
      String description,
      String instance,
      Instant at,
      Function<MemoryLink, NewEvent> event);

  /** Links from or to the item, newest first. */
  List<MemoryLink> links(long itemId, int limit);

  /**
   * Stores an import in one transaction: items (with their author and privacy as given) and links
   * whose origin is not there yet, parents of progress entries, and contexts (their history too
   * when the workspace has none yet). Appends the event built from the summary.
   */
  ImportSummary importAll(
      String workspace, ConPortImport batch, Instant at, Function<ImportSummary, NewEvent> event);

  /** The context's current version; empty when it was never written. */
  Optional<MemoryContext> context(String workspace, ContextKind kind, String owner);

  /**
   * Writes a new version of the context, computed by {@code change} from the current content (an
   * empty map when there is none), in one transaction that also keeps the old version in the
   * history and appends the event. When {@code change} throws, nothing changes.
   */
  MemoryContext updateContext(
      String workspace,
      ContextKind kind,
      String owner,
      UnaryOperator<Map<String, Object>> change,
      String instance,
      Instant at,
      Function<MemoryContext, NewEvent> event);

  /** Earlier versions of the context, newest first (the current one not included). */
  List<MemoryContext> contextHistory(
      String workspace, ContextKind kind, String owner, HistoryFilter filter);
}
