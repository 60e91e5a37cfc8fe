package dev.baton.memory;

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
   * Items matching the query, best first.
   *
   * @throws dev.baton.core.InvalidInputException for a limit below 1
   */
  List<MemoryHit> search(MemoryQuery query);
}
