package dev.baton.leases.internal;

import dev.baton.leases.Lease;
import dev.baton.leases.PathPattern;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which leases clash with a plan, with each lease pattern's overlaps remembered. An acquire decides
 * them against a read of the workspace's leases before it takes the store's writer, so that inside
 * the writer only leases granted since that read cost an overlap check (up to {@link PathPattern}'s
 * bound each). Used by one attempt on one thread; not thread-safe.
 */
final class Clashes {
  private final Plan plan;
  private final Map<PathPattern, boolean[]> overlaps = new HashMap<>();

  Clashes(Plan plan) {
    this.plan = plan;
  }

  /** Decides now how these leases' patterns overlap the plan's. */
  Clashes learn(List<Lease> leases) {
    for (Lease l : leases) {
      if (concerns(l)) {
        overlapsOf(l.pattern());
      }
    }
    return this;
  }

  /** True when the lease and the plan's {@code index}-th pattern cannot both be held. */
  boolean test(Lease l, int index) {
    return concerns(l) && overlapsOf(l.pattern())[index];
  }

  /** Another instance's lease in a mode that clashes with the plan's. */
  private boolean concerns(Lease l) {
    return !l.instance().equals(plan.instance()) && l.mode().clashesWith(plan.mode());
  }

  private boolean[] overlapsOf(PathPattern leased) {
    return overlaps.computeIfAbsent(
        leased,
        p -> {
          List<PathPattern> requested = plan.patterns();
          boolean[] out = new boolean[requested.size()];
          for (int i = 0; i < out.length; i++) {
            out[i] = p.overlaps(requested.get(i));
          }
          return out;
        });
  }
}
