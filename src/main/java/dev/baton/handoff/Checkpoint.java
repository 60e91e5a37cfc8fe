package dev.baton.handoff;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an instance was doing at one moment.
 *
 * @param reason why it was taken: {@code scheduled}, {@code agent}, {@code handoff}, {@code
 *     deregistered}, {@code expired} or {@code manual}
 * @param summary the agent's own words ({@code checkpoint} tool), or null
 * @param activeContext the instance's own active context, else the shared one
 * @param leases the files it held, e.g. {@code src/A.java (exclusive)}
 * @param branch the branch checked out where it works, or null
 * @param head the commit there, or null when unknown
 * @param changedFiles the working tree's changes, as {@code git status --porcelain} lines
 * @param items the memory items it wrote since its previous checkpoint, e.g. {@code decision #3:
 *     Cache per role}
 */
public record Checkpoint(
    long id,
    Path workspace,
    String instance,
    String role,
    String reason,
    String summary,
    Map<String, Object> activeContext,
    List<String> leases,
    String branch,
    String head,
    List<String> changedFiles,
    List<String> items,
    Instant createdAt) {
  public Checkpoint {
    activeContext = activeContext == null ? Map.of() : activeContext;
    leases = List.copyOf(leases);
    changedFiles = List.copyOf(changedFiles);
    items = List.copyOf(items);
  }
}
