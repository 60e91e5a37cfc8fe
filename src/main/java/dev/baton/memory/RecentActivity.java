package dev.baton.memory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What changed in a workspace's memory since a time.
 *
 * @param items the newest items of each kind written or changed since then
 * @param contexts the shared contexts updated since then
 */
public record RecentActivity(
    Instant since, Map<MemoryKind, List<MemoryItem>> items, List<MemoryContext> contexts) {
  public RecentActivity {
    items = Map.copyOf(items);
    contexts = List.copyOf(contexts);
  }
}
