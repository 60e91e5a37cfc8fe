package dev.baton.memory;

import java.time.Instant;
import java.util.List;

/** The shared memory: log items and find them. Thread-safe. */
public interface MemoryService {
  /**
   * Validates and stores an item; emits {@code memory.logged}.
   *
   * @throws dev.baton.core.InvalidInputException naming the field that is missing, too long or
   *     malformed (nothing is stored then)
   * @throws MemoryItemNotFoundException when a progress entry's parent is not in the workspace
   */
  MemoryItem log(NewMemoryItem item);

  /**
   * Logs several items of one workspace in one transaction (ConPort's {@code batch_log_items}): all
   * of them, or none when one is refused. Each emits {@code memory.logged}.
   *
   * @throws dev.baton.core.InvalidInputException naming the refused item by its index ({@code
   *     items[2]}) and the problem, or for an empty or too large batch (nothing is stored then)
   */
  List<MemoryItem> logAll(List<NewMemoryItem> items);

  /**
   * Changes a progress entry's status, description or parent; emits {@code memory.updated}.
   *
   * @throws MemoryItemNotFoundException when the entry or the new parent is not in the workspace or
   *     not visible to the viewer
   * @throws dev.baton.core.InvalidInputException when no field is given, the item is not a progress
   *     entry, or the new parent would make a cycle (nothing changes then)
   */
  MemoryItem updateProgress(ProgressUpdate update);

  /**
   * Deletes an item of the workspace with its links; its subtasks, if any, lose their parent. Emits
   * {@code memory.deleted}.
   *
   * @param kind the item's kind as the caller believes it (checked); null for any
   * @throws MemoryItemNotFoundException when the item is not in the workspace or is another
   *     instance's private item
   * @throws dev.baton.core.InvalidInputException when the item is of another kind
   */
  MemoryItem delete(String workspace, String viewer, MemoryKind kind, long id);

  /**
   * Deletes the custom data under {@code category} and {@code key}, as {@link #delete}.
   *
   * @throws MemoryItemNotFoundException when there is none visible to the viewer
   */
  MemoryItem deleteCustomData(String workspace, String viewer, String category, String key);

  /**
   * Items matching the query, best first.
   *
   * @throws dev.baton.core.InvalidInputException for a limit below 1
   */
  List<MemoryHit> search(MemoryQuery query);

  /**
   * What changed since {@code since}: the newest items of each kind (at most {@code perKind}) and
   * the shared contexts updated since then.
   */
  RecentActivity recentActivity(String workspace, String viewer, Instant since, int perKind);

  /**
   * Links two items of the workspace; emits {@code memory.linked}. Linking the same two items with
   * the same relationship again returns the first link.
   *
   * @param sourceKind the source's kind as the caller believes it (checked)
   * @throws MemoryItemNotFoundException when an item is not in the workspace or not visible
   * @throws dev.baton.core.InvalidInputException for a kind that does not match, a blank
   *     relationship or an item linked to itself
   */
  MemoryLink link(
      String workspace,
      String viewer,
      MemoryKind sourceKind,
      long sourceId,
      MemoryKind targetKind,
      long targetId,
      String relationship,
      String description);

  /**
   * The items linked to an item, newest link first, each visible to {@code viewer}.
   *
   * @throws MemoryItemNotFoundException when the item is not in the workspace or not visible
   */
  List<LinkedItem> linkedItems(
      String workspace, String viewer, MemoryKind kind, long id, String relationship, int limit);

  /**
   * Imports a ConPort database (its SQLite file) into the workspace, all or nothing; importing the
   * same file again adds only what is new. Emits {@code memory.imported}.
   *
   * @throws dev.baton.core.InvalidInputException when the file is missing or is not a ConPort
   *     database (nothing is stored then)
   */
  ImportSummary importConPort(java.nio.file.Path file, String workspace);

  /**
   * Writes the workspace's memory as ConPort's markdown export (ConPort's {@code
   * export_conport_to_markdown}): the shared items and contexts, and the viewer's own private items
   * marked private; never another instance's private items. Each entry carries a marker from which
   * {@link #importMarkdown} restores it exactly.
   *
   * @param path the folder, relative to the workspace or absolute; null for {@code conport_export}
   * @throws dev.baton.core.BatonException ({@code path_outside_workspace}) when the folder, or a
   *     file in it, lies outside the workspace once links and {@code ..} are followed (nothing is
   *     written then)
   */
  ExportSummary exportMarkdown(String workspace, String viewer, String path);

  /**
   * Imports a folder in the layout of ConPort's markdown export, with baton's markers or without
   * (ConPort's own), all or nothing (ConPort's {@code import_markdown_to_conport}); importing the
   * same folder again adds only what is new. A private entry is imported only by its own instance.
   * Emits {@code memory.imported}.
   *
   * @param path the folder, relative to the workspace or absolute; null for {@code conport_export}
   * @throws dev.baton.core.InvalidInputException for a missing folder, or naming the file and line
   *     of an entry that is not in the expected shape (nothing is stored then)
   * @throws dev.baton.core.BatonException ({@code path_outside_workspace}) as {@link
   *     #exportMarkdown}
   */
  ImportSummary importMarkdown(String workspace, String viewer, String path);

  /** The context's current version (version 0 and empty when never written). */
  MemoryContext context(String workspace, ContextKind kind, String owner);

  /**
   * Replaces or patches a context; emits {@code memory.context_updated}.
   *
   * @throws dev.baton.core.InvalidInputException when neither or both of content and patch are
   *     given, when a patch deletes a key the content does not have, or when the result is too
   *     large (nothing is stored then)
   */
  MemoryContext updateContext(ContextUpdate update);

  /** Earlier versions, newest first. */
  default List<MemoryContext> contextHistory(
      String workspace, ContextKind kind, String owner, int limit) {
    return contextHistory(workspace, kind, owner, HistoryFilter.newest(limit));
  }

  /**
   * Earlier versions that pass the filter, newest first (ConPort's {@code get_item_history}).
   *
   * @throws dev.baton.core.InvalidInputException for a limit or version below 1, or a window whose
   *     end is not after its start
   */
  List<MemoryContext> contextHistory(
      String workspace, ContextKind kind, String owner, HistoryFilter filter);
}
