package dev.baton.api;

import dev.baton.leases.Waiting;
import java.time.Instant;
import java.util.List;

/** The lease requests waiting in a workspace, oldest first: {@code GET /v1/leases/waiting}. */
public record WaitingListJson(List<WaitingJson> waiting, int count) {
  /** One waiting request: who waits, for what, since when. */
  public record WaitingJson(String instance, String role, List<String> paths, Instant since) {}

  public static WaitingListJson of(List<Waiting> waiting) {
    List<WaitingJson> json =
        waiting.stream()
            .map(w -> new WaitingJson(w.instance(), w.role(), w.paths(), w.since()))
            .toList();
    return new WaitingListJson(json, json.size());
  }
}
